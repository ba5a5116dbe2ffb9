"""Results published since the survey (data/literature.csv) and the RTX 50 series (data/gpus.csv,
Table 6): every row sourced and quoted, unknown GPUs and wrong units refused by name, the RTX 50
figures transcribed from their source file and printed as unknown where no source gave one."""

import csv
import io

import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.inputs.gpus import load_gpus
from gpusurvey.inputs.literature import comparable, comparable_rows, load_literature
from gpusurvey.registry import TABLES, WORKLOADS, survey_tables


@pytest.fixture(scope="module")
def gpus(root):
    return load_gpus(root / "data/gpus.csv")


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path, rows):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_every_literature_row_has_its_source_and_quote(root, gpus):
    raw = _rows(root / "data/literature.csv")
    rows = load_literature(root / "data/literature.csv", gpus)
    assert len(rows) == len(raw) > 40
    for row in rows:
        assert row.source.startswith("http") and row.quote.strip() and row.source_title.strip()
        assert row.unit == WORKLOADS[row.workload].unit
    # Both workloads have comparable rows, and the batch-4 and batch-16 rows stay out.
    kept = comparable_rows(rows)
    assert {r.workload for r in kept} == {"sd-txt2img", "llm-decode"}
    assert all(r.batch == 1 for r in kept if r.workload == "sd-txt2img")
    assert any(r.batch == 4 and not r.comparable for r in rows)


@pytest.mark.parametrize("column", ["source", "quote"])
def test_a_row_without_its_source_or_quote_is_refused_by_name(root, gpus, tmp_path, column):
    rows = _rows(root / "data/literature.csv")
    rows[2][column] = ""
    path = _write(tmp_path / "literature.csv", rows)
    with pytest.raises(DataError, match=rf"literature.csv, line 4, column '{column}'"):
        load_literature(path, gpus)


def test_an_unknown_gpu_is_refused_by_name(root, gpus, tmp_path):
    rows = _rows(root / "data/literature.csv")
    rows[0]["gpu"] = "RTX 9090"
    path = _write(tmp_path / "literature.csv", rows)
    with pytest.raises(DataError, match=r"literature.csv, line 2, column 'gpu': unknown GPU 'RTX 9090'"):
        load_literature(path, gpus)


@pytest.mark.parametrize("column, value, why", [
    ("software_group", "diffusers \U0001F680", "character 11 is U\\+1F680"),
    ("software_group", "x" * 300, "300 characters; expected at most 40"),
    ("software_group", "SD.Next\u200f", "character 8 is U\\+200F"),
])
def test_a_printed_column_the_fonts_cannot_print_is_refused_by_name(root, gpus, tmp_path, column,
                                                                    value, why):
    rows = _rows(root / "data/literature.csv")
    rows[3][column] = value
    path = _write(tmp_path / "literature.csv", rows)
    with pytest.raises(DataError, match=rf"literature.csv, line 5, column '{column}': {why}"):
        load_literature(path, gpus)


def test_a_row_twice_is_refused_naming_both_lines(root, gpus, tmp_path):
    rows = _rows(root / "data/literature.csv")
    copy = dict(rows[1], note="the same result again", gpu=rows[1]["gpu"].upper())
    path = _write(tmp_path / "literature.csv", [*rows, copy])
    with pytest.raises(DataError, match=rf"literature.csv, line {len(rows) + 2}: repeats line 3 "):
        load_literature(path, gpus)


def test_an_alias_resolves(root, gpus, tmp_path):
    rows = _rows(root / "data/literature.csv")
    rows[0]["gpu"] = "NVIDIA GeForce RTX 4090"
    rows[0]["workload"], rows[0]["unit"] = "sd-txt2img", "it/s"
    path = _write(tmp_path / "literature.csv", rows)
    assert load_literature(path, gpus)[0].gpu == "RTX 4090"


def test_a_unit_that_does_not_match_its_workload_is_refused_by_name(root, gpus, tmp_path):
    rows = _rows(root / "data/literature.csv")
    line = next(i for i, r in enumerate(rows) if r["workload"] == "llm-decode")
    rows[line]["unit"] = "it/s"
    path = _write(tmp_path / "literature.csv", rows)
    with pytest.raises(DataError, match=rf"line {line + 2}, column 'unit': unit 'it/s' does not "
                       r"match workload llm-decode; expected 'tokens/s'"):
        load_literature(path, gpus)


def test_a_comparable_cell_that_contradicts_the_rule_is_refused(root, gpus, tmp_path):
    rows = _rows(root / "data/literature.csv")
    line = next(i for i, r in enumerate(rows) if r["batch"] == "4")
    rows[line]["comparable"] = "yes"
    path = _write(tmp_path / "literature.csv", rows)
    with pytest.raises(DataError, match=rf"line {line + 2}, column 'comparable': .*batch 4, not 1"):
        load_literature(path, gpus)


def test_the_comparable_rule():
    assert comparable("sd-txt2img", "SD 1.5", 16, 1, "512x512") == (True, "")
    assert not comparable("sd-txt2img", "SD 1.5", 16, None, "512x512")[0]  # batch must be stated
    assert not comparable("sd-txt2img", "SD 1.5", 16, 1, "768x768")[0]
    assert comparable("llm-decode", "Llama-2-13B", 4, None, None) == (True, "")
    assert not comparable("llm-decode", "LLaMA-13B", 8, None, None)[0]
    assert not comparable("llm-decode", "LLaMA-13B", 4, 8, None)[0]


RTX50_FIELDS = ["launch_date", "launch_price_usd", "codename", "transistors_billion", "die_size_mm2",
                "shader_processors", "tensor_cores", "l2_cache_mb", "memory_gb", "memory_bus_bit",
                "tdp_w", "memory_bandwidth_gbs"]


def test_rtx50_rows_are_their_source_file_transcribed(root, gpus):
    """data/gpus.csv's RTX 50 rows hold exactly data/sources/rtx50.csv's values, empty where it is."""
    source = {r["card"]: r for r in _rows(root / "data/sources/rtx50.csv")}
    ours = {r["gpu"]: r for r in _rows(root / "data/gpus.csv") if r["series"] == "RTX 50"}
    assert set(ours) == set(source) and len(ours) == 8
    for card, row in ours.items():
        for field in RTX50_FIELDS:
            assert row[field] == source[card][field], (card, field)
        assert row["survey_table"] == "" and row["spec_source"] and row["performance_source"]


def test_table6_prints_unknown_fields_as_unknown_and_tables_1_2_stay_the_surveys(root, tmp_path):
    from gpusurvey.reports.writers import write_spec_table

    assert TABLES[6].series == "RTX 50" and TABLES[6] not in survey_tables()
    files = {ext: tmp_path / f"table6.{ext}" for ext in ("csv", "ko.tex", "en.tex")}
    write_spec_table(root / "data/gpus.csv", 6, files["csv"], files["ko.tex"], files["en.tex"])
    table = _rows(files["csv"])
    header = list(table[0])
    assert header[1:] == ["RTX 5090", "RTX 5080", "RTX 5070 Ti", "RTX 5070", "RTX 5060 Ti 16GB",
                          "RTX 5060 Ti 8GB", "RTX 5060", "RTX 5050"]
    l2 = next(r for r in table if r["field"] == "l2_cache_mb")
    assert l2["RTX 5090"] == "96" and l2["RTX 5070"] == ""  # no source: empty, not guessed
    en, ko = files["en.tex"].read_text(encoding="utf-8"), files["ko.tex"].read_text(encoding="utf-8")
    assert "unknown" in en and "n/a" not in en and "미확인" in ko and "\\$1999" in en
    for number in (1, 2):
        assert "RTX 50" not in (root / f"data/expected/table{number}.csv").read_text(encoding="utf-8")
    assert all(gpus_row["series"] != "RTX 50" or gpus_row["survey_table"] == ""
               for gpus_row in _rows(root / "data/gpus.csv"))


def test_each_row_states_field_by_field_how_it_matches_the_survey(root, gpus, tmp_path):
    rows = load_literature(root / "data/literature.csv", gpus)
    # The diffusers rows ran 50 steps, the survey 100: compared, with the steps named as relaxed.
    diffusers = [r for r in rows if r.software_group == "diffusers" and r.comparable]
    assert diffusers and all(r.steps == 50 and "steps" in r.relaxed for r in diffusers)
    # Llama-2-13B stands in for LLaMA-13B only as a relaxed model.
    llama2 = [r for r in rows if r.model == "Llama-2-13B"]
    assert llama2 and all(r.comparable and "model" in r.relaxed for r in llama2)
    assert all("model" not in r.relaxed for r in rows if r.model == "LLaMA-13B")
    # A cell that contradicts the rule is refused by line and column.
    raw = _rows(root / "data/literature.csv")
    line = next(i for i, r in enumerate(raw) if r["steps"] == "50" and r["comparable"] == "yes")
    raw[line]["match_steps"] = "yes"
    path = _write(tmp_path / "literature.csv", raw)
    expected = rf"line {line + 2}, column 'match_steps'.*50 steps; expected 'relaxed'"
    with pytest.raises(DataError, match=expected):
        load_literature(path, gpus)


def test_comparable_is_derived_from_the_fields(root, gpus, tmp_path):
    raw = _rows(root / "data/literature.csv")
    line = next(i for i, r in enumerate(raw) if r["batch"] == "4")
    assert raw[line]["match_batch"] == "no" and raw[line]["comparable"] == "no"
    raw[line]["comparable"] = "yes"
    path = _write(tmp_path / "literature.csv", raw)
    with pytest.raises(DataError, match=rf"line {line + 2}, column 'comparable'"):
        load_literature(path, gpus)


def test_the_rtx50_tensor_rate_rule_reproduces_nvidias_and_fills_the_cards_without_one(root):
    """FP16 tensor TFLOPS from CUDA cores and boost clock (gpusurvey.models.tensor_rate): within
    0.1 % of the rates data/gpus.csv derives from NVIDIA's AI TOPS, and the rate of the cards for
    which no source read states AI TOPS."""
    from gpusurvey.models.tensor_rate import fp16_tflops_fp32acc

    source = {r["card"]: r for r in _rows(root / "data/sources/rtx50.csv")}
    rows = {r["gpu"]: r for r in _rows(root / "data/gpus.csv") if r["series"] == "RTX 50"}
    for card, row in rows.items():
        cores, boost = int(source[card]["shader_processors"]), float(source[card]["boost_clock_mhz"])
        rule = fp16_tflops_fp32acc(cores, boost)
        stated = float(row["fp16_tflops_fp32acc"])
        if "AI TOPS are FP4" in row["performance_source"]:  # derived from NVIDIA's AI TOPS
            assert rule == pytest.approx(stated, rel=1e-3), card
        else:
            assert "gpusurvey.models.tensor_rate" in row["performance_source"], card
            assert row["fp16_tflops_fp32acc"] == f"{rule:.4f}", card
            assert float(row["fp16_tflops_fp16acc"]) == pytest.approx(2 * rule, abs=1e-4), card
    assert {c for c, r in rows.items() if "tensor_rate" in r["performance_source"]} == {
        "RTX 5060 Ti 16GB", "RTX 5060 Ti 8GB", "RTX 5060", "RTX 5050"}
