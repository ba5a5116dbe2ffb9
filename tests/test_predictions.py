"""Predictions for the cards nobody measured and their leave-one-out error: computed from the data
(a changed input moves them), kept apart from the tables of measurements, marked as predicted."""

import csv
import io
import statistics

import pandas as pd
import pytest
from gpusurvey.models.sd_compute import EfficiencyAboveOneError
from gpusurvey.reports.predictions import (
    SERIES,
    SURVEY,
    best_software,
    leave_one_out,
    load_inputs,
    loo_summary,
    measured_points,
    points_frame,
    predictions,
    predictions_fragment,
    write_since_survey,
)
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
    return {(s.workload, s.software): s for s in loo_summary(leave_one_out(points))}


def test_leave_one_out_follows_the_data(root, tmp_path):
    gpus, published, literature = _inputs(root)
    before = _summary(gpus, published, literature)
    # Each case is the bound times the median efficiency of the software's other cards.
    points = measured_points(gpus, published, literature)
    case = next(c for c in leave_one_out(points) if c.software == "llama.cpp" and c.gpu == "RTX 4080")
    others = [p.efficiency for p in points if p.software == "llama.cpp" and p.gpu != "RTX 4080"]
    bound = next(p.bound for p in points if p.software == "llama.cpp" and p.gpu == "RTX 4080")
    assert case.predicted == pytest.approx(bound * statistics.median(others))

    # One published value changed (MLC LLM on the RTX 4090) moves that software's error.
    def slower(rows):
        row = next(r for r in rows if r["software_group"] == "MLC LLM" and r["gpu"] == "RTX 4090")
        row["value"] = "80"
    changed = _edited(root / "data/literature.csv", tmp_path / "literature.csv", slower)
    after = _summary(*_inputs(root, literature=changed))
    key = ("llm-decode", "MLC LLM")
    assert after[key].median_error > before[key].median_error + 0.1
    assert after[("sd-txt2img", SURVEY)] == before[("sd-txt2img", SURVEY)]

    # One of the survey's printed values changed moves the survey's decode error.
    def faster(rows):
        rows[0]["value"] = "60.0"
    table5 = _edited(root / "data/published/table5.csv", tmp_path / "table5.csv", faster)
    moved = _summary(*_inputs(root, table5=table5))
    assert moved[("llm-decode", SURVEY)].median_error != before[("llm-decode", SURVEY)].median_error


def test_predictions_use_the_bound_and_the_measured_efficiencies(root):
    gpus, published, literature = _inputs(root)
    points = measured_points(gpus, published, literature)
    preds = predictions(points, gpus, published)
    mlc = [p for p in points if p.workload == "llm-decode" and p.software == "MLC LLM"]
    p5090 = next(p for p in preds if p.gpu == "RTX 5090" and p.software == "MLC LLM")
    effs = [p.efficiency for p in mlc]
    assert p5090.predicted == pytest.approx(p5090.bound * statistics.median(effs))
    assert p5090.low == pytest.approx(p5090.bound * min(effs)) and p5090.high > p5090.predicted
    # Targets: the RTX 50 series and the survey's cards missing from the workload's table.
    targets = {p.gpu for p in preds if p.workload == "llm-decode"}
    assert {"RTX 5090", "RTX 5050", "RTX 4070", "RTX 3070"} <= targets
    assert not targets & {row.gpu for row in published["llm-decode"]}
    # No tensor throughput in data/gpus.csv: no compute bound, no Stable Diffusion prediction.
    assert all(p.predicted is None for p in preds if p.gpu == "RTX 5060" and p.workload == "sd-txt2img")
    assert best_software(points_frame(points, gpus), "llm-decode") == "MLC LLM"


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
    # Every predicted number in the fragments is in italics.
    gpus, published, literature = _inputs(root)
    preds = predictions(measured_points(gpus, published, literature), gpus, published)
    text = predictions_fragment(preds, gpus, "en")
    for p in preds:
        if p.predicted is not None:
            assert rf"\textit{{{p.predicted:.1f} ({p.low:.1f}--{p.high:.1f})}}" in text
    # Tables 3-5, written by their own writers, hold no predicted card.
    csvs = write_tables(root, tmp_path / "tables")
    later = set(gpus.table.index[gpus.table["series"] == SERIES])
    for number in (3, 4, 5):
        assert not set(pd.read_csv(csvs[number])["gpu"]) & later
