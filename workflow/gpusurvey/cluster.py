"""The GPUs of a SLURM cluster to measure (config ``cluster.gpus``) and how a job reaches each.

Light on purpose: the Snakefile reads this at parse time, so it uses the csv module, not
pandas. Each entry becomes one results folder, ``results/measurements/<slug of label>/``,
and SLURM resources for the benchmark jobs of that folder (the keys of
snakemake-executor-plugin-slurm: ``gpu_model`` becomes ``--gpus=<gpu_model>:1``,
``slurm_partition`` ``--partition``, ``constraint`` ``--constraint``).
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass

from .errors import DataError
from .machine import slug

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


def _name_key(name: str) -> str:
    """Spelling-insensitive key, the same match as ``gpusurvey.data`` (``RTX 4070Ti``)."""
    return re.sub(r"[\s_-]+", "", name).lower()


def gpu_names(path: str | os.PathLike) -> dict[str, str]:
    """Every name and alias of ``data/gpus.csv`` (by spelling-insensitive key) to its canonical name."""
    names = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            names[_name_key(row["gpu"])] = row["gpu"]
            names.update((_name_key(a), row["gpu"]) for a in (row.get("aliases") or "").split(";")
                         if a.strip())
    return names


def cluster_gpus(entries: list[dict], gpus_csv: str | os.PathLike) -> dict[str, ClusterGpu]:
    """The config's ``cluster.gpus`` by results folder (slug of the label), checked.

    Labels must name a GPU of ``gpus_csv`` (a name or an alias), so that the tables can give
    each one its row, and each GPU may be listed once.
    """
    names = gpu_names(gpus_csv) if entries else {}
    by_slug: dict[str, ClusterGpu] = {}
    listed: dict[str, str] = {}
    for i, entry in enumerate(entries):
        gpu = ClusterGpu(label=entry["label"], gpu_model=entry.get("gpu_model"),
                         partition=entry.get("partition"), constraint=entry.get("constraint"))
        key = f"cluster.gpus[{i}].label"
        canonical = names.get(_name_key(gpu.label))
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
