"""No figure hides data: every registered figure, drawn by the production writer in both
languages, has no text box over another or over a bar or a scatter point."""

from __future__ import annotations

import pytest
from gpusurvey.core.record import Metric
from gpusurvey.registry import LANGS, generic_figures
from gpusurvey.reports import figure_overlaps, figures
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
    with pytest.MonkeyPatch.context() as mp:
        for spec in generic_figures():
            name = spec.name
            langs = iter(LANGS)
            mp.setattr(figures, "save", lambda fig, outputs, name=name, langs=langs:
                       figs.__setitem__((name, next(langs)), fig))
            write_figure(name, {f"{lang}_{ext}": tmp / f"{name}.{lang}.{ext}"
                                for lang in LANGS for ext in figures.EXTS},
                         tables=[tables[n] for n in spec.tables],
                         published=root / "data/published/figure1.csv",
                         records=[matmul], baseline_gpu="RTX 3060", gpus=root / "data/gpus.csv")
    yield figs
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", [f.name for f in generic_figures()])
def test_no_text_hides_another_text_or_a_data_mark(drawn, name, lang):
    assert figure_overlaps.collisions(drawn[name, lang]) == []


def test_the_check_finds_a_label_over_a_bar_a_point_and_another_label():
    plt = figures._pyplot()
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
    plt = figures._pyplot()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.barh(range(4), [10, 10, 10, 10])
    ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, label="a long legend entry")], loc="lower right")
    found = figure_overlaps.collisions(fig)
    plt.close(fig)
    assert any(line.startswith("legend ['a long legend entry'] overlaps bar") for line in found), found
