"""Memory bandwidth of a GPU from ``data/gpus.csv`` (``gpusurvey.core.catalogue``), so that a
driver name such as ``NVIDIA GeForce RTX 4090`` finds its row the way the tables find it."""

from __future__ import annotations

import os
from dataclasses import dataclass

from gpusurvey.core.catalogue import read_catalogue


@dataclass(frozen=True)
class Bandwidth:
    gbs: float
    """Memory bandwidth in GB/s (10^9 bytes per second)."""
    gpu: str
    """The row's canonical GPU name."""


def lookup(gpu: str, path: str | os.PathLike, memory_bytes: int | None = None) -> Bandwidth | None:
    """The bandwidth of ``gpu`` (canonical name, alias or driver name); None when it is not listed.

    A driver's name shared by cards of different memory picks the row by ``memory_bytes``
    (``Catalogue.resolve``).
    """
    catalogue = read_catalogue(path)
    name = catalogue.resolve(gpu, memory_bytes)
    if name is None:
        return None
    return Bandwidth(gbs=float(catalogue.rows[name]["memory_bandwidth_gbs"]), gpu=name)
