"""Several records of one card as one measured row: their median, count and spread, and the
records that sit far from the others.

Any number of records of one GPU, workload and profile (different machines, or dates) make one
row of Tables 3-5. The row's value is the median of the records' values (each record's value
is the mean of its primary metric); its spread is the smallest and the largest of them. A record
is flagged as far from the others, not dropped, when its card has at least
``MIN_RECORDS_FOR_OUTLIERS`` records that ran and

    |value - median| > OUTLIER_K x max(MAD_SCALE x MAD, RELATIVE_FLOOR x median)

where MAD is the median absolute deviation of the card's values (``MAD_SCALE`` x MAD estimates
the standard deviation of normal data). The floor keeps records that agree to within a few per
cent (a MAD near zero) from flagging a hair's difference. A flagged record still counts in the
median, which it barely moves, and in the spread, which shows it.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from gpusurvey.core.rounding import fixed
from gpusurvey.inputs.measurements import MeasuredRun

OUTLIER_K = 3.0
MAD_SCALE = 1.4826
RELATIVE_FLOOR = 0.02
MIN_RECORDS_FOR_OUTLIERS = 3

_WORDS = {
    "en": {"median": "median of {n} records", "far": "far from the others", "range": "range"},
    "ko": {"median": "기록 {n}개의 중앙값", "far": "다른 기록들과 동떨어짐", "range": "범위"},
}


def outliers(values: Sequence[float]) -> list[bool]:
    """For each value, whether it lies far from the others (the module's rule)."""
    if len(values) < MIN_RECORDS_FOR_OUTLIERS:
        return [False] * len(values)
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    scale = max(MAD_SCALE * mad, RELATIVE_FLOOR * abs(median))
    return [abs(v - median) > OUTLIER_K * scale for v in values]


@dataclass(frozen=True)
class MeasuredCard:
    """The records of one GPU, workload and profile: one measured row."""

    gpu: str
    profile: str
    runs: tuple[MeasuredRun, ...]
    """Sorted by path."""

    @property
    def ok_runs(self) -> list[MeasuredRun]:
        return [run for run in self.runs if run.record.status == "ok"]

    @property
    def values(self) -> list[float]:
        return [run.record.value for run in self.ok_runs]

    @property
    def status(self) -> str:
        """``ok`` when one record ran; else ``oom`` when one ran out of memory, else ``error``."""
        statuses = {run.record.status for run in self.runs}
        return "ok" if "ok" in statuses else "oom" if "oom" in statuses else "error"

    @property
    def value(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def value_min(self) -> float | None:
        return min(self.values) if self.values else None

    @property
    def value_max(self) -> float | None:
        return max(self.values) if self.values else None

    @property
    def flagged(self) -> list[MeasuredRun]:
        """Records far from the others of the card."""
        return [run for run, far in zip(self.ok_runs, outliers(self.values), strict=True) if far]

    @property
    def reference(self) -> str:
        """The records' paths, joined by ``; ``."""
        return "; ".join(run.path for run in self.runs)

    @property
    def cv(self) -> float | None:
        """The largest coefficient of variation among the records that ran (the noisiest run)."""
        cvs = [run.primary.cv for run in self.ok_runs
               if run.primary is not None and run.primary.cv is not None]
        return max(cvs) if cvs else None

    @property
    def high_cv(self) -> bool:
        return any(run.primary is not None and run.primary.high_cv for run in self.ok_runs)

    def describe(self, lang: str) -> str:
        """The row's note in ``lang``: one record's note as it is; for several, the median, the
        range and each record (its value, or its status, and its note), flagged ones marked."""
        if len(self.runs) == 1:
            return self.runs[0].describe(lang)
        words = _WORDS[lang]
        far = {run.path for run in self.flagged}
        parts = []
        for run in self.runs:
            shown = fixed(run.record.value, 3) if run.record.status == "ok" else run.record.status
            mark = f", {words['far']}" if run.path in far else ""
            parts.append(f"{shown}{mark}: {run.describe(lang)}")
        head = words["median"].format(n=len(self.runs))
        if self.values:
            head += f", {words['range']} {fixed(self.value_min, 3)}-{fixed(self.value_max, 3)}"
        return head + ": " + " | ".join(parts)

    @property
    def note(self) -> str:
        return self.describe("en")


def group_cards(runs: Sequence[MeasuredRun]) -> list[MeasuredCard]:
    """One card per GPU and profile, in order of first appearance; its runs sorted by path."""
    groups: dict[tuple[str, str], list[MeasuredRun]] = {}
    for run in runs:
        groups.setdefault((run.gpu, run.record.profile), []).append(run)
    return [MeasuredCard(gpu, profile, tuple(sorted(group, key=lambda r: r.path)))
            for (gpu, profile), group in groups.items()]
