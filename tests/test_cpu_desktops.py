"""Desktops predicted from the CPU decode records: the efficiency against the memory ceiling,
the interval rule, and the survey's cards against the DDR5 desktop."""

from __future__ import annotations

import pandas as pd
import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.core.record import Metric
from gpusurvey.inputs.desktop_memory import Desktop
from gpusurvey.models.llama import PRESETS
from gpusurvey.models.prediction import Case
from gpusurvey.models.roofline import format_tensors, prefill_arithmetic_bound
from gpusurvey.reports.cpu_desktops import (
    desktop_table,
    fastest_row,
    format_run,
    format_runs,
    pooled_cases,
    versus_cards,
)
from helpers import macro_values, make_record, switches, write_record, write_tables

DDR5 = Desktop("ddr5", "DDR5-6000", "DDR5-6000", "ddr5", 96.0, "6000 MT/s x 8 bytes x 2 channels",
               "https://example.org/ddr5", "DDR5", "", "96 GB/s")
M2 = Desktop("m2", "M2 Max", "M2 Max", "unified", 400.0, "Apple", "https://example.org/m2", "M2",
             "2023-01-17", "400GB/s")
POOLED = [Case("sd-txt2img", "survey", "RTX 4090", 10.0, 8.0),
          Case("sd-txt2img", "survey", "RTX 3060", 4.0, 5.0)]


def cpu_record(tokens=(2.0, 2.0, 2.0), probe=20.0, weights="gguf Q4_0", machine="cpu-test", **extra):
    record = make_record("llm-decode", gpu=None, samples=tokens, machine=machine)
    record.params["backend"] = "llama.cpp"
    record.backend = {"library": "llama.cpp", "weights": weights, "n_threads": 2}
    record.extra = {"cpu_bandwidth_probe": {"gbs": probe, "samples_gbs": [probe * 0.9, probe, probe * 1.1]},
                    **extra}
    return record


def with_arithmetic_ceiling(record, tokens_per_s: float):
    """The record with the prefill whose arithmetic ceiling is ``tokens_per_s`` (it is linear in
    the prefill rate)."""
    tensors = format_tensors(PRESETS[record.params["model"]], record.backend["weights"])
    per_prefill = prefill_arithmetic_bound(1.0, record.params["prompt_tokens"], tensors).tokens_per_s
    record.metrics["prefill_tokens_per_s"] = Metric(unit="tokens/s", samples=[tokens_per_s / per_prefill] * 3)
    record.extra["arithmetic_ceiling"] = {"method": "the prefill"}
    return record


def test_prediction_is_desktop_bandwidth_times_the_measured_share():
    # The bound is the median of the probe's samples: the prediction is 96 GB/s x 2.0 tokens/s / 20 GB/s.
    run = format_run("a.json", cpu_record())
    assert run.binding == "memory bandwidth"
    table = desktop_table([run], [DDR5, M2], POOLED)
    ddr5 = table[table["desktop"] == "ddr5"].iloc[0]
    assert ddr5["predicted_tokens_per_s"] == pytest.approx(96 / 20 * 2.0, rel=1e-9)
    assert table[table["desktop"] == "m2"].iloc[0]["predicted_tokens_per_s"] == pytest.approx(400 / 20 * 2.0)
    assert (table["kind"] == "predicted").all()
    # Fewer than five own cases: the pooled ratios 10/8 and 4/5 make the interval.
    assert ddr5["interval_from"] == "pooled" and ddr5["cases"] == 2
    assert ddr5["predicted_low"] == pytest.approx(9.6 * 0.8)
    assert ddr5["predicted_high"] == pytest.approx(9.6 * 1.25)


def test_the_efficiency_is_against_the_memory_ceiling_and_arithmetic_is_flagged():
    run = format_run("a.json", with_arithmetic_ceiling(cpu_record(), 2.1))
    memory = 20.0 * 1e9 / (run.gb_per_token * 1e9)  # the median of the probe over the model's bytes
    assert run.memory_bound == pytest.approx(memory) and run.binding == "arithmetic"
    assert run.efficiency == pytest.approx(2.0 / memory)
    row = desktop_table([run], [DDR5], POOLED).iloc[0]
    assert row["predicted_tokens_per_s"] == pytest.approx(96 / run.gb_per_token * run.efficiency)
    assert bool(row["arithmetic_binds"])


def test_a_record_above_its_memory_ceiling_is_refused():
    with pytest.raises(DataError, match="above the memory-bandwidth bound of this CPU"):
        format_run("a.json", cpu_record(tokens=(5.0, 5.0, 5.0)))
    with pytest.raises(DataError, match="above its memory ceiling"):  # within the 5 % headroom
        format_run("a.json", cpu_record(tokens=(2.7, 2.7, 2.7)))


def test_only_cpu_llama13b_format_runs_and_median_over_machines():
    gpu = make_record("llm-decode")  # a GPTQ run on a GPU: no desktop evidence
    records = [("a.json", cpu_record(probe=20.0)), ("b.json", cpu_record(probe=40.0, machine="cpu-two")),
               ("g.json", gpu), ("k.json", cpu_record(weights="gguf Q4_K_M"))]
    runs = format_runs(records)
    assert [r.format for r in runs] == ["Q4_0", "Q4_0", "Q4_K_M"]
    table = desktop_table(runs, [DDR5], POOLED)
    q4 = table[table["format"] == "Q4_0"].iloc[0]
    # Efficiencies 2/(20/G) and 2/(40/G): their median is the mean of the two.
    assert q4["predicted_tokens_per_s"] == pytest.approx(96 * (2 / 20 + 2 / 40) / 2)
    assert q4["machines"] == 2


def test_own_cases_replace_the_pooled_ones_with_five_machines():
    records = [(f"{i}.json", cpu_record(probe=10.0 + 5 * i, machine=f"cpu-{i}", tokens=(1.0 + 0.4 * i,) * 3))
               for i in range(5)]
    row = desktop_table(format_runs(records), [DDR5], POOLED).iloc[0]
    assert row["interval_from"] == "own" and row["cases"] == 5
    assert row["predicted_low"] < row["predicted_tokens_per_s"] < row["predicted_high"]


def test_pooled_cases_come_from_predicting_groups_only(tmp_path):
    loo, summary = tmp_path / "loo.csv", tmp_path / "loo_summary.csv"
    pd.DataFrame({"workload": ["llm-decode", "llm-decode"], "software": ["llama.cpp", "survey"],
                  "gpu": ["RTX 4090", "RTX 4080"], "value": [30.0, 25.0], "predicted": [20.0, 17.0],
                  "error": [0, 0]}).to_csv(loo, index=False)
    pd.DataFrame({"workload": ["llm-decode", "llm-decode"], "software": ["llama.cpp", "survey"],
                  "predicts": [True, False]}).to_csv(summary, index=False)
    cases = pooled_cases(loo, summary)
    assert [(c.software, c.ratio) for c in cases] == [("llama.cpp", 1.5)]
    pd.DataFrame({"workload": ["x"]}).to_csv(summary, index=False)
    with pytest.raises(DataError, match="missing column"):
        pooled_cases(loo, summary)


def test_the_survey_cards_against_the_ddr5_desktop(tmp_path, root):
    tables = write_tables(root, tmp_path / "tables")
    runs = format_runs([("a.json", cpu_record()), ("k.json", cpu_record(weights="gguf Q4_K_M"))])
    table = desktop_table(runs, [M2, DDR5], POOLED)
    row = fastest_row(table)
    assert row["desktop"] == "ddr5"
    assert row["predicted_tokens_per_s"] == table[table["desktop"] == "ddr5"]["predicted_tokens_per_s"].max()
    versus = versus_cards(table, tables[5])
    assert versus.fastest.gpu == "RTX 4090"
    assert versus.times(versus.fastest) == pytest.approx(25.82 / row["predicted_tokens_per_s"])
    assert versus_cards(table[table["memory"] != "ddr5"], tables[5]) is None


def _outputs(tmp_path, root, records):
    from gpusurvey.paper.cpu_desktop_macros import write_desktop_macros
    from gpusurvey.reports.cpu_desktop_table import TableOutputs, read_desktops, write_desktop_table

    tables = write_tables(root, tmp_path / "tables")
    loo, summary = tmp_path / "loo.csv", tmp_path / "loo_summary.csv"
    pd.DataFrame({"workload": ["llm-decode"], "software": ["llama.cpp"], "gpu": ["RTX 4090"],
                  "value": [30.0], "predicted": [20.0], "error": [0.5]}).to_csv(loo, index=False)
    pd.DataFrame({"workload": ["llm-decode"], "software": ["llama.cpp"], "predicts": [True]}).to_csv(summary,
                                                                                                      index=False)
    out = TableOutputs(*(tmp_path / f"t.{ext}" for ext in ("csv", "ko.tex", "en.tex")))
    paths = [write_record(tmp_path / f"m/cpu-test/formats/{name}.json", record) for name, record in records]
    desktops = read_desktops(paths, root / "data/desktop_memory.csv", loo, summary, tables[5])
    write_desktop_table(desktops, out)
    write_desktop_macros(tmp_path / "t.macros.tex", desktops)
    return out


def test_fragments_italicise_every_prediction_and_cite_the_sources(tmp_path, root):
    from gpusurvey.reports.literature_bib import key

    out = _outputs(tmp_path, root, [("q4", cpu_record(probe=20.0))])
    table = pd.read_csv(out.csv)
    assert (table["kind"] == "predicted").all() and len(table) == 4  # four desktops, one format
    en, ko = out.en.read_text(encoding="utf-8"), out.ko.read_text(encoding="utf-8")
    for value in table["predicted_tokens_per_s"]:
        assert rf"\textit{{{value:.1f}}}" in en
    assert "pooled" in en and "모은" in ko and "예측" in ko
    assert key(table["source"].iloc[0]) in en
    text = (tmp_path / "t.macros.tex").read_text(encoding="utf-8")
    m, on = macro_values(text), switches(text)
    assert on["CpuDesktop"] and on["CpuDesktopDdrFive"] and on["CpuDesktopPooled"] and on["CpuDesktopVersus"]
    assert not on["CpuDesktopArithmetic"]
    # DDR5-6000 in two channels: 96 GB/s x 2.0 tokens/s / 20 GB/s; the interval is the one ratio 1.5.
    assert m["CpuDesktopDdrFiveValue"] == "9.60"
    assert m["CpuDesktopDdrFiveLow"] == m["CpuDesktopDdrFiveHigh"] == "14.4"
    assert m["CpuDesktopFastGpu"] == "RTX 4090" and m["CpuDesktopFastTimes"] == "2.69"  # 25.82 / 9.6
    assert m["CpuDesktopUnifiedLabel"] == "Apple M2 Max"


def test_without_a_cpu_decode_record_nothing_is_predicted(tmp_path, root):
    out = _outputs(tmp_path, root, [("gpu", make_record("llm-decode"))])
    on = switches((tmp_path / "t.macros.tex").read_text(encoding="utf-8"))
    assert not on["CpuDesktop"] and not on["CpuDesktopVersus"]
    assert "no desktop is predicted" in out.en.read_text(encoding="utf-8")
