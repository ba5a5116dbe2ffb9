"""Every figure shows what it draws: every registered figure, drawn by the production writers in
both languages, has no text box over another or over a data mark, no point, error bar, bar or
label outside its axes, no legend entry for something not drawn, no text below 7 pt at print
size and no covered axis title (``figure_check``); and the check finds each of these faults."""

from __future__ import annotations

import pandas as pd
import pytest
from gpusurvey.core.record import Metric
from gpusurvey.registry import FIGURES, LANGS, generic_figures, section_figures
from gpusurvey.reports import figure_check, figure_overlaps, plotting
from gpusurvey.reports.crowd_figure import distributions
from gpusurvey.reports.crowd_writers import write_crowd
from gpusurvey.reports.since_figures import write_since_figures
from gpusurvey.reports.since_writer import write_since_survey
from gpusurvey.reports.writers import write_figure
from helpers import build_table, make_record, write_record


@pytest.fixture(scope="module")
def drawn(root, tmp_path_factory):
    """Every figure in each language, from the published data plus one measured GPU (an
    RTX 4060 in Tables 3 and 5, and a matmul record), keyed by (name, lang)."""
    tmp = tmp_path_factory.mktemp("figures")
    sd = write_record(tmp / "m/4060/sd-txt2img.json", make_record())
    llm = write_record(tmp / "m/4060/llm-decode.json", make_record("llm-decode", samples=(30.0, 30.5, 29.5)))
    matmul = write_record(tmp / "m/4060/matmul.json", make_record("matmul", metrics={
        "cpu_torch_fp32_ms": Metric(unit="ms", samples=[9.0, 9.2, 9.1]),
        "cpu_numpy_fp32_ms": Metric(unit="ms", samples=[10.0, 10.1, 9.9]),
        "cuda_fp32_ms": Metric(unit="ms", samples=[0.3, 0.3, 0.3]),
    }))
    tables = {n: build_table(root, tmp / "tables", n, [sd, llm])["csv"] for n in (3, 4, 5)}
    figs = {}
    since = {n: tmp / f"since/{n}" for n in ["points", "predictions", "loo", "loo_summary"] + [
        f"{n}_{lang}" for n in ("comparison", "predictions", "loo") for lang in LANGS]}
    write_since_survey(root / "data/gpus.csv", root / "data/literature.csv",
                       {"sd-txt2img": root / "data/published/table3.csv",
                        "llm-decode": root / "data/published/table5.csv"}, since)
    with pytest.MonkeyPatch.context() as mp:
        order = iter([(f.name, lang) for lang in LANGS for f in section_figures("since")])
        mp.setattr(plotting, "save", lambda fig, outputs: figs.__setitem__(next(order), fig))
        write_since_figures(tables[5], since["points"], since["predictions"],
                            {f"{f.name}_{lang}_{ext}": tmp / f"{f.name}.{lang}.{ext}"
                             for f in section_figures("since") for lang in LANGS for ext in plotting.EXTS})
        for spec in generic_figures():
            name = spec.name
            langs = iter(LANGS)
            mp.setattr(plotting, "save", lambda fig, outputs, name=name, langs=langs:
                       figs.__setitem__((name, next(langs)), fig))
            write_figure(name, {f"{lang}_{ext}": tmp / f"{name}.{lang}.{ext}"
                                for lang in LANGS for ext in plotting.EXTS},
                         tables=[tables[n] for n in spec.tables],
                         published=root / "data/published/figure1.csv",
                         records=[matmul], baseline_gpu="RTX 3060", gpus=root / "data/gpus.csv",
                         cpu_records=sorted([*root.glob("data/measurements/*/cpu/*.json"),
                                             *root.glob("data/measurements/*/formats/*.json")]))
    crowd = {name: tmp / f"crowd/{name}.csv" for name in ("rows", "votes", "table_csv")}
    crowd |= {f"table_{lang}": tmp / f"crowd/table7.{lang}.tex" for lang in LANGS}
    write_crowd(sorted((root / "data/crowd").glob("*.json")), root / "data/gpus.csv",
                root / "data/published/table3.csv", 5, crowd)
    votes, table7 = pd.read_csv(crowd["votes"]), pd.read_csv(crowd["table_csv"])
    for lang in LANGS:
        figs["crowd_distributions", lang] = distributions(votes, table7, lang)
    yield figs
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_shows_what_it_draws(drawn, name, lang):
    width = plotting.PAGE_WIDTH_IN if FIGURES[name].wide else plotting.COLUMN_WIDTH_IN
    assert figure_check.problems(drawn[name, lang], width) == []


def test_the_check_finds_data_outside_the_axes_an_undrawn_legend_entry_and_small_text():
    plt = plotting.pyplot()
    fig, ax = plt.subplots(figsize=(4.3, 3))
    ax.scatter([1, 2, 3], [1, 2, 30], label="points")
    ax.errorbar([2], [2], yerr=[[0.5], [40]], fmt="none", label="range")
    ax.plot([1, 3], [50, 60], label="bound")  # above the axes
    ax.text(3.5, 1, "a label past the edge")
    ax.bar([1.5], [100], width=0.2, label="tall bar")
    ax.set_ylim(0, 10)
    ax.set_xlim(0, 4)
    ax.legend(loc="upper left", fontsize=6)
    found = figure_check.problems(fig, 4.3)
    plt.close(fig)
    assert "axes 0: point 2 of 'points' lies outside the axes" in found, found
    assert any(line.startswith("axes 0: error bar end") and "of 'range'" in line for line in found), found
    assert "axes 0: line 'bound' is drawn over less than 10% of the axes" in found, found
    assert "axes 0: label 'a label past the edge' lies outside the axes" in found, found
    assert "axes 0: bar 'tall bar' lies outside the axes" in found, found
    assert "legend entry 'bound' names nothing drawn inside the axes" in found, found
    assert "legend entry 'points' names nothing drawn inside the axes" not in found, found
    assert any(line.startswith("text 'points' is ") and "below 7" in line for line in found), found


def test_the_check_reads_type_at_print_size_and_finds_a_covered_axis_title():
    plt = plotting.pyplot()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8.6, 3))
    fig.subplots_adjust(hspace=0)
    top.plot([0, 1], [0, 1])
    bottom.plot([0, 1], [0, 1])
    top.set_xlabel("the upper panel's x-axis title")
    found = figure_check.problems(fig, 8.6)
    assert "axes 0: title \"the upper panel's x-axis title\" is covered by axes 1" in found, found
    assert not [line for line in found if "pt at print size" in line], found
    # The same figure printed at half its width: 9 pt type reads as about 4.5 pt.
    assert any("pt at print size" in line for line in figure_check.problems(fig, 4.3))
    plt.close(fig)


def test_the_check_finds_a_label_over_a_bar_a_point_and_another_label():
    plt = plotting.pyplot()
    fig, (left, right) = plt.subplots(1, 2)
    left.barh([0, 1], [10, 12], label="bars")
    left.text(5, 1, "over the bar", ha="center", va="center")
    right.scatter([1, 2], [1, 2], s=40, label="points")
    right.annotate("on a point", (2, 2))
    right.text(1.2, 1.5, "first label")
    right.text(1.25, 1.5, "second label")
    found = figure_overlaps.collisions(fig)
    plt.close(fig)
    assert any("'over the bar' overlaps bar" in line for line in found), found
    assert any("'on a point' overlaps point 1 of 'points'" in line for line in found), found
    assert any("'first label' overlaps text 'second label'" in line for line in found), found


def test_a_legend_over_a_bar_is_a_collision():
    plt = plotting.pyplot()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.barh(range(4), [10, 10, 10, 10])
    ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, label="a long legend entry")], loc="lower right")
    found = figure_overlaps.collisions(fig)
    plt.close(fig)
    assert any(line.startswith("legend ['a long legend entry'] overlaps bar") for line in found), found


@pytest.mark.parametrize("lang", LANGS)
def test_each_figure_is_printed_at_the_width_the_check_reads_it_at(root, lang):
    """A figure the registry calls wide is set at the full text width, every other one at the
    paper's default: the check's print size is the paper's."""
    import re

    text = (root / f"paper/{lang}/survey.tex").read_text(encoding="utf-8")
    set_at = {m[2]: m[1] for m in re.finditer(r"\\surveyfigure(?:\[([^\]]*)\])?\{(\w+)\}", text)}
    assert set(set_at) == set(FIGURES)
    for name, spec in FIGURES.items():
        assert (set_at[name] == r"\linewidth") == spec.wide, name
