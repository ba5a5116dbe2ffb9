"""The "without a GPU" section: its numbers come from the committed CPU records, its figure
draws in both languages, and a missing workload is said, not invented."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gpusurvey.core.record import Metric, load, save
from gpusurvey.models.sd_compute import EfficiencyAboveOneError
from gpusurvey.paper.writers import write_macros
from gpusurvey.reports.cpu_compare import load_comparison
from gpusurvey.reports.writers import write_figure
from helpers import macro_values, make_record, switches, write_record, write_tables

CPU = "data/measurements/cpu-amd-epyc/cpu"


@pytest.fixture
def tables(tmp_path, root):
    return write_tables(root, tmp_path / "results/tables")


@pytest.fixture
def cpu_records(tmp_path, root) -> list[Path]:
    """Copies of this machine's committed CPU records, to change."""
    folder = tmp_path / "measurements/cpu-test/cpu"
    shutil.copytree(root / CPU, folder)
    return sorted(folder.glob("*.json"))


def _macros(tmp_path, root, tables, cpu_records) -> tuple[dict[str, str], dict[str, bool]]:
    out = tmp_path / "numbers.tex"
    write_macros(out, spec_tables=[tables[1], tables[2]], perf_table_csvs=[tables[3], tables[4], tables[5]],
                 errata=root / "data/errata.csv", gpus=root / "data/gpus.csv",
                 figure1=root / "data/published/figure1.csv", records=[], profiles=["full"],
                 baseline="RTX 3060", cpu_records=cpu_records)
    text = out.read_text(encoding="utf-8")
    return macro_values(text), switches(text)


def _scale_it_per_s(path: Path, factor: float) -> float:
    record = load(path)
    metric = record.metrics["it_per_s"]
    record.metrics["it_per_s"] = Metric(unit=metric.unit, samples=[s * factor for s in metric.samples],
                                        first_call=metric.first_call, description=metric.description)
    save(record, path)
    return record.metrics["it_per_s"].mean


def test_the_sections_macros_come_from_the_records(tmp_path, root, tables, cpu_records):
    # The headline is the fastest Stable Diffusion record of the CPU (of either precision).
    runs = {p: load(p).value for p in cpu_records if p.name.startswith("sd-txt2img")}
    sd = max(runs, key=runs.get)
    value = runs[sd]
    m, on = _macros(tmp_path, root, tables, cpu_records)
    assert on["CpuRecords"] and on["CpuSd"] and on["CpuSdBound"] and on["CpuMatmul"]
    assert not on["CpuLlm"]  # no llm-decode record on the CPU: the text says so
    assert m["CpuSdCheapGpu"] == "RTX 3050" and m["CpuSdFastGpu"] == "RTX 4090"
    assert float(m["CpuSdValue"]) == pytest.approx(value, rel=5e-3)
    assert float(m["CpuSdFastTimes"]) == pytest.approx(28.923 / value, rel=5e-3)
    assert 0 < float(m["CpuSdEfficiency"]) <= 100
    before = dict(m)

    faster = _scale_it_per_s(sd, 1.5)  # still below its compute bound
    m, _ = _macros(tmp_path, root, tables, cpu_records)
    assert float(m["CpuSdValue"]) == pytest.approx(faster, rel=5e-3)
    for name in ("CpuSdValue", "CpuSdSecondsPer", "CpuSdCheapTimes", "CpuSdFastTimes", "CpuSdEfficiency"):
        assert m[name] != before[name], name
    assert float(m["CpuSdFastTimes"]) == pytest.approx(float(before["CpuSdFastTimes"]) / 1.5, rel=1e-2)


def test_an_llm_record_in_formats_is_compared_with_table_5(tmp_path, root, tables, cpu_records):
    record = make_record("llm-decode", gpu=None, samples=(2.0, 2.1, 1.9), machine="cpu-test")
    record.backend = {"library": "llama.cpp", "weights": "gguf q4_k_m"}
    path = write_record(tmp_path / "measurements/cpu-test/formats/llm-decode-q4_k_m.json", record)
    m, on = _macros(tmp_path, root, tables, [*cpu_records, path])
    assert on["CpuLlm"]
    assert m["CpuLlmValue"] == "2.00" and m["CpuLlmWeights"] == "gguf q4\\_k\\_m"
    assert m["CpuLlmFastGpu"] == "RTX 4090" and m["CpuLlmFastTimes"] == "12.9"  # 25.82 / 2.0


def test_no_cpu_records_turn_the_section_off(tmp_path, root, tables):
    m, on = _macros(tmp_path, root, tables, [])
    assert not any(on[name] for name in ("CpuRecords", "CpuSd", "CpuSdBound", "CpuMatmul", "CpuLlm"))
    assert not [name for name in m if name.startswith("CpuSd")]


def test_a_cpu_above_its_own_bound_fails_by_name(tmp_path, tables, cpu_records):
    sd = next(p for p in cpu_records if p.name == "sd-txt2img.json")
    _scale_it_per_s(sd, 10.0)  # about three times the CPU's peak GEMM rate allows
    with pytest.raises(EfficiencyAboveOneError, match=r"sd-txt2img.json, key 'metrics/it_per_s/mean'"):
        load_comparison(cpu_records, tables[3], tables[5])


@pytest.mark.parametrize("with_records", [True, False])
def test_the_figure_draws_in_both_languages(tmp_path, tables, cpu_records, with_records):
    outputs = {f"{lang}_{ext}": tmp_path / f"cpu_workloads.{lang}.{ext}"
               for lang in ("ko", "en") for ext in ("pdf", "png")}
    write_figure("cpu_workloads", outputs, tables=[tables[3], tables[5]],
                 cpu_records=cpu_records if with_records else [])
    assert all(path.stat().st_size > 1000 for path in outputs.values())


def _fp32_only(cpu_records: list[Path]) -> list[Path]:
    """The copies without the committed bfloat16 run, for tests that write their own."""
    for path in cpu_records:
        if path.name == "sd-txt2img-bf16.json":
            path.unlink()
    return [p for p in cpu_records if p.exists()]


def _bf16_copy(sd: Path, matmul: Path, factor: float, peak_factor: float) -> Path:
    """A bfloat16 Stable Diffusion record beside the fp32 one, ``factor`` times its speed, and the
    matmul record's bf16 peak at ``peak_factor`` times its fp32 peak."""
    record = load(sd)
    record.backend["dtype"] = "bfloat16"
    out = sd.with_name("sd-txt2img-bf16.json")
    save(record, out)
    _scale_it_per_s(out, factor)
    mm = load(matmul)
    mm.extra["cpu_peak_bf16_gflops"] = mm.extra["cpu_peak_gflops"] * peak_factor
    save(mm, matmul)
    return out


@pytest.mark.parametrize(("factor", "faster"), [(1.6, True), (0.8, False)])
def test_fp32_and_bf16_side_by_side_each_against_its_own_peak(tmp_path, root, tables, cpu_records, factor,
                                                             faster):
    cpu_records = _fp32_only(cpu_records)
    sd = next(p for p in cpu_records if p.name == "sd-txt2img.json")
    matmul = next(p for p in cpu_records if p.name == "matmul.json")
    fp32 = load(sd).value
    m, on = _macros(tmp_path, root, tables, cpu_records)
    assert on["CpuSdFpThirtyTwo"] and not on["CpuSdBfSixteen"] and not on["CpuSdBoth"]
    fp32_efficiency = float(m["CpuSdFpThirtyTwoEfficiency"])

    bf16 = _bf16_copy(sd, matmul, factor, peak_factor=4.0)
    m, on = _macros(tmp_path, root, tables, [*cpu_records, bf16])
    assert on["CpuSdBoth"] and on["CpuSdBfSixteenBound"] and on["CpuSdBfSixteenFaster"] is faster
    assert float(m["CpuSdBfSixteenOverFp"]) == pytest.approx(factor, rel=5e-3)
    assert float(m["CpuSdFpThirtyTwoValue"]) == pytest.approx(fp32, rel=5e-3)
    # Against a peak four times the fp32 one, bf16 at `factor` times the speed has factor/4 the share.
    assert float(m["CpuSdBfSixteenEfficiency"]) == pytest.approx(fp32_efficiency * factor / 4, abs=1)
    assert float(m["CpuSdFpThirtyTwoEfficiency"]) == fp32_efficiency
    # The section's headline is the faster record, its bound in its own precision.
    assert m["CpuSdDtype"] == ("bfloat16" if faster else "float32")
    assert float(m["CpuSdEfficiency"]) == float(m["CpuSdBfSixteenEfficiency" if faster else
                                                   "CpuSdFpThirtyTwoEfficiency"])


def test_a_bf16_record_without_its_peak_has_no_bound(tmp_path, root, tables, cpu_records):
    cpu_records = _fp32_only(cpu_records)
    sd = next(p for p in cpu_records if p.name == "sd-txt2img.json")
    matmul = next(p for p in cpu_records if p.name == "matmul.json")
    mm = load(matmul)
    del mm.extra["cpu_peak_bf16_gflops"]
    save(mm, matmul)
    record = load(sd)
    record.backend["dtype"] = "bfloat16"
    bf16 = sd.with_name("sd-txt2img-bf16.json")
    save(record, bf16)
    m, on = _macros(tmp_path, root, tables, [*cpu_records, bf16])
    assert on["CpuSdBoth"] and on["CpuSdFpThirtyTwoBound"] and not on["CpuSdBfSixteenBound"]
    assert "CpuSdBfSixteenEfficiency" not in m
