"""The prediction model on hand-made points: which groups may predict, the leave-one-out cases,
and intervals from those cases, never from the points' spread. Standard library only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gpusurvey.models import prediction as m

W = "llm-decode"


def _points(software, pairs, workload=W):
    """Points of one group from (bound, value) pairs, one card each."""
    return [m.Point(workload, software, f"{software} card {i}", value, bound)
            for i, (bound, value) in enumerate(pairs)]


STEADY = _points("steady", [(50, 23), (100, 53), (150, 73), (200, 104), (250, 118), (300, 151)])
TWINS = _points("twins", [(146, 110), (146, 114)])
FLAT = _points("flat", [(50, 19), (100, 21), (150, 20), (200, 18), (250, 19.5)])


def test_two_cards_of_one_bound_are_not_testable_and_predict_nothing():
    points = STEADY + TWINS
    g = m.group(points, W, "twins")
    assert (g.cards, g.bounds, g.testable, g.reason) == (2, 1, False, m.FEW_CARDS)
    three_twins = [*points, m.Point(W, "twins", "third", 112, 146.5)]
    g = m.group(three_twins, W, "twins")
    assert (g.cards, g.bounds, g.reason) == (3, 1, m.ONE_BOUND)  # within 1 %: one bound
    p = m.predict(W, 260.0, points, "twins")
    assert p.value is None and p.low is None and p.reason == m.FEW_CARDS and not p.testable
    assert not [c for c in m.leave_one_out(points) if c.software == "twins"]


def test_a_group_whose_values_do_not_rise_with_its_bound_predicts_nothing():
    g = m.group(FLAT, W, "flat")
    assert g.testable and g.rank_correlation < m.MIN_RANK_CORRELATION and g.reason == m.NOT_FOLLOWING
    assert m.predict(W, 400.0, FLAT, "flat").reason == m.NOT_FOLLOWING
    # Its leave-one-out cases are still the evidence shown.
    assert len([c for c in m.leave_one_out(FLAT) if c.software == "flat"]) == 5


def test_a_prediction_is_the_bound_times_the_median_efficiency_with_its_own_leave_one_out_interval():
    p = m.predict(W, 400.0, STEADY, "steady")
    effs = sorted(x.efficiency for x in STEADY)
    assert p.efficiency == pytest.approx((effs[2] + effs[3]) / 2)
    assert p.value == pytest.approx(400 * p.efficiency)
    cases = [c for c in m.leave_one_out(STEADY) if c.software == "steady"]
    assert len(cases) == 6 and p.interval_from == "own" and p.cases == 6
    ratios = [c.value / c.predicted for c in cases]
    assert (p.low, p.high) == (pytest.approx(p.value * min(ratios)), pytest.approx(p.value * max(ratios)))
    # Not the spread of the points' efficiencies.
    assert p.low != pytest.approx(400 * effs[0])
    # One case: predicted from the other five.
    left = next(c for c in cases if c.gpu == "steady card 0")
    others = sorted(x.efficiency for x in STEADY[1:])
    assert left.predicted == pytest.approx(50 * others[2])
    assert left.value == 23 and left.error == pytest.approx((left.predicted - 23) / 23)


def test_a_group_of_few_cases_takes_its_interval_from_every_predicting_group():
    small = _points("small", [(60, 30), (120, 55), (180, 95)])
    points = STEADY + small + FLAT + TWINS
    p = m.predict(W, 400.0, points, "small")
    assert p.interval_from == "pooled" and p.cases == 9  # six steady and three small; not flat, twins
    pooled = [c.ratio for c in m.leave_one_out(points) if c.software in ("steady", "small")]
    assert p.low == pytest.approx(p.value * min(pooled)) and p.high == pytest.approx(p.value * max(pooled))


def test_an_unknown_bound_or_group_says_so_and_each_group_is_asked():
    assert m.predict(W, None, STEADY, "steady").reason == m.NO_BOUND
    assert m.predict(W, 100.0, STEADY, "nobody").reason == m.NO_GROUP
    each = m.predict_each(W, 400.0, STEADY + FLAT + TWINS)
    assert [p.software for p in each] == ["steady", "flat", "twins"]
    assert [p.reason for p in each] == [None, m.NOT_FOLLOWING, m.FEW_CARDS]


def test_rows_of_a_points_table_and_rank_correlation():
    rows = [{"workload": W, "software": "crowd", "gpu": "RTX 3060", "value": "30", "bound": "52.0"}]
    assert m.points_from_rows(rows) == [m.Point(W, "crowd", "RTX 3060", 30.0, 52.0)]
    assert m.rank_correlation([1, 2, 3], [3, 2, 1]) == pytest.approx(-1)
    assert m.rank_correlation([1, 2, 2, 3], [1, 2, 2, 3]) == pytest.approx(1)
    assert m.rank_correlation([1, 1], [1, 2]) is None


def test_the_model_imports_no_pandas():
    code = ("import sys, gpusurvey.models.prediction; "
            "sys.exit('pandas' in sys.modules or 'numpy' in sys.modules)")
    package_root = str(Path(m.__file__).parents[2])  # the checkout's workflow/, not an installed copy
    env = {**os.environ, "PYTHONPATH": package_root}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0
