"""Memory bandwidth of a GPU from ``data/gpus.csv``, read with the csv module.

The measuring half does not import the reporting half's data loader (``gpusurvey.data``);
this reads only the three columns a roofline needs and matches names the same way
(``gpusurvey.gpu_names``), so a driver name such as ``NVIDIA GeForce RTX 4090`` finds its row.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass

from ..errors import DataError
from ..gpu_names import name_key


@dataclass(frozen=True)
class Bandwidth:
    gbs: float
    """Memory bandwidth in GB/s (10^9 bytes per second)."""
    gpu: str
    """The row's canonical GPU name."""


def lookup(gpu: str, path: str | os.PathLike, memory_bytes: int | None = None) -> Bandwidth | None:
    """The bandwidth of ``gpu`` (canonical name, alias or driver name); None when it is not listed.

    A driver's name shared by cards of different memory (``NVIDIA GeForce RTX 3080``: 10 or
    12 GB) matches several rows: ``memory_bytes`` (the device's total memory) picks the row
    whose ``memory_gb`` is nearest, as ``gpusurvey.data`` does; without it, the first listed.
    """
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"gpu", "aliases", "memory_bandwidth_gbs"} - set(reader.fieldnames or ())
        if missing:
            raise DataError(path, f"missing columns {sorted(missing)}; expected a gpus.csv table")
        wanted = name_key(gpu)
        matches = [(line, row) for line, row in enumerate(reader, start=2)
                   if wanted in {name_key(n) for n in [row["gpu"], *(row["aliases"] or "").split(";")]
                                 if n.strip()}]
    if not matches:
        return None
    line, row = matches[0]
    if memory_bytes is not None and len(matches) > 1:
        line, row = min(matches, key=lambda m: abs(_number(path, *m, "memory_gb") - memory_bytes / 2**30))
    return Bandwidth(gbs=_number(path, line, row, "memory_bandwidth_gbs"), gpu=row["gpu"])


def _number(path, line: int, row: dict[str, str], column: str) -> float:
    try:
        return float(row.get(column) or "")
    except ValueError:
        raise DataError(path, f"expected a number, got '{row.get(column)}'", line=line,
                        column=column) from None
