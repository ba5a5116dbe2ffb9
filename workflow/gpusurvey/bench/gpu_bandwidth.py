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


def lookup(gpu: str, path: str | os.PathLike) -> Bandwidth | None:
    """The bandwidth of ``gpu`` (canonical name, alias or driver name); None when it is not listed."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"gpu", "aliases", "memory_bandwidth_gbs"} - set(reader.fieldnames or ())
        if missing:
            raise DataError(path, f"missing columns {sorted(missing)}; expected a gpus.csv table")
        wanted = name_key(gpu)
        for line, row in enumerate(reader, start=2):
            names = [row["gpu"], *(row["aliases"] or "").split(";")]
            if wanted not in {name_key(n) for n in names if n.strip()}:
                continue
            try:
                gbs = float(row["memory_bandwidth_gbs"])
            except ValueError:
                raise DataError(path, f"expected a number, got '{row['memory_bandwidth_gbs']}'",
                                line=line, column="memory_bandwidth_gbs") from None
            return Bandwidth(gbs=gbs, gpu=row["gpu"])
    return None
