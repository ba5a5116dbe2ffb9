"""The survey's own measurements (``data/published/``): Tables 3-5 and Figure 1, as printed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gpusurvey.core.csv_rows import LINE, read_rows
from gpusurvey.core.errors import DataError

if TYPE_CHECKING:  # a type only: the papers' date reads the published figure without pandas
    from gpusurvey.inputs.gpus import GpuTable


@dataclass(frozen=True)
class Printed:
    """A value as the survey printed it (``value_text``, ``"28.923"``)."""

    value_text: str

    @property
    def value(self) -> float:
        return float(self.value_text)


@dataclass(frozen=True)
class PublishedRow(Printed):
    """One printed row of Table 3, 4 or 5."""

    gpu: str
    """Canonical name (``data/gpus.csv``)."""
    printed_gpu: str
    unit: str
    conditions: str
    reference: str
    source_url: str


def load_published_table(path: str | os.PathLike, gpus: GpuTable, unit: str) -> list[PublishedRow]:
    """Load ``data/published/table{3,4,5}.csv``: every GPU known, one row per GPU, all in ``unit``."""
    rows = read_rows(path, "published")
    if not rows:
        raise DataError(path, "no rows; expected the survey's printed measurements")
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        line = row[LINE]
        gpu = gpus.canonical(row["gpu"], str(path), line=line, column="gpu")
        if gpu in seen:
            raise DataError(path, f"{gpu} appears twice (first on line {seen[gpu]}); expected one row "
                            "per GPU", line=line, column="gpu")
        seen[gpu] = line
        if row["unit"] != unit:
            raise DataError(path, f"expected unit '{unit}' for this table, got '{row['unit']}'",
                            line=line, column="unit")
        out.append(PublishedRow(gpu=gpu, printed_gpu=row["gpu"], value_text=row["value"], unit=row["unit"],
                                conditions=row["conditions"], reference=row["reference"],
                                source_url=row["source_url"]))
    return out


@dataclass(frozen=True)
class PublishedBar(Printed):
    """One bar of the survey's Figure 1 (milliseconds per 1000x1000 product)."""

    processor: str
    kind: str
    reference: str


def load_published_figure(path: str | os.PathLike) -> list[PublishedBar]:
    """Load ``data/published/figure1.csv``."""
    return [PublishedBar(processor=r["processor"], kind=r["kind"], value_text=r["value"],
                         reference=r["reference"])
            for r in read_rows(path, "published_figure")]
