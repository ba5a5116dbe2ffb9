"""Tables 3-5: the survey's printed cells, measured rows added beside them, bad records refused."""

from __future__ import annotations

import pandas as pd
import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.models.llama import PRESETS
from gpusurvey.models.roofline import LLAMA13B_GPTQ_BYTES_PER_TOKEN
from gpusurvey.registry import TABLES
from gpusurvey.reports.perf_tables import table_columns
from gpusurvey.reports.verify import check_measured_cv, compare_perf_table, read_expected
from gpusurvey.reports.writers import write_perf_table
from helpers import build_table as build
from helpers import make_record, write_broken, write_record


def read_table(path) -> pd.DataFrame:
    """A written table CSV, every cell as text (empty cells stay empty strings)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture
def gpus(root):
    from gpusurvey.inputs.gpus import load_gpus

    return load_gpus(root / "data/gpus.csv")


def test_tables_3_to_5_equal_the_survey_cell_by_cell(root, tmp_path, gpus):
    rows = derived = 0
    for number in (3, 4, 5):
        paths = build(root, tmp_path, number)
        table = read_table(paths["csv"])
        printed = read_expected(root / f"data/expected/table{number}.csv")[1:]
        assert compare_perf_table(table, root / f"data/expected/table{number}.csv", gpus,
                                  f"table{number}") == []
        assert len(table) == len(printed)
        assert list(table.columns) == table_columns(TABLES[number])
        for ours, cells in zip(table.itertuples(), printed, strict=True):
            assert [ours.value_per_dollar, ours.relative_to_baseline] == cells[3:5]
            derived += 2
        rows += len(table)
    assert (rows, derived) == (35, 70)


def test_derived_columns_keep_the_survey_formats(root, tmp_path):
    t3 = read_table(build(root, tmp_path, 3)["csv"]).set_index("gpu")
    t4 = read_table(build(root, tmp_path, 4)["csv"]).set_index("gpu")
    t5 = read_table(build(root, tmp_path, 5)["csv"]).set_index("gpu")
    assert t3.at["RTX 3060", "value_per_dollar"] == "0.0220"  # trailing zero kept
    assert t3.at["RTX 4090", "relative_to_baseline"] == "4"  # trailing zeros dropped
    assert t5.at["RTX 4070 Ti", "relative_to_baseline"] == "1.3"
    assert t4.at["RTX 3090 Ti", "value_per_dollar"] == "0.000779"  # six decimals in Table 4
    assert t5.at["RTX 3080", "value_text"] == "19.8"  # as printed, not 19.80
    assert t3.at["RTX 4090", "price_usd"] == "1599" and t3.at["RTX 4090", "reference"] == "[24]"
    assert float(t3.at["RTX 4090", "value_per_watt"]) == pytest.approx(28.923 / 450, abs=1e-6)
    assert set(t3["source"]) == {"published"} and set(t3["note"]) == {""}


def test_table5_carries_the_decode_roofline(root, tmp_path):
    t5 = pd.read_csv(build(root, tmp_path, 5)["csv"]).set_index("gpu")
    bound = 1008e9 / LLAMA13B_GPTQ_BYTES_PER_TOKEN
    assert 6.9e9 < LLAMA13B_GPTQ_BYTES_PER_TOKEN < 6.95e9
    assert t5.at["RTX 4090", "bound_tokens_per_s"] == pytest.approx(bound, abs=1e-3)
    assert t5.at["RTX 4090", "efficiency"] == pytest.approx(25.82 / bound, abs=1e-4)
    assert t5.at["RTX 3060", "memory_bandwidth_gbs"] == 360


def test_a_measured_llm_row_is_bounded_by_the_roofline_models_bytes(root, tmp_path):
    record = make_record("llm-decode", gpu="NVIDIA GeForce RTX 4090", samples=(100.0, 101.0, 99.0),
                         machine="nvidia-geforce-rtx-4090")
    kv = PRESETS["llama-13b"].kv_bytes_per_position() * (128 + 400 / 2)  # fp16 cache, mean context
    model_bytes = round(LLAMA13B_GPTQ_BYTES_PER_TOKEN + kv)
    record.extra["bytes_per_token"] = model_bytes + 1000  # the record's own figure, within 1 %
    path = write_record(tmp_path / "m/nvidia-geforce-rtx-4090/llm-decode.json", record)
    t5 = pd.read_csv(build(root, tmp_path, 5, [path])["csv"])
    measured = t5[t5["source"] == "measured"].iloc[0]
    published = t5[(t5["source"] == "published") & (t5["gpu"] == "RTX 4090")].iloc[0]
    assert measured["bytes_per_token"] == model_bytes  # the model's, never the record's
    assert measured["bound_tokens_per_s"] == pytest.approx(1008e9 / model_bytes, abs=1e-3)
    assert measured["efficiency"] == pytest.approx(100.0 / (1008e9 / model_bytes), abs=1e-4)
    assert published["bytes_per_token"] == LLAMA13B_GPTQ_BYTES_PER_TOKEN


def test_a_measured_record_adds_one_row_and_changes_nothing_else(root, tmp_path):
    before = read_table(build(root, tmp_path / "before", 3)["csv"])
    record = write_record(tmp_path / "m/nvidia-geforce-rtx-4060/sd-txt2img.json", make_record())
    paths = build(root, tmp_path / "after", 3, [record])
    after = read_table(paths["csv"])

    assert len(after) == len(before) + 1
    measured = after[after["source"] == "measured"]
    assert measured.index.tolist() == [8]  # between RTX 3080 (14.101) and RTX 3070 Ti (11.637)
    pd.testing.assert_frame_equal(after.drop(index=8).reset_index(drop=True), before)

    row = measured.iloc[0]
    assert row["gpu"] == "RTX 4060" and row["status"] == "ok"
    assert float(row["value"]) == pytest.approx(12.5)
    assert row["value_text"] == "12.500"
    assert row["price_usd"] == "299" and row["tdp_w"] == "115"
    assert row["value_per_dollar"] == "0.0418"  # 12.5 / 299 = 0.04181
    assert row["relative_to_baseline"] == "1.73"  # 12.5 / 7.239 = 1.7267
    assert float(row["value_per_watt"]) == pytest.approx(12.5 / 115, abs=1e-6)
    assert row["reference"] == str(record)
    assert row["note"] == ("NVIDIA GeForce RTX 4060; 2026-11-20 UTC; profile full; weights synthetic; "
                           "machine nvidia-geforce-rtx-4060")
    assert 0 < float(row["cv"]) < 0.05 and row["high_cv"] == "false"

    for lang in ("ko", "en"):
        tex = paths[f"{lang}.tex"].read_text(encoding="utf-8")
        assert r"RTX 4060$^{\dagger}$&12.500&299&0.0418&1.73" in tex
        assert tex.count(r"$^{\dagger}$") == 2  # the row and its footnote line
    assert "weights synthetic" in paths["en.tex"].read_text(encoding="utf-8")
    ko = paths["ko.tex"].read_text(encoding="utf-8")
    assert "2026{-}11{-}20 UTC; 프로필 full; 합성(무작위) 가중치" in ko


def test_a_measured_row_never_replaces_the_published_one(root, tmp_path):
    record = write_record(tmp_path / "m/4090/sd-txt2img.json",
                          make_record(gpu="NVIDIA GeForce RTX 4090", samples=(40.0, 40.5, 39.5)))
    table = read_table(build(root, tmp_path, 3, [record])["csv"])
    rows = table[table["gpu"] == "RTX 4090"]
    assert rows["source"].tolist() == ["measured", "published"]
    assert rows["value_text"].tolist() == ["40.000", "28.923"]
    assert rows["relative_to_baseline"].tolist() == ["5.53", "4"]


def test_a_baseline_in_the_surveys_spelling_is_printed_by_its_canonical_name(root, tmp_path):
    paths = build(root, tmp_path, 3, baseline="RTX 4070Ti")
    table = read_table(paths["csv"]).set_index("gpu")
    assert table.at["RTX 4070 Ti", "relative_to_baseline"] == "1"
    assert "Relative to RTX 4070 Ti" in paths["en.tex"].read_text(encoding="utf-8")
    assert "RTX 4070Ti" not in paths["ko.tex"].read_text(encoding="utf-8")


@pytest.mark.parametrize("gib, gpu, price", [(15.7, "RTX 4060 Ti 16GB", "499"),
                                             (7.7, "RTX 4060 Ti 8GB", "399")])
def test_a_measured_card_is_matched_by_its_memory_too(root, tmp_path, gib, gpu, price):
    record = make_record(gpu="NVIDIA GeForce RTX 4060 Ti", machine="ti")
    record.environment["gpu_memory_bytes"] = int(gib * 2**30)
    path = write_record(tmp_path / "m/ti/sd-txt2img.json", record)
    table = read_table(build(root, tmp_path, 3, [path])["csv"])
    row = table[table["source"] == "measured"].iloc[0]
    assert (row["gpu"], row["price_usd"]) == (gpu, price)


def test_an_oom_record_shows_as_a_cell_and_sorts_last(root, tmp_path):
    record = write_record(tmp_path / "m/x/llm-decode.json",
                          make_record("llm-decode", gpu="NVIDIA GeForce RTX 4060", status="oom"))
    paths = build(root, tmp_path, 5, [record])
    table = read_table(paths["csv"])
    last = table.iloc[-1]
    assert (last["gpu"], last["status"], last["value_text"]) == ("RTX 4060", "oom", "OOM")
    derived = ["value", "value_per_dollar", "relative_to_baseline", "efficiency", "cv"]
    assert last[derived].tolist() == [""] * 5
    assert "메모리 부족(OOM)" in paths["ko.tex"].read_text(encoding="utf-8")
    assert check_measured_cv(table, "table5") == []


def test_a_high_cv_is_flagged_in_the_table_and_the_footnote(root, tmp_path):
    record = write_record(tmp_path / "m/x/sd-hires.json",
                          make_record("sd-hires", samples=(0.45, 0.55, 0.5, 0.4, 0.6)))
    paths = build(root, tmp_path, 4, [record])
    row = read_table(paths["csv"]).set_index("source").loc["measured"]
    assert row["high_cv"] == "true" and float(row["cv"]) > 0.05
    assert "CV above 5" in paths["en.tex"].read_text(encoding="utf-8")


def test_cpu_runs_and_other_profiles_are_skipped(root, tmp_path, caplog):
    cpu = write_record(tmp_path / "m/cpu/sd-txt2img.json", make_record(gpu=None, machine="cpu-test"))
    smoke = write_record(tmp_path / "m/smoke/sd-txt2img.json", make_record(profile="smoke"))
    with caplog.at_level("INFO"):
        table = read_table(build(root, tmp_path, 3, [cpu, smoke])["csv"])
    assert set(table["source"]) == {"published"}
    assert "a CPU run" in caplog.text and "profile 'smoke'" in caplog.text
    table = read_table(build(root, tmp_path, 3, [cpu, smoke], profiles=("full", "smoke"))["csv"])
    assert table[table["source"] == "measured"]["gpu"].tolist() == ["RTX 4060"]


def _malformed(tmp_path):
    path = tmp_path / "m/x/sd-txt2img.json"
    write_record(path, make_record())
    path.write_text(path.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    return [path]


def _unknown_gpu(tmp_path):
    return [write_record(tmp_path / "m/x/sd-txt2img.json", make_record(gpu="NVIDIA GeForce RTX 9090"))]


def _wrong_unit(tmp_path):
    return [write_broken(tmp_path / "m/x/sd-txt2img.json", make_record(), {"unit": "tokens/s"})]


def _negative(tmp_path):
    return [write_broken(tmp_path / "m/x/sd-txt2img.json", make_record(),
                         {"metrics/it_per_s/samples": [12.0, -3.0, 12.0]})]


BAD = {
    "malformed JSON": (_malformed, r"m/x/sd-txt2img\.json, line \d+: malformed JSON"),
    "unknown GPU": (_unknown_gpu,
                    r"m/x/sd-txt2img\.json, column 'gpu': unknown GPU 'NVIDIA GeForce RTX 9090'"),
    "unit": (_wrong_unit, r"m/x/sd-txt2img\.json: key 'unit': workload 'sd-txt2img' is measured in 'it/s'"),
    "negative value": (_negative, r"m/x/sd-txt2img\.json: key 'metrics/it_per_s/samples/1': -3\.0 is less "
                                  "than the minimum of 0"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_record_is_a_named_error_and_leaves_no_table(root, tmp_path, case):
    make, message = BAD[case]
    records = make(tmp_path)
    with pytest.raises(DataError, match=message):
        build(root, tmp_path / "new", 3, records)
    assert not (tmp_path / "new").exists() or list((tmp_path / "new").iterdir()) == []

    old = build(root, tmp_path / "old", 3)
    before = {p: p.read_bytes() for p in old.values()}
    with pytest.raises(DataError):
        build(root, tmp_path / "old", 3, records)
    assert {p: p.read_bytes() for p in old.values()} == before


def test_a_baseline_without_a_published_row_is_an_error(root, tmp_path):
    with pytest.raises(DataError, match="baseline GPU 'RTX 4060'.*tables.baseline_gpu"):
        build(root, tmp_path, 3, baseline="RTX 4060")


PUBLISHED_EDITS = {  # file line (header = 1), column, new cell, error
    "unknown GPU": (2, 0, "RTX 4095", r"table3\.csv, line 2, column 'gpu': unknown GPU 'RTX 4095'"),
    "value not as printed": (3, 1, "23.5O4",
                             r"table3\.csv, line 3, column 'value': expected text matching.*got '23\.5O4'"),
    "same GPU twice": (3, 0, "RTX 4090", r"table3\.csv, line 3, column 'gpu': RTX 4090 appears twice"),
    "wrong unit": (4, 2, "tokens/s", r"table3\.csv, line 4, column 'unit': expected unit 'it/s'"),
}


@pytest.mark.parametrize("case", PUBLISHED_EDITS)
def test_a_bad_published_row_is_a_named_error(root, tmp_path, case):
    import csv

    line, column, value, message = PUBLISHED_EDITS[case]
    rows = list(csv.reader((root / "data/published/table3.csv").open(encoding="utf-8")))
    rows[line - 1][column] = value
    path = tmp_path / "table3.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    out = tmp_path / "out"
    with pytest.raises(DataError, match=message):
        write_perf_table(root / "data/gpus.csv", path, [], 3, "RTX 3060", ["full"],
                         out / "t.csv", out / "t.ko.tex", out / "t.en.tex")
    assert not out.exists()
