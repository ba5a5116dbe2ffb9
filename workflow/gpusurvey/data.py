"""The committed data files, loaded and checked: ``data/gpus.csv`` and ``data/errata.csv``."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from .errors import DataError
from .gpu_names import name_key as _key
from .validate import LINE, read_rows, require_unique

BASELINE_KEY = "config tables.baseline_gpu"
"""Where the baseline GPU's name comes from (any spelling: the writers print its canonical name)."""


@dataclass(frozen=True)
class GpuCatalog:
    """``data/gpus.csv``: one row per GPU model (index: canonical name) and a name resolver."""

    table: pd.DataFrame
    path: str
    _names: dict[str, tuple[str, ...]]
    """Name key -> the canonical names it may mean, in file order (several only for an alias
    that cards of different memory sizes share, such as a driver's name)."""

    def resolve(self, name: str, memory_bytes: int | float | None = None) -> str | None:
        """The canonical name for a canonical name, an alias or a driver's name; None if unknown.

        A driver's name can mean cards that differ only in memory (``NVIDIA GeForce RTX 4060 Ti``:
        8 or 16 GB). ``memory_bytes`` (a record's ``environment.gpu_memory_bytes``) then picks
        the row whose ``memory_gb`` is nearest; without it, the row listed first in the file.
        """
        found = self._names.get(_key(name))
        if not found:
            return None
        if memory_bytes is None or len(found) == 1:
            return found[0]
        gib = memory_bytes / 2**30
        return min(found, key=lambda gpu: abs(float(self.table.at[gpu, "memory_gb"]) - gib))

    def canonical(self, name: str, where: str, *, line: int | None = None,
                  column: str | None = None, memory_bytes: int | float | None = None) -> str:
        """Like ``resolve``, but an unknown name is a DataError located at ``where``."""
        found = self.resolve(name, memory_bytes)
        if found is None:
            raise DataError(where, f"unknown GPU '{name}'; expected a gpu or alias of {self.path}",
                            line=line, column=column)
        return found

    def survey_table(self, number: int) -> pd.DataFrame:
        """The GPUs of the survey's Table ``number`` (1 or 2), in the survey's order."""
        return self.table[self.table["survey_table"] == number]


def load_gpus(path: str | os.PathLike) -> GpuCatalog:
    """Load and check ``data/gpus.csv``: schema, unique names, known aliases.

    An alias names one GPU, or several that differ in ``memory_gb`` (a driver's name shared
    by the 8 and 16 GB cards); it may not be another row's canonical name.
    """
    rows = read_rows(path, "gpus")
    require_unique(path, rows, "gpu")
    names: dict[str, list[str]] = {_key(row["gpu"]): [row["gpu"]] for row in rows}
    line_of = {row["gpu"]: row[LINE] for row in rows}
    memory = {row["gpu"]: row["memory_gb"] for row in rows}
    for row in rows:
        for alias in filter(None, (a.strip() for a in (row["aliases"] or "").split(";"))):
            owners = names.setdefault(_key(alias), [])
            if row["gpu"] in owners:
                continue
            same = [o for o in owners if _key(o) == _key(alias) or memory[o] == memory[row["gpu"]]]
            if same:
                raise DataError(
                    path,
                    f"alias '{alias}' of {row['gpu']} already names {same[0]} "
                    f"(line {line_of[same[0]]}); expected each alias to name one GPU, or GPUs "
                    "of different memory_gb",
                    line=row[LINE], column="aliases",
                )
            owners.append(row["gpu"])
    table = pd.DataFrame([{k: v for k, v in r.items() if k != LINE} for r in rows])
    table = table.set_index("gpu", drop=False)
    table["survey_table"] = table["survey_table"].astype("Int64")
    return GpuCatalog(table=table, path=str(path), _names={k: tuple(v) for k, v in names.items()})


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
