"""Read a CSV data file and check every row against its JSON schema (``workflow/schemas``);
read a generated table CSV as text.

Cells are converted to the types the schema declares before validation, so an error can
name the file, the line, the column and what was expected. Nothing is written here: callers
validate all their inputs before they produce any output.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence
from typing import Any

import jsonschema

from gpusurvey.core.errors import DataError
from gpusurvey.core.schemas import load_schema

LINE = "_line"
"""Key of each row's line number in the file (the header is line 1)."""

_TYPE_WORDS = {"integer": "an integer", "number": "a number", "string": "text"}


def _declared_types(prop: dict[str, Any]) -> list[str]:
    declared = prop.get("type", "string")
    return [declared] if isinstance(declared, str) else list(declared)


def _convert(path, line: int, column: str, cell: str, prop: dict[str, Any]) -> Any:
    types = _declared_types(prop)
    cell = cell.strip()
    if cell == "":
        return None
    for kind, cast in (("integer", int), ("number", float)):
        if kind in types:
            try:
                value = cast(cell)
            except ValueError:
                raise DataError(path, f"expected {_TYPE_WORDS[kind]}, got '{cell}'", line=line,
                                column=column) from None
            if not math.isfinite(value):  # float() accepts nan, inf and infinity
                raise DataError(path, f"expected a finite number, got '{cell}'", line=line,
                                column=column)
            return value
    return cell


def _describe(error: jsonschema.ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator in ("exclusiveMinimum", "minimum"):
        op = ">" if error.validator == "exclusiveMinimum" else ">="
        return f"expected a value {op} {error.validator_value}, got {error.instance!r}"
    if error.validator == "type":
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in _declared_types(schema))
        got = "an empty cell" if error.instance is None else repr(error.instance)
        return f"expected {wanted}, got {got}"
    if error.validator == "enum":
        return f"expected one of {error.validator_value}, got {error.instance!r}"
    if error.validator == "pattern":
        return f"expected text matching {error.validator_value}, got {error.instance!r}"
    if error.validator == "format" and error.validator_value == "date":
        return f"expected a calendar date YYYY-MM-DD, got {error.instance!r}"
    return error.message


class _named_errors:
    """A csv reader whose own errors (a field above the csv module's size limit, a quote left
    open at the end) are DataErrors naming the file and the line."""

    def __init__(self, path: str | os.PathLike, reader) -> None:
        self.path, self.reader = path, reader

    @property
    def line_num(self) -> int:
        return self.reader.line_num

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        try:
            return next(self.reader)
        except csv.Error as exc:
            raise DataError(self.path, f"not readable as CSV ({exc}); expected one row per line, "
                            "quotes closed", line=self.reader.line_num) from None


def open_csv(path: str | os.PathLike) -> io.StringIO:
    """A CSV file's text, ready for the csv module (a byte-order mark is skipped); DataError when
    it is missing or not UTF-8 (the line and column of the first byte that is not)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, data, exc) from None
    return io.StringIO(text, newline="")


def _encoding_error(path, data: bytes, exc: UnicodeDecodeError) -> DataError:
    """Where the first byte that is not UTF-8 lies: its line and, from the header, its column."""
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    line = data.count(b"\n", 0, exc.start) + 1
    header = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8-sig", "replace")]), [])
    before = data[line_start:exc.start].decode("utf-8", "replace")
    index = len(next(csv.reader([before]), [""])) - 1
    column = header[index].strip() if line > 1 and index < len(header) else None
    return DataError(path, f"byte 0x{data[exc.start]:02x} is not UTF-8; expected a UTF-8 text file "
                     "(a spreadsheet saves one as 'CSV UTF-8')", line=line, column=column)


def read_rows(path: str | os.PathLike, schema_name: str) -> list[dict[str, Any]]:
    """All rows of ``path`` as dicts, converted and validated against ``schema_name``.

    Each row also holds its line number under ``LINE``. A byte-order mark (a file saved by a
    spreadsheet as "UTF-8 with BOM") is skipped.
    Raises DataError for a missing or unexpected column, a cell of the wrong type or a
    value the schema forbids. Line numbers count the header as line 1.
    """
    schema = load_schema(schema_name)
    columns: list[str] = schema["x-columns"]
    props: dict[str, Any] = schema["properties"]
    with open_csv(path) as fh:
        reader = _named_errors(path, csv.reader(fh))
        header = next(reader, None)
        if header is None:
            raise DataError(path, f"empty file; expected a header with columns {columns}", line=1)
        header = [h.strip() for h in header]
        missing = [c for c in columns if c not in header]
        if missing:
            raise DataError(path, f"missing column(s) {missing}; expected {columns}", line=1)
        extra = [c for c in header if c not in columns]
        if extra:
            raise DataError(path, f"unexpected column(s) {extra}; expected {columns}", line=1)
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        rows = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise DataError(path, f"expected {len(header)} cells, got {len(cells)}", line=line)
            row = {}
            for column, cell in zip(header, cells, strict=True):
                value = _convert(path, line, column, cell, props[column])
                if value is not None or column in schema.get("required", []):
                    row[column] = value
            errors = list(validator.iter_errors(row))
            if errors:
                err = min(errors, key=lambda e: columns.index(_column_of(e, columns)))
                raise DataError(path, _describe(err), line=line, column=_column_of(err, columns))
            rows.append({**{c: row.get(c) for c in columns}, LINE: line})
    return rows


def read_table(path: str | os.PathLike, columns: Sequence[str]) -> list[dict[str, str]]:
    """Rows of a generated table CSV as strings (cells exactly as printed, empty cells as ``""``),
    each with its line under ``LINE``; DataError when one of ``columns`` is missing."""
    with open_csv(path) as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(path, f"missing column(s) {missing}; expected {list(columns)}", line=1)
        return [{**row, LINE: reader.line_num} for row in reader]


def _column_of(error: jsonschema.ValidationError, columns: list[str]) -> str:
    if error.absolute_path:
        return str(error.absolute_path[0])
    if error.validator == "required":
        return str(error.message).split("'")[1]
    if error.validator == "additionalProperties":
        return columns[0]
    return columns[0]


def require_unique(path, rows: list[dict[str, Any]], column: str) -> None:
    """Raise DataError at the second row that repeats a value of ``column``."""
    seen: dict[Any, int] = {}
    for row in rows:
        value, line = row[column], row[LINE]
        if value in seen:
            raise DataError(path, f"duplicate value {value!r} (first on line {seen[value]})",
                            line=line, column=column)
        seen[value] = line
