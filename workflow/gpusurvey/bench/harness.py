"""Runs a workload the same way every time and turns what it measured into a record.

Order of calls: setup; one cold first call (timed, kept apart); ``warmup`` untimed calls;
``repetitions`` timed calls, each followed by a telemetry reading; teardown. An out-of-memory
error anywhere gives a record with status ``oom``; any other exception status ``error``. A
failure while deriving ``extra`` values after a finished run keeps the run (``extra_error``).
"""

from __future__ import annotations

import os
import resource
import sys
import traceback
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from .. import record as rec
from ..machine import machine_slug
from . import environment
from .config import WorkloadConfig
from .telemetry import Telemetry
from .workload import Workload


def resolve_device(device: str) -> str:
    """``auto`` becomes ``cuda`` where torch sees a GPU, else ``cpu``; ``cuda`` without one is an error."""
    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device: expected auto, cpu or cuda, got '{device}'")
    if device == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise RuntimeError("device 'cuda' asked for, but torch sees no CUDA GPU; use --device cpu")
    return "cpu"


def is_oom(exc: BaseException) -> bool:
    """True for torch's CUDA out-of-memory error, Python's MemoryError and allocator messages."""
    if isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryError":
        return True
    return "out of memory" in str(exc).lower()


def peak_rss_bytes() -> int:
    """Peak resident set size of this process (Linux reports kibibytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def reset_peak_vram(device: str) -> None:
    """Start the VRAM peak afresh, so that an earlier run in this process does not count."""
    if device == "cuda":
        import torch

        torch.cuda.reset_peak_memory_stats()


def peak_vram_bytes(device: str) -> int | None:
    if device != "cuda" or "torch" not in sys.modules:
        return None
    import torch

    return int(torch.cuda.max_memory_allocated())


def measure(
    workload: Workload,
    profile: str,
    *,
    gpu: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> rec.Record:
    """Run ``workload`` through the fixed call order and return its record (never raises
    for a failure inside the workload: that becomes status ``oom`` or ``error``).

    ``progress(done, total)`` is called after every call of ``run`` (the cold one, the
    warm-ups and the timed ones: ``total`` counts them all), so that a progress bar's estimate
    of the time left covers the whole run."""
    config: WorkloadConfig = workload.config
    device = workload.device
    cls = type(workload)
    record = rec.Record(
        workload=cls.NAME,
        profile=profile,
        device=device,
        machine="",
        params=config.to_dict(),
        primary_metric=cls.PRIMARY_METRIC,
        unit=cls.METRICS[cls.PRIMARY_METRIC][0],
        warmup=config.warmup,
        repetitions=config.repetitions,
    )
    telemetry = Telemetry(device)
    samples: dict[str, list[float]] = defaultdict(list)
    first: dict[str, float] = {}
    try:
        reset_peak_vram(device)
        workload.setup()
        calls = 1 + config.warmup + config.repetitions
        first = workload.run()
        if progress is not None:
            progress(1, calls)
        for i in range(config.warmup):
            workload.run()
            if progress is not None:
                progress(2 + i, calls)
        for i in range(config.repetitions):
            values = workload.run()
            for name, value in values.items():
                samples[name].append(value)
            record.telemetry.append({"repetition": i, **telemetry.sample()})
            if progress is not None:
                progress(2 + config.warmup + i, calls)
        record.weights = workload.weights()
        record.backend = workload.backend()
    except Exception as exc:  # noqa: BLE001 - every failure becomes a record
        record.status = "oom" if is_oom(exc) else "error"
        record.error = f"{type(exc).__name__}: {exc}"
        record.extra["traceback"] = traceback.format_exc(limit=20)
        record.weights = _safe(workload.weights, {"kind": "none", "name": None, "sha256": None})
        record.backend = _safe(workload.backend, {})
    finally:
        record.peak_memory = {"rss_bytes": peak_rss_bytes(), "vram_bytes": peak_vram_bytes(device)}
        _safe(workload.teardown, None)
        telemetry.close()

    if record.status == "ok":
        unknown = sorted(set(samples) - set(cls.METRICS))
        if unknown:
            raise KeyError(f"{cls.NAME}: run() returned metrics {unknown} not declared in METRICS")
        for name, (unit, description) in cls.METRICS.items():
            if not samples[name]:
                continue  # not measured on this device (for example a CUDA-only metric)
            record.metrics[name] = rec.Metric(
                unit=unit, samples=samples[name], first_call=first.get(name),
                description=description,
            )
        try:
            record.extra.update(workload.extra({n: m.mean for n, m in record.metrics.items()}))
        except Exception as exc:  # noqa: BLE001 - derived values must not discard a finished run
            record.extra["extra_error"] = f"{type(exc).__name__}: {exc}"
    record.environment = environment.capture(device, workload.packages())
    record.gpu = gpu or record.environment.get("gpu_name")
    record.machine = machine_slug(record.gpu)
    return record


def _safe(fn: Callable[[], Any], default: Any) -> Any:
    try:
        return fn()
    except Exception:  # noqa: BLE001 - reporting what ran must not hide the original failure
        return default


def offline() -> None:
    """Forbid every hub download for this process: benchmarks never touch the network."""
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE",
                "DIFFUSERS_OFFLINE"):
        os.environ[key] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
