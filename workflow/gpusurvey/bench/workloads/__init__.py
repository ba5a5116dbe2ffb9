"""The workloads, by name (``gpusurvey.registry.WORKLOADS``). Imported lazily so that listing
them imports no heavy library."""

from __future__ import annotations

import importlib

from gpusurvey.bench.workload import Workload
from gpusurvey.registry import WORKLOADS


def get(name: str) -> type[Workload]:
    """The workload class called ``name``."""
    if name not in WORKLOADS:
        raise KeyError(f"unknown workload '{name}'; expected one of {sorted(WORKLOADS)}")
    module, _, cls = WORKLOADS[name].entry.partition(":")
    return getattr(importlib.import_module(module), cls)
