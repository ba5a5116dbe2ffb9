"""The papers' date is the newest date among their inputs, not the build day."""

from __future__ import annotations

import json

import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.paper.data_date import newest_date, write_date_macros


def _record(path, stamp):
    path.write_text(json.dumps({"environment": {"utc_time": stamp}}), encoding="utf-8")
    return path


def test_the_date_is_the_newest_input_and_a_later_record_moves_it(root, tmp_path):
    gpus, literature = root / "data/gpus.csv", root / "data/literature.csv"
    committed = sorted(root.glob("data/measurements/*/*/*.json"))
    before = newest_date(gpus, literature, committed)
    later = _record(tmp_path / "later.json", "2031-02-03T04:05:06Z")
    assert newest_date(gpus, literature, [*committed, later]).isoformat() == "2031-02-03"
    earlier = _record(tmp_path / "earlier.json", "2001-01-01T00:00:00Z")
    assert newest_date(gpus, literature, [*committed, earlier]) == before
    out = tmp_path / "date.tex"
    write_date_macros(out, gpus, literature, [later])
    text = out.read_text(encoding="utf-8")
    assert r"\newcommand{\SurveyDataDateEn}{3 February 2031}" in text
    assert r"\newcommand{\SurveyDataDateKo}{2031년 2월 3일}" in text


def test_a_record_without_a_date_is_refused_by_name(root, tmp_path):
    bad = _record(tmp_path / "bad.json", "yesterday")
    with pytest.raises(DataError, match="bad.json.*utc_time 'yesterday'"):
        newest_date(root / "data/gpus.csv", root / "data/literature.csv", [bad])
