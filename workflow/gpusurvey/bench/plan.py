"""Which workloads this machine measures and why it skips the others, for the Snakefile (at parse
time: nothing heavy is imported) and the ``gpusurvey plan`` command."""

from __future__ import annotations

from dataclasses import dataclass

from gpusurvey.registry import MATMUL, WORKLOADS

QUICK_CHECK: dict[str, dict[str, object]] = {
    MATMUL: {"peak_gemms": False, "warmup": 1, "repetitions": 5, "inner_loops": 3,
               "settle_s": 0.1},
}
"""Workload -> the settings of the short run that ``measure: auto`` makes for the paper on a
machine without a GPU: Figure 1's 1000x1000 products with fewer repetitions and no peak GEMMs
(the record's ``params`` say so). The full record stays the ``bench`` target's."""


@dataclass(frozen=True)
class Planned:
    workload: str
    runs: bool
    reason: str
    quick: bool = False
    """Runs the ``QUICK_CHECK`` settings for the paper (``bench`` still records the full run)."""


def bench_plan(wanted: list[str], measure: bool | str, gpu: str | None) -> list[Planned]:
    """What ``measure`` (``auto``, True or False, as in ``workflow/config.yaml``) does with each
    workload of ``wanted`` on a machine whose GPU is ``gpu`` (None: no CUDA GPU)."""
    if measure not in ("auto", True, False):
        raise ValueError(f"measure: expected auto, True or False, got {measure!r}")
    where = f"on the GPU ({gpu})" if gpu else "on the CPU"
    plan = []
    for workload in wanted:
        if measure is False:
            plan.append(Planned(workload, False, "measure: false measures nothing"))
        elif measure == "auto" and gpu is None and WORKLOADS[workload].gpu_only:
            plan.append(Planned(
                workload, False,
                "measure: auto runs the GPU workloads only where nvidia-smi reports a CUDA GPU, "
                "and it reports none here; measure=True runs it on the CPU (bench.profile=cpu "
                "takes fewer steps and repetitions)"))
        elif measure == "auto" and gpu is None and workload in QUICK_CHECK:
            plan.append(Planned(
                workload, True,
                "runs on the CPU: the paper reads a quick check (no peak GEMMs, fewer repetitions), "
                "the bench target the full record", quick=True))
        else:
            plan.append(Planned(workload, True, f"runs {where}"))
    return plan


def describe(plan: list[Planned], machine: str) -> str:
    """The plan as lines for a console: what runs, what is skipped and why."""
    groups: dict[tuple[bool, str], list[str]] = {}
    for item in plan:
        groups.setdefault((item.runs, item.reason), []).append(item.workload)
    lines = [f"bench on {machine}:"]
    for (runs, reason), names in groups.items():
        lines.append(f"  {'run ' if runs else 'skip'} {', '.join(names)}: {reason}")
    return "\n".join(lines)


def check_settings(settings: dict, profile: str) -> None:
    """Refuse, before any job runs, a ``bench.settings`` entry that ``gpusurvey bench`` would refuse
    only once its job started (after Snakemake removed the previous record): an unknown workload
    or setting, a value of the wrong type or out of range. ValueError naming
    ``bench.settings.<workload>.<key>``."""
    from gpusurvey.bench import workloads

    for workload, overrides in settings.items():
        where = f"bench.settings.{workload}"
        if workload not in WORKLOADS:
            raise ValueError(f"{where}: unknown workload; expected one of {sorted(WORKLOADS)}")
        if not isinstance(overrides, dict):
            raise ValueError(f"{where}: expected a mapping of setting: value, got {overrides!r}")
        try:
            workloads.get(workload).CONFIG.for_profile(profile, **overrides)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
