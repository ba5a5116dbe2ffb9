"""Predictions for the cards nobody measured and their leave-one-out error: computed from the data
(a changed input moves them), claiming no more than the data test, kept apart from the tables of
measurements, marked as predicted."""

import csv
import io
import statistics

import pandas as pd
import pytest
from gpusurvey.models import prediction as model
from gpusurvey.models.sd_compute import EfficiencyAboveOneError
from gpusurvey.reports.prediction_fragments import loo_fragment, predictions_fragment
from gpusurvey.reports.predictions import (
    SERIES,
    SURVEY,
    fastest_software,
    load_inputs,
    loo_summary_frame,
    measured_points,
    points_frame,
    predicting_software,
    predictions,
)
from gpusurvey.reports.since_writer import write_since_survey
from helpers import write_tables


def _inputs(root, literature=None, table5=None):
    return load_inputs(root / "data/gpus.csv", literature or root / "data/literature.csv",
                       {"sd-txt2img": root / "data/published/table3.csv",
                        "llm-decode": table5 or root / "data/published/table5.csv"})


def _edited(path, out, edit):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    edit(rows)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


def _summary(gpus, published, literature):
    points = measured_points(gpus, published, literature)
    frame = loo_summary_frame(points, model.leave_one_out(points))
    return frame.set_index(["workload", "software"])


def test_leave_one_out_follows_the_data(root, tmp_path):
    gpus, published, literature = _inputs(root)
    before = _summary(gpus, published, literature)
    # Each case is the bound times the median efficiency of the software's other cards.
    points = measured_points(gpus, published, literature)
    case = next(c for c in model.leave_one_out(points) if c.software == "llama.cpp" and c.gpu == "RTX 4080")
    others = [p.efficiency for p in points if p.software == "llama.cpp" and p.gpu != "RTX 4080"]
    bound = next(p.bound for p in points if p.software == "llama.cpp" and p.gpu == "RTX 4080")
    assert case.predicted == pytest.approx(bound * statistics.median(others))

    # One published value changed (llama.cpp on the RTX 4080) moves that software's error only.
    def slower(rows):
        for row in rows:
            if row["software_group"] == "llama.cpp" and row["gpu"] == "RTX 4080":
                row["value"] = "100"  # near its bound of 104 tokens/s
    changed = _edited(root / "data/literature.csv", tmp_path / "literature.csv", slower)
    after = _summary(*_inputs(root, literature=changed))
    key = ("llm-decode", "llama.cpp")
    assert after.loc[key, "median_error"] != pytest.approx(before.loc[key, "median_error"], abs=0.02)
    assert after.loc[("sd-txt2img", SURVEY)].equals(before.loc[("sd-txt2img", SURVEY)])

    # One of the survey's printed values changed moves the survey's decode error.
    def faster(rows):
        rows[0]["value"] = "60.0"
    table5 = _edited(root / "data/published/table5.csv", tmp_path / "table5.csv", faster)
    moved = _summary(*_inputs(root, table5=table5))
    key = ("llm-decode", SURVEY)
    assert moved.loc[key, "median_error"] != before.loc[key, "median_error"]


def test_only_groups_measured_on_three_cards_over_two_bounds_that_follow_them_predict(root):
    gpus, published, literature = _inputs(root)
    summary = _summary(gpus, published, literature)
    for software in ("ExLlama", "ExLlamaV2", "MLC LLM"):  # RTX 4090 and RTX 3090 Ti, both 1008 GB/s
        row = summary.loc[("llm-decode", software)]
        assert (row["n_cards"], row["n_bounds"], row["testable"], row["n_cases"]) == (2, 1, False, 0)
    survey = summary.loc[("llm-decode", SURVEY)]
    assert survey["testable"] and not survey["predicts"] and survey["reason"] == model.NOT_FOLLOWING
    assert survey["rank_correlation"] < model.MIN_RANK_CORRELATION
    assert summary.loc[("llm-decode", "llama.cpp"), "predicts"]
    assert summary.loc[("sd-txt2img", SURVEY), "predicts"]
    text = loo_fragment(summary.reset_index(), "en")
    assert "MLC LLM&2&1&–&–&–&–&not testable" in text
    assert "survey (2023)&9&7&9&" in text and "&0.39&does not follow its bound" in text


def test_predictions_use_the_bound_and_the_groups_own_leave_one_out_ratios(root):
    gpus, published, literature = _inputs(root)
    points = measured_points(gpus, published, literature)
    preds = predictions(points, gpus, published)
    llama = [p for p in points if p.workload == "llm-decode" and p.software == "llama.cpp"]
    p5090 = next(p for g, p in preds if g == "RTX 5090" and p.software == "llama.cpp")
    assert p5090.value == pytest.approx(p5090.bound * statistics.median(p.efficiency for p in llama))
    ratios = [c.ratio for c in model.leave_one_out(points) if c.software == "llama.cpp"]
    assert p5090.interval_from == "own" and p5090.cases == len(llama) == len(ratios)
    assert p5090.low == pytest.approx(p5090.value * min(ratios))
    assert p5090.high == pytest.approx(p5090.value * max(ratios))
    # No RTX 50 decode prediction from a group that could not be tested, or does not follow its bound.
    decode = [p for g, p in preds if p.workload == "llm-decode" and p.value is not None]
    assert {p.software for p in decode} == {"llama.cpp"}
    assert {p.reason for g, p in preds if g == "RTX 5090" and p.software != "llama.cpp"
            and p.workload == "llm-decode"} == {model.FEW_CARDS, model.NOT_FOLLOWING}
    # diffusers has three cases: its interval comes from every predicting group's cases.
    sd = next(p for g, p in preds if g == "RTX 5090" and p.software == "diffusers")
    assert sd.interval_from == "pooled" and sd.cases > 3
    # Targets: the RTX 50 series and the survey's cards missing from the workload's table.
    targets = {g for g, p in preds if p.workload == "llm-decode"}
    assert {"RTX 5090", "RTX 5050", "RTX 4070", "RTX 3070"} <= targets
    assert not targets & {row.gpu for row in published["llm-decode"]}
    frame = points_frame(points, gpus)
    assert predicting_software(frame, "llm-decode") == "llama.cpp"
    assert fastest_software(frame, "llm-decode") == "MLC LLM"


def test_a_published_value_above_its_bound_is_refused(root, tmp_path):
    def impossible(rows):
        rows[0]["value"] = "500"  # a 512x512 it/s above the RTX 4090's compute bound
    table3 = _edited(root / "data/published/table3.csv", tmp_path / "table3.csv", impossible)
    gpus, published, literature = load_inputs(root / "data/gpus.csv", root / "data/literature.csv",
                                              {"sd-txt2img": table3,
                                               "llm-decode": root / "data/published/table5.csv"})
    with pytest.raises(EfficiencyAboveOneError, match="RTX 4090, survey, sd-txt2img"):
        measured_points(gpus, published, literature)


def test_predicted_cells_are_marked_and_never_enter_a_table_of_measurements(root, tmp_path):
    names = ["points", "predictions", "loo", "loo_summary"] + [
        f"{n}_{lang}" for n in ("comparison", "predictions", "loo") for lang in ("ko", "en")]
    outputs = {n: tmp_path / f"{n}.out" for n in names}
    write_since_survey(root / "data/gpus.csv", root / "data/literature.csv",
                       {"sd-txt2img": root / "data/published/table3.csv",
                        "llm-decode": root / "data/published/table5.csv"}, outputs)
    predicted = pd.read_csv(outputs["predictions"])
    assert set(predicted["kind"]) == {"predicted"} and SERIES in set(predicted["series"])
    assert set(pd.read_csv(outputs["points"])["kind"]) == {"published"}
    # Every predicted number in the fragments is in italics, and the notes say why a group is silent.
    gpus, published, literature = _inputs(root)
    preds = predictions(measured_points(gpus, published, literature), gpus, published)
    text = predictions_fragment(preds, gpus, "en")
    for _, p in preds:
        if p.value is not None:
            assert rf"\textit{{{p.value:.1f} ({p.low:.1f}--{p.high:.1f})}}" in text
    assert "ExLlama (not testable: 2 cards, 1 bound)" in text
    assert "survey (2023) (does not follow its bound" in text
    # Tables 3-5, written by their own writers, hold no predicted card.
    csvs = write_tables(root, tmp_path / "tables")
    later = set(gpus.table.index[gpus.table["series"] == SERIES])
    for number in (3, 4, 5):
        assert not set(pd.read_csv(csvs[number])["gpu"]) & later
