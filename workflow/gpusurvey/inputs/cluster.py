"""The GPUs of a SLURM cluster to measure (config ``cluster.gpus``) and how a job reaches each.

Light on purpose: the Snakefile reads this at parse time, so it reads the GPU catalogue with
the csv module (``gpusurvey.core.catalogue``), not pandas. Each entry becomes one results
folder, ``results/measurements/<slug of label>/``, and SLURM resources for the benchmark jobs
of that folder (the keys of snakemake-executor-plugin-slurm: ``gpu_model`` becomes ``--gpus=<gpu_model>:1``,
``slurm_partition`` ``--partition``, ``constraint`` ``--constraint``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from gpusurvey.core.catalogue import read_catalogue
from gpusurvey.core.errors import DataError
from gpusurvey.core.machine import slug

WHERE = "config"
"""Where errors point: the merged config (workflow/config.yaml and any --config overrides)."""


@dataclass(frozen=True)
class ClusterGpu:
    """One GPU model of the cluster: the record's label and what SLURM needs to place a job on it."""

    label: str
    gpu_model: str | None = None
    partition: str | None = None
    constraint: str | None = None

    @property
    def slug(self) -> str:
        return slug(self.label)

    def resource(self, key: str) -> str | None:
        """The SLURM resource ``key`` (gpu_model, slurm_partition, constraint); None when unset."""
        return {"gpu_model": self.gpu_model, "slurm_partition": self.partition,
                "constraint": self.constraint}[key]


def cluster_gpus(entries: list[dict], gpus_csv: str | os.PathLike) -> dict[str, ClusterGpu]:
    """The config's ``cluster.gpus`` by results folder (slug of the label), checked.

    Labels must name a GPU of ``gpus_csv`` (a name or an alias), so that the tables can give
    each one its row, and each GPU may be listed once.
    """
    catalogue = read_catalogue(gpus_csv) if entries else None
    by_slug: dict[str, ClusterGpu] = {}
    listed: dict[str, str] = {}
    for i, entry in enumerate(entries):
        gpu = ClusterGpu(label=entry["label"], gpu_model=entry.get("gpu_model"),
                         partition=entry.get("partition"), constraint=entry.get("constraint"))
        key = f"cluster.gpus[{i}].label"
        canonical = catalogue.resolve(gpu.label)
        if canonical is None:
            raise DataError(WHERE, f"{key}: unknown GPU '{gpu.label}'; expected a gpu or alias of "
                                   f"{gpus_csv}")
        if canonical in listed or gpu.slug in by_slug:
            raise DataError(WHERE, f"{key}: '{gpu.label}' is listed twice (as "
                                   f"'{listed.get(canonical) or by_slug[gpu.slug].label}' before); "
                                   "expected each GPU once")
        listed[canonical] = gpu.label
        by_slug[gpu.slug] = gpu
    return by_slug
