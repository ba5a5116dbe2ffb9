"""The committed data files, loaded and checked: ``data/gpus.csv`` and ``data/errata.csv``."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from gpusurvey.core.catalogue import Catalogue, read_catalogue
from gpusurvey.core.csv_rows import LINE, read_rows
from gpusurvey.core.errors import DataError

BASELINE_KEY = "config tables.baseline_gpu"
"""Where the baseline GPU's name comes from (any spelling: the writers print its canonical name)."""


@dataclass(frozen=True)
class GpuTable:
    """``data/gpus.csv`` as a pandas table (index: canonical name) beside its ``Catalogue`` (the
    csv-only reading that the Snakefile and the measuring half use), whose name matching it shares."""

    table: pd.DataFrame
    catalogue: Catalogue

    @property
    def path(self) -> str:
        return self.catalogue.path

    def resolve(self, name: str, memory_bytes: int | float | None = None) -> str | None:
        """See ``Catalogue.resolve``."""
        return self.catalogue.resolve(name, memory_bytes)

    def canonical(self, name: str, where: str, *, line: int | None = None,
                  column: str | None = None, memory_bytes: int | float | None = None) -> str:
        """See ``Catalogue.canonical``."""
        return self.catalogue.canonical(name, where, line=line, column=column, memory_bytes=memory_bytes)

    def survey_table(self, number: int) -> pd.DataFrame:
        """The GPUs of the survey's Table ``number`` (1 or 2), in the survey's order."""
        return self.table[self.table["survey_table"] == number]


def load_gpus(path: str | os.PathLike) -> GpuTable:
    """Load and check ``data/gpus.csv`` (``read_catalogue``) as a table."""
    catalogue = read_catalogue(path)
    table = pd.DataFrame([{k: v for k, v in r.items() if k != LINE} for r in catalogue.rows.values()])
    table = table.set_index("gpu", drop=False)
    table["survey_table"] = table["survey_table"].astype("Int64")
    return GpuTable(table=table, catalogue=catalogue)


def load_errata(path: str | os.PathLike, gpus: GpuTable) -> pd.DataFrame:
    """Load ``data/errata.csv``; each row must name a known GPU and one of its columns,
    and ``printed`` must be what ``data/gpus.csv`` holds (the survey's value)."""
    rows = read_rows(path, "errata")
    for row in rows:
        gpu = gpus.canonical(row["gpu"], str(path), line=row[LINE], column="gpu")
        if row["field"] not in gpus.table.columns:
            raise DataError(path, f"unknown field '{row['field']}'; expected a column of "
                            f"{gpus.path}", line=row[LINE], column="field")
        held = gpus.table.at[gpu, row["field"]]
        if str(held) != row["printed"] and _num(held) != _num(row["printed"]):
            raise DataError(path, f"printed value '{row['printed']}' differs from {gpus.path}'s "
                            f"'{held}' for {gpu}", line=row[LINE], column="printed")
        row["gpu"] = gpu
    return pd.DataFrame([{k: v for k, v in r.items() if k != LINE} for r in rows],
                        columns=["gpu", "field", "printed", "corrected", "source"])


def _num(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
