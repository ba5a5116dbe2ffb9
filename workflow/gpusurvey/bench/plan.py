"""Which workloads this machine measures and why it skips the others, for the Snakefile (at parse
time: nothing heavy is imported) and the ``gpusurvey plan`` command."""

from __future__ import annotations

from dataclasses import dataclass

from gpusurvey.registry import WORKLOADS


@dataclass(frozen=True)
class Planned:
    workload: str
    runs: bool
    reason: str


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
