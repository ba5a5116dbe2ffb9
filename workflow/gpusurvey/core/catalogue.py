"""``data/gpus.csv``, read once and matched one way.

The Snakefile (a cluster's GPU labels), the measuring half (a GPU's memory bandwidth) and the
reporting half (``gpusurvey.inputs.gpus`` builds its table on this) all read the catalogue
here, with the csv module and the file's schema, so that a name means the same card everywhere:
the survey, the data files and the driver spell one card differently (``RTX 4070Ti``,
``RTX 4070 Ti``, ``NVIDIA GeForce RTX 4070 Ti``), and ``name_key`` ignores the difference.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from gpusurvey.core.csv_rows import LINE, read_rows, require_unique
from gpusurvey.core.errors import DataError
from gpusurvey.core.names import name_key


@dataclass(frozen=True)
class Catalogue:
    """The rows of ``data/gpus.csv`` by canonical name, and every name that finds them."""

    path: str
    rows: dict[str, dict[str, Any]]
    """Canonical name -> the validated row (its line under ``LINE``), in file order."""
    names: dict[str, tuple[str, ...]]
    """Name key -> the canonical names it may mean, in file order (several only for an alias
    that cards of different memory sizes share, such as a driver's name)."""

    def resolve(self, name: str, memory_bytes: int | float | None = None) -> str | None:
        """The canonical name for a canonical name, an alias or a driver's name; None if unknown.

        A driver's name can mean cards that differ only in memory (``NVIDIA GeForce RTX 4060 Ti``:
        8 or 16 GB). ``memory_bytes`` (the device's total memory) then picks the row whose
        ``memory_gb`` is nearest; without it, the row listed first in the file.
        """
        found = self.names.get(name_key(name))
        if not found:
            return None
        if memory_bytes is None or len(found) == 1:
            return found[0]
        gib = memory_bytes / 2**30
        return min(found, key=lambda gpu: abs(float(self.rows[gpu]["memory_gb"]) - gib))

    def canonical(self, name: str, where: str, *, line: int | None = None, column: str | None = None,
                  memory_bytes: int | float | None = None) -> str:
        """Like ``resolve``, but an unknown name is a DataError located at ``where``."""
        found = self.resolve(name, memory_bytes)
        if found is None:
            raise DataError(where, f"unknown GPU '{name}'; expected a gpu or alias of {self.path}",
                            line=line, column=column)
        return found


def read_catalogue(path: str | os.PathLike) -> Catalogue:
    """Read and check ``data/gpus.csv``: schema, unique names, known aliases.

    An alias names one GPU, or several that differ in ``memory_gb`` (a driver's name shared
    by the 8 and 16 GB cards); it may not be another row's canonical name.
    """
    rows = read_rows(path, "gpus")
    require_unique(path, rows, "gpu")
    names: dict[str, list[str]] = {name_key(row["gpu"]): [row["gpu"]] for row in rows}
    by_gpu = {row["gpu"]: row for row in rows}
    for row in rows:
        for alias in filter(None, (a.strip() for a in (row["aliases"] or "").split(";"))):
            owners = names.setdefault(name_key(alias), [])
            if row["gpu"] in owners:
                continue
            same = [o for o in owners
                    if name_key(o) == name_key(alias) or by_gpu[o]["memory_gb"] == row["memory_gb"]]
            if same:
                raise DataError(
                    path,
                    f"alias '{alias}' of {row['gpu']} already names {same[0]} "
                    f"(line {by_gpu[same[0]][LINE]}); expected each alias to name one GPU, or GPUs "
                    "of different memory_gb",
                    line=row[LINE], column="aliases",
                )
            owners.append(row["gpu"])
    return Catalogue(path=str(path), rows=by_gpu, names={k: tuple(v) for k, v in names.items()})
