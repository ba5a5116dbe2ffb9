"""The crowd section built from the committed snapshot: Table 7 holds the survey's cards, the
figure hides nothing and clips no point, and the macros come from the rows."""

from __future__ import annotations

import pandas as pd
import pytest
from gpusurvey.paper.crowd_macros import write_crowd_macros
from gpusurvey.registry import LANGS, section_figures, section_tables
from gpusurvey.reports import crowd_figure, figure_overlaps
from gpusurvey.reports.crowd_writers import write_crowd
from gpusurvey.reports.since_writer import write_since_survey
from helpers import macro_values


@pytest.fixture(scope="module")
def built(root, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crowd")
    outputs = {name: tmp / f"{name}.csv" for name in ("rows", "votes", "table_csv")}
    outputs |= {f"table_{lang}": tmp / f"table7.{lang}.tex" for lang in LANGS}
    write_crowd(sorted((root / "data/crowd").glob("*.json")), root / "data/gpus.csv",
                root / "data/published/table3.csv", 5, outputs)
    since = {name: tmp / f"{name}.csv" for name in ("points", "predictions", "loo", "loo_summary")}
    since |= {f"{name}_{lang}": tmp / f"{name}.{lang}.tex" for name in ("comparison", "predictions", "loo")
              for lang in LANGS}
    write_since_survey(root / "data/gpus.csv", root / "data/literature.csv",
                       {"sd-txt2img": root / "data/published/table3.csv",
                        "llm-decode": root / "data/published/table5.csv"}, since, crowd=outputs["table_csv"])
    return outputs | {f"since_{name}": path for name, path in since.items()}


def test_the_crowd_is_a_software_group_of_the_predictions(built):
    table = pd.read_csv(built["table_csv"])
    points = pd.read_csv(built["since_points"])
    crowd = points[points["software"] == "crowd"].set_index("gpu")
    assert sorted(crowd.index) == sorted(table["gpu"])
    assert crowd.loc["RTX 4090", "value"] == pytest.approx(table.set_index("gpu").at["RTX 4090", "p50"])
    summary = pd.read_csv(built["since_loo_summary"]).set_index(["workload", "software"])
    assert summary.at[("sd-txt2img", "crowd"), "n_cards"] == len(table)
    predicted = pd.read_csv(built["since_predictions"])
    assert (predicted["software"] == "crowd").any()


def test_table7_holds_the_survey_cards_with_five_submitters(built, root):
    assert [t.number for t in section_tables("crowd")] == [7]
    table = pd.read_csv(built["table_csv"])
    survey = pd.read_csv(root / "data/published/table3.csv")
    assert (table["submitters"] >= 5).all()
    assert table["survey"].notna().sum() >= 12 and len(survey) == 13
    assert table["survey_percentile"].between(0, 100).all()
    assert (table["p10"] <= table["p50"]).all() and (table["p50"] <= table["p90"]).all()
    assert (table["efficiency"] < 1).all()


@pytest.mark.parametrize("lang", LANGS)
def test_the_figure_hides_nothing_and_clips_no_point(built, lang):
    assert [f.name for f in section_figures("crowd")] == ["crowd_distributions"]
    votes, table = pd.read_csv(built["votes"]), pd.read_csv(built["table_csv"])
    fig = crowd_figure.distributions(votes, table, lang)
    assert figure_overlaps.collisions(fig) == []
    low, high = fig.axes[0].get_ylim()
    shown = votes[votes["gpu"].isin(table["gpu"])]["rate_b1"]
    assert low < shown.min() and shown.max() < high
    assert low < table["survey"].min() and table["bound"].max() < high
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_the_macros_come_from_the_rows(built, root, tmp_path):
    out = tmp_path / "crowd.tex"
    fragments = {lang: tmp_path / f"software.{lang}.tex" for lang in LANGS}
    write_crowd_macros(out, fragments, rows=built["rows"], table7=built["table_csv"],
                       table3=root / "data/published/table3.csv", loo_summary=built["since_loo_summary"],
                       predictions=built["since_predictions"], min_submitters=5)
    values = macro_values(out.read_text(encoding="utf-8"))
    rows = pd.read_csv(built["rows"], low_memory=False)
    assert values["CrowdRows"] == f"{len(rows):,}"
    assert values["CrowdKept"] == f"{(rows['status'] == 'kept').sum():,}"
    table = pd.read_csv(built["table_csv"]).set_index("gpu")
    top = table["submitters"].idxmax()
    assert values["CrowdTopGpu"] == top and values["CrowdTopSubmitters"] == str(table.at[top, "submitters"])
    assert -1 <= float(values["CrowdSpearman"]) <= 1
    assert "RTX" in fragments["en"].read_text(encoding="utf-8")
    loo = pd.read_csv(built["since_loo_summary"]).set_index("software")
    assert values["CrowdLooCards"] == str(loo.at["crowd", "n_cards"])


def test_the_figure_written_twice_has_the_same_bytes(built, tmp_path):
    name = "crowd_distributions"
    digests = []
    for run in ("a", "b"):
        outputs = {f"{name}_{lang}_{ext}": tmp_path / run / f"{name}.{lang}.{ext}"
                   for lang in LANGS for ext in ("pdf", "png")}
        crowd_figure.write_crowd_figures(built["votes"], built["table_csv"], outputs)
        digests.append({key: path.read_bytes() for key, path in outputs.items()})
    assert digests[0] == digests[1]
    assert digests[0][f"{name}_en_pdf"].startswith(b"%PDF")
