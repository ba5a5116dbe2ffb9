"""The table of weight formats and its macros: GB per token from the one roofline model, every
number from the records, a run that ran out of memory shown as such."""

from __future__ import annotations

import dataclasses
import re
import shutil
import statistics
from pathlib import Path

import pandas as pd
import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.core.record import Metric, load, save
from gpusurvey.models.llama import PRESETS
from gpusurvey.models.roofline import (
    format_tensors,
    format_weight_bytes_per_token,
    mean_decode_context,
    prefill_arithmetic_bound,
)
from gpusurvey.models.weight_formats import FORMATS
from gpusurvey.paper.format_macros import write_format_macros
from gpusurvey.reports.format_table import LABELS, FormatOutputs, format_table, write_format_table

FORMATS_DIR = "data/measurements/cpu-amd-epyc/formats"


@pytest.fixture
def records(tmp_path, root) -> list[Path]:
    """Copies of the committed format records, to change."""
    folder = tmp_path / "measurements/cpu-test/formats"
    shutil.copytree(root / FORMATS_DIR, folder)
    return sorted(folder.glob("*.json"))


def build(tmp_path: Path, records, root) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    out = FormatOutputs(tmp_path / "f.csv", tmp_path / "f.ko.tex", tmp_path / "f.en.tex")
    write_format_table(records, root / "data/gpus.csv", out)
    write_format_macros(tmp_path / "m.tex", out.csv)
    macros = dict(re.findall(r"\\newcommand\{\\(\w+)\}\{(.*)\}", (tmp_path / "m.tex").read_text()))
    tex = {lang: Path(getattr(out, lang)).read_text(encoding="utf-8") for lang in ("ko", "en")}
    return pd.read_csv(out.csv), macros, tex


def test_gb_per_token_is_the_roofline_models_for_every_format(tmp_path, records, root):
    table, macros, _ = build(tmp_path, records, root)
    shape = PRESETS["llama-13b"]
    model = table[table["source"] == "model"].set_index("format")["gb_per_token"]
    assert sorted(model.index) == sorted(LABELS[f] for f in FORMATS)
    for fmt in FORMATS:
        assert model[LABELS[fmt]] == pytest.approx(format_weight_bytes_per_token(shape, fmt) / 1e9, rel=1e-12)
    assert macros["FormatGbQEightZero"] == f"{format_weight_bytes_per_token(shape, 'gguf-q8_0') / 1e9:.2f}"
    # A measured row: the model's weights of its format plus the KV cache at its context.
    for path in records:
        record = load(path)
        fmt = record.backend["format"]
        context = mean_decode_context(record.params["prompt_tokens"], record.params["new_tokens"])
        expected = format_weight_bytes_per_token(shape, fmt) + shape.kv_bytes_per_position() * context
        row = table[(table["source"] == "measured") & (table["format"] == LABELS[fmt])].iloc[0]
        assert row["gb_per_token"] == pytest.approx(expected / 1e9, rel=1e-12)
        bandwidth = statistics.median(record.extra["cpu_bandwidth_probe"]["samples_gbs"])
        assert row["bandwidth_gbs"] == pytest.approx(bandwidth)
        memory = bandwidth * 1e9 / expected
        assert row["memory_bound_tokens_per_s"] == pytest.approx(memory)
        arithmetic = None
        if record.extra.get("arithmetic_ceiling"):
            tensors = format_tensors(shape, record.backend["weights"])
            arithmetic = prefill_arithmetic_bound(record.metrics["prefill_tokens_per_s"].mean,
                                                  record.params["prompt_tokens"], tensors).tokens_per_s
            assert row["arithmetic_bound_tokens_per_s"] == pytest.approx(arithmetic)
        bound = min(memory, arithmetic) if arithmetic else memory
        assert row["binding"] == ("arithmetic" if bound != memory else "memory bandwidth")
        assert row["efficiency"] == pytest.approx(record.value / bound)


def test_the_lower_ceiling_binds_and_is_shown_in_bold(tmp_path, records, root):
    """A record that measured an arithmetic ceiling (its prefill) below the bandwidth's: it binds,
    and the efficiency is against it, recomputed from the prefill samples and the model."""
    record = load(records[0])
    memory = statistics.median(record.extra["cpu_bandwidth_probe"]["samples_gbs"]) * 1e9 / record.extra[
        "bytes_per_token"]
    tensors = format_tensors(PRESETS["llama-13b"], record.backend["weights"])
    prompt = record.params["prompt_tokens"]
    per_prefill = prefill_arithmetic_bound(1.0, prompt, tensors).tokens_per_s  # linear in the prefill
    prefill = memory / 2 / per_prefill
    metric = record.metrics["prefill_tokens_per_s"]
    record.metrics["prefill_tokens_per_s"] = Metric(unit=metric.unit, samples=[prefill] * len(metric.samples),
                                                    first_call=metric.first_call)
    record.extra["arithmetic_ceiling"] = {"method": "the prefill"}
    save(record, records[0])
    table, _, tex = build(tmp_path, records, root)
    row = table[(table["source"] == "measured") & (table["path"] == str(records[0]))].iloc[0]
    assert row["binding"] == "arithmetic"
    assert row["bound_tokens_per_s"] == pytest.approx(memory / 2, rel=1e-6)
    assert row["efficiency"] == pytest.approx(record.value / (memory / 2), rel=1e-6)
    assert f"\\textbf{{{memory / 2:.3f}}}" in tex["en"]


def test_a_cpu_decode_faster_than_its_own_probe_is_refused(tmp_path, records, root):
    record = load(records[0])
    probe = record.extra["cpu_bandwidth_probe"]
    probe["samples_gbs"] = [x / 100 for x in probe["samples_gbs"]]
    save(record, records[0])
    with pytest.raises(DataError, match="above the memory-bandwidth bound of this CPU"):
        build(tmp_path, records, root)


def test_the_table_ignores_the_records_own_bytes_per_token(tmp_path, records, root):
    before, _, _ = build(tmp_path, records, root)
    record = load(records[0])
    record.extra["bytes_per_token"] *= 1.005  # within the check's tolerance, so still loadable
    save(record, records[0])
    after, _, _ = build(tmp_path, records, root)
    pd.testing.assert_series_equal(before["gb_per_token"], after["gb_per_token"])


def test_a_changed_record_moves_the_table_and_the_macros(tmp_path, records, root):
    _, before, _ = build(tmp_path, records, root)
    q4 = next(p for p in records if p.name.endswith("q4_0.json"))
    record = load(q4)
    old = record.metrics["decode_tokens_per_s"]
    record.metrics["decode_tokens_per_s"] = Metric(old.unit, [s / 2 for s in old.samples], old.first_call,
                                                   old.description)
    save(record, q4)
    table, after, tex = build(tmp_path, records, root)
    row = table[(table["source"] == "measured") & (table["format"] == "Q4_0")].iloc[0]
    assert row["tokens_per_s"] == pytest.approx(old.mean / 2)
    halved = float(before["FormatCpuQFourZeroValue"]) / 2
    assert float(after["FormatCpuQFourZeroValue"]) == pytest.approx(halved, rel=0.01)
    assert after["FormatCpuQFourZeroEfficiency"] != before["FormatCpuQFourZeroEfficiency"]
    assert f"{old.mean / 2:.3f}" in tex["en"]


def test_an_oom_record_shows_its_status_and_no_numbers(tmp_path, records, root):
    q4km = next(p for p in records if p.name.endswith("q4_k_m.json"))
    record = dataclasses.replace(load(q4km), status="oom", error="out of memory loading the GGUF file",
                                 metrics={})
    save(record, q4km)
    table, macros, tex = build(tmp_path, records, root)
    row = table[(table["source"] == "measured") & (table["format"] == "Q4_K_M")].iloc[0]
    assert row["status"] == "oom" and pd.isna(row["tokens_per_s"]) and pd.isna(row["efficiency"])
    assert "out of memory" in tex["en"] and "메모리 부족" in tex["ko"]
    assert "FormatCpuQFourKMValue" not in macros
    assert "\\FormatCpuBothfalse" in (tmp_path / "m.tex").read_text()


def test_without_records_the_table_still_compares_the_formats(root):
    table = format_table([], root / "data/gpus.csv")
    assert list(table["source"]) == ["model"] * len(FORMATS)
