"""The one error type for bad input: it names the file, the place in it and what was expected."""

from __future__ import annotations


class DataError(ValueError):
    """Bad input data. The message says where (file, line, column or key) and what was expected."""

    def __init__(self, path, message: str, *, line: int | None = None, column: str | None = None):
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.column = column
