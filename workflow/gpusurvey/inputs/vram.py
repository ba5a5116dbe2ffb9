"""``data/vram.csv``: published GPU-memory figures, each with its source and quoted line.

Rows of kind ``runtime`` give the fixed cost the memory model adds for the CUDA context and
libraries; rows of kind ``llm`` and ``sd`` are runs the model is checked against. A row's value
must appear in its quote (thousands separators ignored), an ``llm`` row must name a model of
``data/models.csv`` and a format the memory model sizes, and an ``sd`` row its resolution,
precision and attention.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from gpusurvey.core.csv_rows import LINE, read_rows
from gpusurvey.core.errors import DataError
from gpusurvey.models.weight_formats import MEMORY_FORMATS

UNIT_BYTES = {"MB": 1e6, "MiB": 2**20, "GB": 1e9, "GiB": 2**30}


@dataclass(frozen=True)
class VramRow:
    line: int
    kind: str
    software: str
    model: str | None
    format: str | None
    context: int | None
    width: int | None
    height: int | None
    attention: str | None
    precision: str | None
    measure: str
    bytes: float
    printed: str
    """The value as the source prints it, with its unit (``9135 MB``)."""
    source: str
    notes: str | None


def _figure(value: float) -> str:
    return f"{value:g}"


def load_vram(path: str | os.PathLike, models: dict) -> list[VramRow]:
    """Every row, checked (see the module's docstring); ``models``: ``load_models``'s result."""
    rows = read_rows(path, "vram")
    out = []
    for row in rows:
        line = row[LINE]
        digits = re.sub(r"(?<=\d),(?=\d{3})", "", row["quote"])
        if not re.search(rf"(?<![\d.]){re.escape(_figure(row['value']))}(?![\d])", digits):
            raise DataError(path, f"value {_figure(row['value'])} does not appear in the quote; "
                            "expected the source's own line holding it", line=line, column="quote")
        if row["kind"] == "llm":
            if row["model"] not in models:
                raise DataError(path, f"unknown model '{row['model']}'; expected one of data/models.csv",
                                line=line, column="model")
            if row["format"] not in MEMORY_FORMATS:
                raise DataError(path, f"unknown format '{row['format']}'; expected one of "
                                f"{list(MEMORY_FORMATS)}", line=line, column="format")
            if row["context"] is None:
                raise DataError(path, "expected the context the cache holds", line=line, column="context")
        if row["kind"] == "sd":
            for column in ("width", "height", "attention", "precision"):
                if row[column] is None:
                    raise DataError(path, "expected a value for an sd row", line=line, column=column)
        out.append(VramRow(line, row["kind"], row["software"], row["model"], row["format"],
                           row["context"], row["width"], row["height"], row["attention"],
                           row["precision"], row["measure"], row["value"] * UNIT_BYTES[row["unit"]],
                           f"{_figure(row['value'])} {row['unit']}", row["source"], row["notes"]))
    if not any(r.kind == "runtime" for r in out):
        raise DataError(path, "no row of kind 'runtime'; expected the runtime's fixed cost")
    return out


def runtime_bytes(rows: list[VramRow]) -> float:
    """The runtime's fixed cost: the first ``runtime`` row."""
    return next(r.bytes for r in rows if r.kind == "runtime")
