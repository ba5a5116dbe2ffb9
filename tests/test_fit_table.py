"""Table 8 and the section's validation: every RTX 30/40/50 card and listed model, cards that fit
nothing said so, predictions in italics; the survey check (why Table 5 has no 8 GB card, Table
4's hires pass with and without memory-efficient attention); the error per source."""

import pandas as pd
import pytest
from gpusurvey.inputs.record_selection import record_place
from gpusurvey.models.memory import llm_memory
from gpusurvey.reports import fit
from gpusurvey.reports.fit_buyers import buyers_frame, eight_gb_without
from gpusurvey.reports.fit_section import buyers_fragment, validation_fragment
from gpusurvey.reports.fit_table import fit_rows, fragment
from gpusurvey.reports.fit_validation import (
    CPU_RECORDS,
    GPU_RECORDS,
    published_cases,
    record_cases,
    summarise,
    survey_check,
)
from gpusurvey.reports.predictions import (
    load_inputs,
    measured_points,
    points_frame,
    predictions,
    predictions_frame,
)

MODELS = ["llama-3.1-8b", "qwen2.5-14b", "llama-3.1-70b"]


@pytest.fixture(scope="module")
def data(root):
    return fit.load_fit_data(fit.DataPaths.under(root / "data"))


@pytest.fixture(scope="module")
def table(data):
    return fit_rows(data, MODELS, 4096, 0.5)


def test_every_consumer_card_and_model(data, table):
    cards = data.gpus.table[data.gpus.table["series"].isin(["RTX 30", "RTX 40", "RTX 50"])]
    assert len(table) == len(cards) * len(MODELS) == 75
    assert set(table["model"]) == set(MODELS)


def test_smallest_format_that_fits_and_cards_that_fit_nothing(table):
    small = table[table["model"] == "llama-3.1-8b"]
    assert small["format"].notna().all() and (small["spare_gb"] >= 0).all()
    big = table[table["model"] == "llama-3.1-70b"]
    assert big["format"].isna().all()  # 70B needs more than any listed card's 32 GB
    assert (table["kind"].dropna() == "predicted").all()


def test_fragment_marks_predictions_and_says_none_fits(data, table):
    tex = fragment(table, {m: data.models[m].name for m in MODELS}, "en")
    assert r"\textit{" in tex and "none fits" in tex
    assert r"\multicolumn{2}{c}{\textbf{Llama{-}3.1{-}70B}}" in tex
    assert "맞는 형식 없음" in fragment(table, {m: data.models[m].name for m in MODELS}, "ko")


def test_unknown_model_in_the_config_is_named(data):
    with pytest.raises(ValueError, match="fit.models: unknown model 'llama-9b'"):
        fit_rows(data, ["llama-9b"], 4096, 0.5)


def test_the_survey_check(root, data):
    check = survey_check(data, root / "data/published/table4.csv", root / "data/published/table5.csv")
    assert check.table5_fit == check.table5_cards  # every card the survey printed holds the run
    eight = [g for g in check.missing_cards if data.gpus.table.at[g, "memory_gb"] == 8]
    assert eight and set(eight) <= set(check.missing_do_not_fit)  # no 8 GB card holds it
    assert check.table4_fit_efficient == check.table4_cards and not check.table4_fit_standard


def test_error_per_source(root, data):
    records = sorted(str(p) for p in (root / "data/measurements").glob("**/*.json"))
    cases = record_cases(data, records) + published_cases(data, root / "data/vram.csv")
    summary = {s.source: s for s in summarise(cases)}
    assert summary["published"].cases == 6
    assert summary[GPU_RECORDS].cases >= 1 and summary[CPU_RECORDS].cases >= 1
    # Each record is its own case, named by where it lies (two machines of one GPU stay apart).
    names = [c.case for c in cases if c.source in (GPU_RECORDS, CPU_RECORDS)]
    assert len(set(names)) == len(names) and all("  " not in name for name in names)
    assert all(c.case.endswith("(VRAM)") for c in cases if c.source == GPU_RECORDS)
    # A GPU record holds torch's allocated peak: the model leaves the CUDA context out there too.
    (llm,) = [c for c in cases if c.case == "nvidia-h200-0db57aab/llm-decode: gptq-4bit-g128 (VRAM)"]
    shape = data.models["llama-13b"].shape
    assert llm.model_bytes == llm_memory(shape, "gptq-4bit-g128", 128 + 400, 0.0).total
    assert summary["published"].max_abs_error < 0.5
    tex = validation_fragment(list(summary.values()), "en")
    assert "published figures" in tex and r"\%" in tex


def test_record_place_starts_at_the_machine_folder():
    assert record_place("data/measurements/nvidia-h200-0db57aab/llm-decode.json",
                        "nvidia-h200") == "nvidia-h200-0db57aab/llm-decode"
    assert record_place("/x/cpu-amd-epyc/threads/threads-1.json",
                        "cpu-amd-epyc") == "cpu-amd-epyc/threads/threads-1"
    assert record_place("/elsewhere/run/llm-decode.json", "nvidia-h200") == "run/llm-decode"


def test_buyers_page_marks_each_number(root, data):
    gpus, published, literature = load_inputs(root / "data/gpus.csv", root / "data/literature.csv", {
        "sd-txt2img": root / "data/published/table3.csv", "llm-decode": root / "data/published/table5.csv"})
    points = measured_points(gpus, published, literature)
    frame = buyers_frame(data, points_frame(points, gpus),
                         predictions_frame(predictions(points, gpus, published), gpus), 4096, 0.5)
    assert set(frame["need"]) == {"Sd", "Thirteen", "ThirtyTwo", "Seventy", "Eight"}
    assert set(frame["kind"].dropna()) <= {"published", "predicted", "bound"}
    cheapest = frame[(frame["need"] == "Thirteen") & (frame["role"] == "cheapest")].iloc[0]
    prices = data.gpus.table["launch_price_usd"]
    assert cheapest["price"] <= prices[prices.notna()].max()
    tex = buyers_fragment(frame, "en")
    assert r"\textit{" in tex and "no listed card" in tex
    # Each number says what it is: one "(kind)" per card named, predicted ones in italics.
    named = frame.dropna(subset=["gpu"])
    for kind in ("published", "predicted", "bound"):
        assert tex.count(f"({kind})") == (named["kind"] == kind).sum(), kind
    assert tex.count(r"\textit{") >= (named["kind"] == "predicted").sum()
    assert pd.isna(frame[frame["need"] == "Seventy"]["gpu"]).all()
    without = eight_gb_without(data, "llama-2-13b", "gguf-q4_k_m", 4096, 0.5)
    assert "RTX 4060" in without
