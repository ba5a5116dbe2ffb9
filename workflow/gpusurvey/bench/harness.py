"""Runs a workload the same way every time and turns what it measured into a record.

Order of calls: setup; calibration (where the workload has one: a short timed sample scaled to
the whole run, which refuses to start a CPU run estimated above ``max_cpu_hours`` unless
``allow_long_cpu_run`` is set); one cold first call (timed, kept apart); ``warmup`` untimed calls;
``repetitions`` timed calls, each followed by a telemetry reading; teardown. A run of the ``cpu``
profile (the full-size CPU records) first checks that the machine is quiet (``check_quiet``) and records its
load average before and after. An out-of-memory
error anywhere gives a record with status ``oom``; any other exception status ``error``. A
failure while deriving ``extra`` values after a finished run keeps the run (``extra_error``).
"""

from __future__ import annotations

import os
import resource
import sys
import time
import traceback
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from gpusurvey.bench import environment
from gpusurvey.bench.config import WorkloadConfig
from gpusurvey.bench.telemetry import Telemetry
from gpusurvey.bench.workload import Calibration, Workload
from gpusurvey.core import record as rec
from gpusurvey.core.machine import machine_slug
from gpusurvey.core.record_text import printable
from gpusurvey.registry import WORKLOADS

PHASES = ("first call", "warm-up", "repetition")


class LongRunRefused(RuntimeError):
    """A CPU run whose calibrated estimate is above ``max_cpu_hours``, without
    ``allow_long_cpu_run``: it does not start and writes no record."""


class BusyMachineRefused(LongRunRefused):
    """A full-size CPU run on a machine whose load average is above ``max_load_per_cpu``, without
    ``allow_busy``: it does not start and writes no record."""


class Progress:
    """What the harness reports while it runs; this base class reports nothing."""

    def estimate(self, seconds: float, calls: int, method: str) -> None:
        """Before the first call: the whole run's estimated duration."""

    def call(self, phase: str, index: int, total: int) -> None:
        """A call starts: ``phase`` is one of PHASES, ``index`` counts from 1 within it."""

    def step(self, done: int, total: int) -> None:
        """A step inside the current call finished (denoising step, decoded token)."""

    def call_done(self, phase: str, index: int, total: int, seconds: float) -> None:
        """The call finished after ``seconds`` of wall time."""


def check_duration(device: str, config: WorkloadConfig, seconds: float, method: str) -> None:
    """Raise LongRunRefused for a CPU run estimated above ``config.max_cpu_hours``."""
    if device != "cpu" or config.allow_long_cpu_run or seconds <= config.max_cpu_hours * 3600:
        return
    raise LongRunRefused(
        f"this run would take about {seconds / 60:.0f} min on the CPU ({method}; a first call, "
        f"warmup={config.warmup} and repetitions={config.repetitions}), more than "
        f"max_cpu_hours={config.max_cpu_hours:g}; run it with --set allow_long_cpu_run=true "
        "to start it anyway, or with fewer steps or repetitions (--profile cpu has fewer)")


def machine_load() -> list[float]:
    """The 1-, 5- and 15-minute load averages (runnable threads, all programs)."""
    return [float(x) for x in os.getloadavg()]


def check_quiet(device: str, profile: str, config: WorkloadConfig,
                load: list[float] | None = None) -> dict[str, Any] | None:
    """The load before a run of the ``cpu`` profile (the full-size CPU records the paper reads;
    ``extra.machine_load``); BusyMachineRefused when the 1-minute load average per CPU is above
    ``max_load_per_cpu`` without ``allow_busy``. None for any other run."""
    if device != "cpu" or profile != "cpu":
        return None
    load = load if load is not None else machine_load()
    cpus = os.cpu_count() or 1
    if load[0] / cpus > config.max_load_per_cpu and not config.allow_busy:
        raise BusyMachineRefused(
            f"the machine is busy: 1-minute load average {load[0]:.2f} on {cpus} CPUs, above "
            f"max_load_per_cpu={config.max_load_per_cpu:g} per CPU; other programs would share the "
            "cores this run measures. Stop them and wait a minute, or run with --set "
            "allow_busy=true (the record says so)")
    return {"before": load, "cpus": cpus, "max_load_per_cpu": config.max_load_per_cpu,
            "allow_busy": config.allow_busy}


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
    progress: Progress | None = None,
) -> rec.Record:
    """Run ``workload`` through the fixed call order and return its record (never raises
    for a failure inside the workload: that becomes status ``oom`` or ``error``; a refused
    long CPU run raises LongRunRefused)."""
    config: WorkloadConfig = workload.config
    device = workload.device
    cls = type(workload)
    record = rec.Record(
        workload=cls.NAME,
        profile=profile,
        device=device,
        machine="",
        params=config.to_dict(),
        primary_metric=WORKLOADS[cls.NAME].primary_metric,
        unit=WORKLOADS[cls.NAME].unit,
        warmup=config.warmup,
        repetitions=config.repetitions,
    )
    progress = progress or Progress()
    workload.on_step = progress.step
    telemetry = Telemetry(device)
    samples: dict[str, list[float]] = defaultdict(list)
    first: dict[str, float] = {}

    def call(phase: str, index: int, total: int) -> dict[str, float]:
        progress.call(phase, index, total)
        start = time.perf_counter()
        values = workload.run()
        progress.call_done(phase, index, total, time.perf_counter() - start)
        return values

    load = check_quiet(device, profile, config)
    try:
        reset_peak_vram(device)
        workload.setup()
        calibration = workload.calibrate()
        started = time.perf_counter()
        if calibration is not None:
            _plan(record, device, config, calibration, progress)
        first = call(PHASES[0], 1, 1)
        for i in range(config.warmup):
            call(PHASES[1], i + 1, config.warmup)
        for i in range(config.repetitions):
            values = call(PHASES[2], i + 1, config.repetitions)
            for name, value in values.items():
                samples[name].append(value)
            record.telemetry.append({"repetition": i, **telemetry.sample()})
        if calibration is not None:
            record.extra["run_estimate"]["actual_s"] = time.perf_counter() - started
        record.weights = workload.weights()
        record.backend = workload.backend()
    except LongRunRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure becomes a record
        record.status = "oom" if is_oom(exc) else "error"
        record.error = printable(f"{type(exc).__name__}: {exc}")
        record.extra["traceback"] = traceback.format_exc(limit=20)
        record.weights = _safe(workload.weights, {"kind": "none", "name": None, "sha256": None})
        record.backend = _safe(workload.backend, {})
    finally:
        record.peak_memory = {"rss_bytes": peak_rss_bytes(), "vram_bytes": peak_vram_bytes(device)}
        _safe(workload.teardown, None)
        telemetry.close()
    if load is not None:
        # "after" counts this run's own threads too: its excess over them is other programs.
        record.extra["machine_load"] = {**load, "after": machine_load()}

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


def _plan(record: rec.Record, device: str, config: WorkloadConfig, calibration: Calibration,
          progress: Progress) -> None:
    """Estimate the run from the calibration, report it, keep it in the record, and refuse
    a CPU run above ``max_cpu_hours``."""
    calls = 1 + config.warmup + config.repetitions
    seconds = calls * calibration.seconds_per_call
    progress.estimate(seconds, calls, calibration.method)
    record.extra["run_estimate"] = {"estimated_s": seconds, "calls": calls,
                                    "method": calibration.method}
    check_duration(device, config, seconds, calibration.method)


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
