"""The workloads, by name. Imported lazily so that listing them imports no heavy library."""

from __future__ import annotations

import importlib

from ..workload import Workload

WORKLOADS: dict[str, str] = {
    "matmul": "gpusurvey.bench.workloads.matmul:MatmulWorkload",
    "sd-txt2img": "gpusurvey.bench.workloads.stable_diffusion:Txt2ImgWorkload",
    "sd-hires": "gpusurvey.bench.workloads.stable_diffusion:HiresWorkload",
    "llm-decode": "gpusurvey.bench.workloads.llm_decode:LlmDecodeWorkload",
}
"""workload name -> "module:class"."""

GPU_WORKLOADS = ("sd-txt2img", "sd-hires", "llm-decode")
"""Workloads that only make sense on a GPU in the full profile (the CPU runs their smoke profile)."""


def get(name: str) -> type[Workload]:
    """The workload class called ``name``."""
    if name not in WORKLOADS:
        raise KeyError(f"unknown workload '{name}'; expected one of {sorted(WORKLOADS)}")
    module, _, cls = WORKLOADS[name].partition(":")
    return getattr(importlib.import_module(module), cls)
