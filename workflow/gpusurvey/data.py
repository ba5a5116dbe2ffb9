"""The committed data files, loaded and checked: ``data/gpus.csv`` and ``data/errata.csv``."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from .errors import DataError
from .gpu_names import name_key as _key
from .validate import LINE, read_rows, require_unique


@dataclass(frozen=True)
class GpuCatalog:
    """``data/gpus.csv``: one row per GPU model (index: canonical name) and a name resolver."""

    table: pd.DataFrame
    path: str
    _names: dict[str, str]

    def resolve(self, name: str) -> str | None:
        """The canonical name for a canonical name, an alias or a driver's name; None if unknown."""
        return self._names.get(_key(name))

    def canonical(self, name: str, where: str, *, line: int | None = None,
                  column: str | None = None) -> str:
        """Like ``resolve``, but an unknown name is a DataError located at ``where``."""
        found = self.resolve(name)
        if found is None:
            raise DataError(where, f"unknown GPU '{name}'; expected a gpu or alias of {self.path}",
                            line=line, column=column)
        return found

    def survey_table(self, number: int) -> pd.DataFrame:
        """The GPUs of the survey's Table ``number`` (1 or 2), in the survey's order."""
        return self.table[self.table["survey_table"] == number]


def load_gpus(path: str | os.PathLike) -> GpuCatalog:
    """Load and check ``data/gpus.csv``: schema, unique names, unique and known aliases."""
    rows = read_rows(path, "gpus")
    require_unique(path, rows, "gpu")
    names: dict[str, str] = {}
    owner_line: dict[str, int] = {}
    for row in rows:
        names[_key(row["gpu"])] = row["gpu"]
        owner_line[_key(row["gpu"])] = row[LINE]
    for row in rows:
        for alias in filter(None, (a.strip() for a in (row["aliases"] or "").split(";"))):
            key = _key(alias)
            if key in names and names[key] != row["gpu"]:
                raise DataError(
                    path,
                    f"alias '{alias}' of {row['gpu']} already names {names[key]} "
                    f"(line {owner_line[key]}); expected each alias to name one GPU",
                    line=row[LINE], column="aliases",
                )
            names[key] = row["gpu"]
            owner_line[key] = row[LINE]
    table = pd.DataFrame([{k: v for k, v in r.items() if k != LINE} for r in rows])
    table = table.set_index("gpu", drop=False)
    table["survey_table"] = table["survey_table"].astype("Int64")
    return GpuCatalog(table=table, path=str(path), _names=names)


def load_errata(path: str | os.PathLike, gpus: GpuCatalog) -> pd.DataFrame:
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
