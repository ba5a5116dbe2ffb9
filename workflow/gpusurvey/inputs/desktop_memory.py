"""``data/desktop_memory.csv``: the memory systems of the desktops a reader may own (two
channels of DDR4 or DDR5, an Apple chip's unified memory), each with its published peak read
bandwidth, the source and the source's own line.

A row's bandwidth must appear in its quote. A DDR row's ``how`` states the rule it follows,
``<MT/s> MT/s x <bytes> bytes x <n> channels``, and that product must be its bandwidth (within
0.05 GB/s); ids are unique.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from gpusurvey.core.csv_rows import LINE, read_rows
from gpusurvey.core.errors import DataError

RULE = re.compile(r"^(\d+) MT/s x (\d+) bytes x (\d+) channels?$")
"""How a DDR row's bandwidth follows from its transfer rate."""
TOLERANCE_GBS = 0.05


@dataclass(frozen=True)
class Desktop:
    id: str
    label: str
    label_ko: str
    kind: str
    """``ddr4``, ``ddr5`` or ``unified``."""
    bandwidth_gbs: float
    how: str
    source: str
    source_title: str
    source_date: str
    """The document's date, YYYY-MM-DD, where it states one, else empty (the bibliography's year)."""
    quote: str


def _in_quote(value: float, quote: str) -> bool:
    figure = f"{value:g}"
    digits = re.sub(r"(?<=\d),(?=\d{3})", "", quote)
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d])", digits) is not None


def load_desktop_memory(path: str | os.PathLike) -> list[Desktop]:
    """Every row, checked (see the module's docstring), in the file's order."""
    out, seen = [], {}
    for row in read_rows(path, "desktop_memory"):
        line, value = row[LINE], row["bandwidth_gbs"]
        if row["id"] in seen:
            raise DataError(path, f"id '{row['id']}' repeats line {seen[row['id']]}; expected one row "
                            "per memory system", line=line, column="id")
        seen[row["id"]] = line
        if not _in_quote(value, row["quote"]):
            raise DataError(path, f"bandwidth {value:g} does not appear in the quote; expected the "
                            "source's own line holding it", line=line, column="quote")
        if row["kind"] in ("ddr4", "ddr5"):
            rule = RULE.match(row["how"])
            if rule is None:
                raise DataError(path, f"'{row['how']}'; expected '<MT/s> MT/s x <bytes> bytes x <n> "
                                "channels' for a DDR row", line=line, column="how")
            rate, width, channels = (int(g) for g in rule.groups())
            derived = rate * width * channels / 1000
            if abs(derived - value) > TOLERANCE_GBS:
                raise DataError(path, f"the rule gives {derived:g} GB/s, the row {value:g}; expected "
                                "them equal", line=line, column="bandwidth_gbs")
        out.append(Desktop(row["id"], row["label"], row["label_ko"], row["kind"], float(value),
                           row["how"], row["source"], row["source_title"], row["source_date"] or "",
                           row["quote"]))
    if not out:
        raise DataError(path, "no row; expected one row per desktop memory system")
    return out
