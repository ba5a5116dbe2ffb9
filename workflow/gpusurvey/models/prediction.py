"""A card's speed predicted from its hardware bound and the efficiency the same software reached
on other cards, and no more than that evidence allows. Standard library only.

The model:

- **Efficiency.** A point is one card's speed with one software group (a workload's value);
  its efficiency is value / bound, the bound being the card's hardware limit for the workload
  (``gpusurvey.models.roofline``, ``gpusurvey.models.sd_compute``).
- **Testable.** A group predicts, and enters the leave-one-out validation, only when it was
  measured on at least ``MIN_CARDS`` cards spanning at least ``MIN_BOUNDS`` distinct bounds
  (bounds within ``SAME_BOUND`` of each other count as one): two cards of one bandwidth test
  nothing about how speed scales with it.
- **Follows its bound.** A testable group whose values do not rise with its bound (Spearman's
  rank correlation of value with bound below ``MIN_RANK_CORRELATION``) predicts nothing: its
  efficiency falls as the bound rises, so bound x efficiency says nothing of a faster card. Its
  leave-one-out cases are still computed and shown, as the evidence of that.
- **Prediction.** bound x the median efficiency of the group's points.
- **Leave-one-out.** Each point of a testable group predicted from the group's other points;
  its ratio is value / predicted.
- **Interval.** The prediction times the smallest and the largest leave-one-out ratio of the
  group's own cases; where the group has fewer than ``MIN_OWN_CASES`` cases, of the cases of
  every group that predicts (``interval_from`` is then ``pooled``). Never the spread of the
  points themselves.

``predict`` is the one entry point other sections call: a workload, a bound, the points (any
source's, a crowd-sourced group included) and a software group in, a ``Prediction`` out.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_CARDS = 3
"""Cards a group must have been measured on to predict."""
MIN_BOUNDS = 2
"""Distinct bounds those cards must span."""
SAME_BOUND = 0.01
"""Bounds closer than this relative difference count as one (two cards of 1008 GB/s)."""
MIN_RANK_CORRELATION = 0.5
"""Spearman's rank correlation of value with bound a testable group must reach to follow it."""
MIN_OWN_CASES = 5
"""Leave-one-out cases a group needs for an interval of its own."""

FEW_CARDS, ONE_BOUND, NOT_FOLLOWING, NO_BOUND, NO_GROUP = (
    "few_cards", "one_bound", "not_following", "no_bound", "no_group")
"""Why a group, or a prediction, predicts nothing (``Group.reason``, ``Prediction.reason``)."""


@dataclass(frozen=True)
class Point:
    """One card's speed with one software group."""

    workload: str
    software: str
    gpu: str
    value: float
    bound: float
    n_rows: int = 1
    """Rows of the source data it is the median of (1 for a survey value)."""

    @property
    def efficiency(self) -> float:
        return self.value / self.bound


def points_from_rows(rows: Iterable[Mapping]) -> list[Point]:
    """Points from mappings with ``workload``, ``software``, ``gpu``, ``value`` and ``bound``
    (rows of a points CSV, the crowd-sourced ones appended as one more group)."""
    return [Point(str(r["workload"]), str(r["software"]), str(r["gpu"]), float(r["value"]),
                  float(r["bound"]), int(r.get("n_rows", 1))) for r in rows]


def distinct_bounds(bounds: Iterable[float]) -> int:
    """How many bounds differ by more than ``SAME_BOUND`` from the next smaller one."""
    count, last = 0, None
    for bound in sorted(bounds):
        if last is None or bound > last * (1 + SAME_BOUND):
            count += 1
            last = bound
    return count


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def rank_correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation (None where either side has no spread)."""
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx, syy = sum((a - mx) ** 2 for a in rx), sum((b - my) ** 2 for b in ry)
    return None if sxx == 0 or syy == 0 else sxy / (sxx * syy) ** 0.5


@dataclass(frozen=True)
class Group:
    """A workload's software group and whether it may predict."""

    workload: str
    software: str
    cards: int
    bounds: int
    """Distinct bounds among its cards."""
    rank_correlation: float | None
    """Of value with bound; None for a group that is not testable."""

    @property
    def testable(self) -> bool:
        return self.cards >= MIN_CARDS and self.bounds >= MIN_BOUNDS

    @property
    def reason(self) -> str | None:
        """Why it predicts nothing (``FEW_CARDS``, ``ONE_BOUND``, ``NOT_FOLLOWING``), or None."""
        if self.cards < MIN_CARDS:
            return FEW_CARDS
        if self.bounds < MIN_BOUNDS:
            return ONE_BOUND
        if self.rank_correlation is None or self.rank_correlation < MIN_RANK_CORRELATION:
            return NOT_FOLLOWING
        return None

    @property
    def predicts(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class Case:
    """One point of a testable group predicted from the group's other points."""

    workload: str
    software: str
    gpu: str
    value: float
    predicted: float

    @property
    def error(self) -> float:
        """Signed relative error, (predicted - value) / value."""
        return (self.predicted - self.value) / self.value

    @property
    def ratio(self) -> float:
        """value / predicted: what the prediction would have had to be multiplied by."""
        return self.value / self.predicted


def _members(points: Sequence[Point], workload: str, software: str) -> list[Point]:
    return [p for p in points if p.workload == workload and p.software == software]


def group(points: Sequence[Point], workload: str, software: str) -> Group:
    """The group of ``software`` for ``workload`` in ``points`` (an empty one has no cards)."""
    mine = _members(points, workload, software)
    n_cards, n_bounds = len({p.gpu for p in mine}), distinct_bounds(p.bound for p in mine)
    rho = None
    if n_cards >= MIN_CARDS and n_bounds >= MIN_BOUNDS:
        rho = rank_correlation([p.bound for p in mine], [p.value for p in mine])
    return Group(workload, software, n_cards, n_bounds, rho)


def groups(points: Sequence[Point]) -> list[Group]:
    """Every workload's groups, in the order they first appear in ``points``."""
    keys = dict.fromkeys((p.workload, p.software) for p in points)
    return [group(points, workload, software) for workload, software in keys]


def leave_one_out(points: Sequence[Point]) -> list[Case]:
    """Every point of every testable group, predicted from the group's other points."""
    cases = []
    for g in groups(points):
        if not g.testable:
            continue
        mine = _members(points, g.workload, g.software)
        for left in mine:
            rest = statistics.median(p.efficiency for p in mine if p is not left)
            cases.append(Case(g.workload, g.software, left.gpu, left.value, left.bound * rest))
    return cases


@dataclass(frozen=True)
class Prediction:
    """A card's predicted value with one group, or why there is none."""

    workload: str
    software: str
    bound: float | None
    group: Group
    value: float | None
    low: float | None
    high: float | None
    efficiency: float | None
    """The group's median efficiency."""
    cases: int
    """Leave-one-out cases the interval rests on."""
    interval_from: str | None
    """``own`` (the group's cases) or ``pooled`` (every predicting group's), None without a value."""
    reason: str | None
    """``FEW_CARDS``, ``ONE_BOUND``, ``NOT_FOLLOWING``, ``NO_BOUND`` or ``NO_GROUP``; None with a value."""

    @property
    def testable(self) -> bool:
        return self.group.testable


def interval_cases(points: Sequence[Point], workload: str, software: str) -> tuple[list[Case], str]:
    """The leave-one-out cases a group's interval rests on, and whether they are its ``own`` or
    ``pooled`` from every group that predicts (when it has fewer than ``MIN_OWN_CASES``)."""
    cases = leave_one_out(points)
    own = [c for c in cases if c.workload == workload and c.software == software]
    if len(own) >= MIN_OWN_CASES:
        return own, "own"
    predicting = {(g.workload, g.software) for g in groups(points) if g.predicts}
    return [c for c in cases if (c.workload, c.software) in predicting], "pooled"


def predict(workload: str, bound: float | None, points: Sequence[Point], software: str) -> Prediction:
    """The value ``software`` is predicted to reach for ``workload`` on a card of ``bound``
    (None where the card's bound is unknown), from ``points``: bound x the group's median
    efficiency, with the interval of its leave-one-out ratios (see the module). A group that
    may not predict, or a card without a bound, gives a Prediction with ``value`` None and the
    reason."""
    g = group(points, workload, software)
    reason = NO_GROUP if g.cards == 0 else g.reason
    if reason is None and bound is None:
        reason = NO_BOUND
    if reason is not None:
        return Prediction(workload, software, bound, g, None, None, None, None, 0, None, reason)
    efficiency = statistics.median(p.efficiency for p in _members(points, workload, software))
    value = bound * efficiency
    cases, source = interval_cases(points, workload, software)
    ratios = [c.ratio for c in cases]
    return Prediction(workload, software, bound, g, value, value * min(ratios), value * max(ratios),
                      efficiency, len(cases), source, None)


def predict_each(workload: str, bound: float | None, points: Sequence[Point]) -> list[Prediction]:
    """``predict`` with every group of ``workload`` in ``points``, those that predict first."""
    names = dict.fromkeys(p.software for p in points if p.workload == workload)
    out = [predict(workload, bound, points, software) for software in names]
    return sorted(out, key=lambda p: p.value is None)
