"""The measurement record: statistics, the schema round trip, validation and atomic writes."""

import json
import math
import pathlib

import pytest
from gpusurvey.core import record as rec
from gpusurvey.core.errors import DataError


def test_statistics_on_known_samples():
    m = rec.Metric(unit="ms", samples=[2, 4, 4, 4, 5, 5, 7, 9], first_call=12.5)
    assert m.mean == 5.0
    assert m.median == 4.5
    # Sample standard deviation: sum of squared deviations 32 over n - 1 = 7.
    assert m.std == pytest.approx(math.sqrt(32 / 7))
    assert m.cv == pytest.approx(math.sqrt(32 / 7) / 5)
    assert m.high_cv is True
    assert m.first_call == 12.5


def test_statistics_odd_count_and_quiet_samples():
    m = rec.Metric(unit="it/s", samples=[100, 101, 99, 100, 100])
    assert m.mean == 100.0
    assert m.median == 100.0
    assert m.std == pytest.approx(math.sqrt(2 / 4))
    assert m.cv == pytest.approx(0.0070710678)
    assert m.high_cv is False


@pytest.mark.parametrize(("spread", "flagged"), [(4.9, False), (5.1, True)])
def test_high_cv_flag_is_above_five_percent(spread, flagged):
    # Two samples 100 +- d have a sample standard deviation of d * sqrt(2).
    d = spread / math.sqrt(2)
    m = rec.Metric(unit="ms", samples=[100 - d, 100 + d])
    assert m.cv == pytest.approx(spread / 100)
    assert m.high_cv is flagged


def test_statistics_of_one_and_no_samples():
    one = rec.Metric(unit="ms", samples=[3.0])
    assert (one.mean, one.median, one.std, one.cv, one.high_cv) == (3.0, 3.0, 0.0, 0.0, False)
    none = rec.Metric(unit="ms", samples=[])
    assert (none.mean, none.median, none.std, none.cv, none.high_cv) == (None, None, None, None, False)


def make_record(**changes) -> rec.Record:
    values = dict(
        workload="matmul", profile="smoke", device="cpu", machine="cpu-test", params={"size": 8},
        primary_metric="cpu_torch_fp32_ms", unit="ms", warmup=1, repetitions=5,
        metrics={"cpu_torch_fp32_ms": rec.Metric(unit="ms", samples=[1.0, 1.1, 0.9, 1.0, 1.0],
                                                 first_call=3.0, description="one product")},
        backend={"torch_threads": 2}, extra={"note": "x"},
        environment={"utc_time": "2026-01-01T00:00:00Z", "python": "3.11.7", "platform": "Linux",
                     "cpu_model": "Test CPU", "cpu_count": 2, "packages": {"torch": "2.13.0"},
                     "git_commit": None, "git_dirty": None},
        peak_memory={"rss_bytes": 1024, "vram_bytes": None},
    )
    values.update(changes)
    return rec.Record(**values)


def test_round_trip(tmp_path):
    record = make_record()
    path = tmp_path / "matmul.json"
    rec.save(record, path)
    loaded = rec.load(path)
    assert loaded == record
    assert loaded.to_dict() == json.loads(path.read_text(encoding="utf-8"))
    assert loaded.value == pytest.approx(1.0)


def test_failed_record_round_trips_without_metrics(tmp_path):
    record = make_record(status="oom", error="OutOfMemoryError: CUDA out of memory", metrics={})
    rec.save(record, tmp_path / "r.json")
    loaded = rec.load(tmp_path / "r.json")
    assert loaded.status == "oom"
    assert loaded.value is None


@pytest.mark.parametrize(("changes", "message"), [
    ({"unit": "it/s"}, "key 'unit': workload 'matmul' is measured in 'ms'"),
    ({"metrics": {}}, "key 'metrics': the primary metric 'cpu_torch_fp32_ms' is missing"),
    ({"status": "error"}, "key 'error': status 'error' needs a message"),
    ({"machine": "Not A Slug"}, "key 'machine'"),
    ({"metrics": {"cpu_torch_fp32_ms": rec.Metric(unit="ms", samples=[-1.0])}},
     "key 'metrics/cpu_torch_fp32_ms/.*less than the minimum of 0"),
    ({"metrics": {"cpu_torch_fp32_ms": rec.Metric(unit="ms", samples=[math.inf])}},
     "key 'metrics/cpu_torch_fp32_ms': expected finite numbers"),
])
def test_invalid_record_is_rejected_before_writing(tmp_path, changes, message):
    path = tmp_path / "bad.json"
    with pytest.raises(DataError, match=message) as err:
        rec.save(make_record(**changes), path)
    assert str(path) in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_load_names_file_and_line_of_malformed_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "workload": "matmul",\n  oops\n}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"broken\.json, line 3: malformed JSON"):
        rec.load(path)


def test_failure_mid_write_leaves_no_partial_file(tmp_path, monkeypatch):
    path = tmp_path / "matmul.json"
    real_write_text = pathlib.Path.write_text

    def write_half_then_fail(self, text, *args, **kwargs):
        real_write_text(self, text[: len(text) // 2], *args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(pathlib.Path, "write_text", write_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        rec.save(make_record(), path)
    assert list(tmp_path.iterdir()) == []


def test_failure_mid_write_keeps_the_older_record(tmp_path, monkeypatch):
    path = tmp_path / "matmul.json"
    rec.save(make_record(), path)
    before = path.read_bytes()
    real_write_text = pathlib.Path.write_text

    def write_half_then_fail(self, text, *args, **kwargs):
        real_write_text(self, text[: len(text) // 2], *args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(pathlib.Path, "write_text", write_half_then_fail)
    with pytest.raises(OSError):
        rec.save(make_record(profile="full"), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["matmul.json"]
    assert rec.load(path).profile == "smoke"
