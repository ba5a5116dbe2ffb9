"""Measurement records for tests, built with the record contract's own types and ``save()``."""

from __future__ import annotations

import json
from pathlib import Path

from gpusurvey.record import WORKLOAD_UNITS, Metric, Record, save

PRIMARY = {"sd-txt2img": "it_per_s", "sd-hires": "it_per_s", "llm-decode": "decode_tokens_per_s",
           "matmul": "cpu_torch_fp32_ms"}


def make_record(workload: str = "sd-txt2img", gpu: str | None = "NVIDIA GeForce RTX 4060",
                samples=(12.4, 12.6, 12.5, 12.45, 12.55), *, profile: str = "full", status: str = "ok",
                machine: str = "nvidia-geforce-rtx-4060", metrics: dict[str, Metric] | None = None,
                weights: str = "synthetic") -> Record:
    unit = WORKLOAD_UNITS[workload]
    if metrics is None:
        metrics = {PRIMARY[workload]: Metric(unit=unit, samples=list(samples))} if status == "ok" else {}
    return Record(
        workload=workload, profile=profile, device="cuda" if gpu else "cpu", machine=machine,
        params={"profile": profile}, primary_metric=PRIMARY[workload], unit=unit, status=status,
        error=None if status == "ok" else "CUDA out of memory. Tried to allocate 2.00 GiB",
        gpu=gpu, weights={"kind": weights, "name": None, "sha256": None}, warmup=1,
        repetitions=len(samples), metrics=metrics,
        environment={"utc_time": "2026-11-20T09:30:00+00:00", "python": "3.11.2", "platform": "Linux",
                     "cpu_model": "Test CPU 9000", "cpu_count": 16, "packages": {"torch": "2.13.0"},
                     "git_commit": "0" * 40, "git_dirty": False, "gpu_name": gpu},
    )


def write_record(path: Path, record: Record) -> Path:
    """Save a valid record (validated on the way, like the harness does)."""
    save(record, path)
    return path


def write_broken(path: Path, record: Record, changes: dict) -> Path:
    """Write a record that ``save()`` would refuse: a valid one's dict with ``changes`` applied
    (keys like ``metrics/it_per_s/samples`` reach into nested dicts)."""
    data = record.to_dict()
    for key, value in changes.items():
        *parents, last = key.split("/")
        target = data
        for part in parents:
            target = target[part]
        target[last] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path
