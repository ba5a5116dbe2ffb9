"""Figures: measured rows appear in them, output is byte-reproducible, missing glyphs fail."""

from __future__ import annotations

import pandas as pd
import pytest
from gpusurvey.core.record import Metric
from gpusurvey.models.roofline import LLAMA13B_GPTQ_BYTES_PER_TOKEN
from gpusurvey.registry import FIGURES, LANGS
from gpusurvey.reports import figures, matmul_figure, plotting
from gpusurvey.reports.writers import write_figure
from helpers import build_table as build
from helpers import make_record, write_record


@pytest.fixture
def tables(root, tmp_path):
    """Tables 3-5 from the published data plus an RTX 4060 record for Tables 3 and 5."""
    sd = write_record(tmp_path / "m/4060/sd-txt2img.json", make_record())
    llm = write_record(tmp_path / "m/4060/llm-decode.json",
                       make_record("llm-decode", samples=(30.0, 30.5, 29.5)))
    return {n: build(root, tmp_path / "tables", n, [sd, llm])["csv"] for n in (3, 4, 5)}


def _ytick_labels(fig):
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_a_measured_row_appears_in_the_bar_chart_beside_the_published_ones(tables):
    table = pd.read_csv(tables[3])
    published_only = table[table["source"] == "published"]
    for lang in ("ko", "en"):
        with_row = _ytick_labels(figures.bars(table, "RTX 3060", lang))
        without = _ytick_labels(figures.bars(published_only, "RTX 3060", lang))
        assert with_row[8] == "RTX 4060 †"
        assert with_row[:8] + with_row[9:] == without
    assert "RTX 3060 (기준)" in _ytick_labels(figures.bars(table, "RTX 3060", "ko"))
    assert "RTX 3060 (baseline)" in _ytick_labels(figures.bars(table, "RTX 3060", "en"))


def test_the_bar_chart_marks_a_baseline_given_in_the_surveys_spelling(root, tables, tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(plotting, "save", lambda fig, outputs: drawn.append(fig))
    outputs = {f"{lang}_{ext}": tmp_path / f"x.{lang}.{ext}"
               for lang in LANGS for ext in plotting.EXTS}
    write_figure("table3_bars", outputs, tables=[tables[3]], baseline_gpu="RTX 4070Ti",
                 gpus=root / "data/gpus.csv")
    ko, en = drawn
    assert "RTX 4070 Ti (기준)" in _ytick_labels(ko)
    assert "RTX 4070 Ti (baseline)" in _ytick_labels(en)
    assert "RTX 4070 Ti (baseline)" in [t.get_text() for t in en.legends[0].get_texts()]


def test_a_measured_row_appears_in_the_roofline_and_value_per_dollar(tables):
    t5 = pd.read_csv(tables[5])
    fig = figures.roofline(t5, "en")
    points = {c.get_label(): c.get_offsets().tolist() for c in fig.axes[0].collections}
    assert points["Measured by this pipeline"] == [[272.0, 30.0]]  # RTX 4060: 272 GB/s
    assert len(points["Published in the survey"]) == 9

    fig = figures.value_per_dollar({n: pd.read_csv(p) for n, p in tables.items()}, "en")
    measured = [c for c in fig.axes[0].collections if c.get_label() == "Measured by this pipeline"]
    assert measured[0].get_offsets().tolist() == [[299.0, 0.0418]]
    assert not [c for c in fig.axes[1].collections if c.get_label() == "Measured by this pipeline"]


def test_the_roofline_draws_a_bound_for_each_bytes_per_token(root, tmp_path):
    record = make_record("llm-decode", samples=(30.0, 30.5, 29.5))
    path = write_record(tmp_path / "m/4060/llm-decode.json", record)
    t5 = pd.read_csv(build(root, tmp_path, 5, [path])["csv"])
    measured = t5.loc[t5["source"] == "measured", "bytes_per_token"].iloc[0]  # weights and KV cache
    for lang, label in (("en", "Bandwidth bound: bandwidth / {} GB per token"),
                        ("ko", "대역폭 상한: 대역폭 / 토큰당 {} GB")):
        lines = {line.get_label(): line.get_ydata()[0] / line.get_xdata()[0]
                 for line in figures.roofline(t5, lang).axes[0].get_lines()}
        # slope = tokens/s per GB/s = 1e9 / bytes per token
        assert lines == {label.format("7.19"): pytest.approx(1e9 / measured),
                         label.format("6.92"): pytest.approx(1e9 / LLAMA13B_GPTQ_BYTES_PER_TOKEN)}


def test_pareto_front_keeps_the_fastest_gpu_at_each_price():
    points = [(300, 10.0), (400, 9.0), (500, 12.0), (500, 11.0), (900, 12.0), (1000, 20.0)]
    assert figures.pareto_front(points) == [0, 2, 5]


def test_figure1_shows_the_survey_bars_and_each_matmul_metric(root, tmp_path):
    unit = "ms"
    record = make_record("matmul", gpu="NVIDIA H100 80GB HBM3", metrics={
        "cpu_torch_fp32_ms": Metric(unit=unit, samples=[9.0, 9.2, 9.1]),
        "cpu_numpy_fp32_ms": Metric(unit=unit, samples=[10.0, 10.1, 9.9]),
        "cuda_fp32_ms": Metric(unit=unit, samples=[0.05, 0.05, 0.05]),
    })
    path = write_record(tmp_path / "m/h100/matmul.json", record)
    from gpusurvey.inputs.published import load_published_figure

    bars = load_published_figure(root / "data/published/figure1.csv")
    assert [(b.processor, b.value) for b in bars] == [("Xeon CPU", 49.9), ("T4 GPU", 4.46)]
    labels = _ytick_labels(matmul_figure.matmul(bars, [(str(path), record)], "en"))
    assert labels == ["Xeon CPU (survey)", "T4 GPU (survey)", "Test CPU 9000 (torch) †",
                      "Test CPU 9000 (NumPy) †", "NVIDIA H100 80GB HBM3 (torch CUDA) †"]
    # A second machine with the same CPU and GPU: each of its bars names its machine folder.
    twin = write_record(tmp_path / "m/h100-b/matmul.json", record)
    labels = _ytick_labels(matmul_figure.matmul(bars, [(str(path), record), (str(twin), record)], "en"))
    assert len(labels) == 8 and len(set(labels)) == 8
    assert labels[2] == "Test CPU 9000 (torch) †\nh100" and labels[5] == "Test CPU 9000 (torch) †\nh100-b"


@pytest.mark.parametrize("name", ["roofline", "figure1_matmul"])
def test_a_figure_written_twice_has_the_same_bytes(root, tables, tmp_path, name):
    assert name in FIGURES
    digests = []
    for run in ("a", "b"):
        outputs = {f"{lang}_{ext}": tmp_path / run / f"{name}.{lang}.{ext}"
                   for lang in LANGS for ext in plotting.EXTS}
        write_figure(name, outputs, tables=[tables[n] for n in FIGURES[name].tables],
                     published=root / "data/published/figure1.csv", baseline_gpu="RTX 3060")
        digests.append({key: path.read_bytes() for key, path in outputs.items()})
    assert digests[0] == digests[1], name
    assert digests[0]["ko_pdf"].startswith(b"%PDF") and b"CreationDate" not in digests[0]["ko_pdf"]
    assert digests[0]["en_png"].startswith(b"\x89PNG")


def test_a_missing_glyph_fails_the_figure(tmp_path):
    plt = plotting.pyplot()
    fig, ax = plt.subplots()
    ax.set_title("\U0001f600")
    with pytest.raises(ValueError, match="missing from font"):
        plotting.save(fig, {"png": tmp_path / "x.png"})
    assert not (tmp_path / "x.png").exists()


def test_a_leader_line_is_clipped_at_its_label_as_matplotlib_clips_it():
    """``place_labels`` hands each leader line a label box that lays the text out once per
    drawing; it must answer every point as ``Text.contains`` does, at each resolution drawn."""
    from types import SimpleNamespace

    import numpy as np

    plt = plotting.pyplot()
    fig, ax = plt.subplots(figsize=(plotting.COLUMN_WIDTH_IN, 3))
    xs, ys = [1.0, 1.05, 1.1, 1.15, 2.0], [1.0, 1.02, 1.04, 1.01, 2.0]
    ax.scatter(xs, ys)
    plotting.place_labels(ax, xs, ys, ["RTX 4090", "RTX 4080", "RTX 4070 Ti", "RTX 4060", "RTX 3060"])
    leaders = [p for p in ax.patches if hasattr(p, "patchA") and p.patchA is not None]
    assert leaders and all(isinstance(p.patchA, plotting._LabelBox) for p in leaders)
    for dpi in (72, 200):
        fig.set_dpi(dpi)
        fig.draw_without_rendering()
        for leader in leaders:
            box, text = leader.patchA, leader.patchA.text
            extent = text.get_window_extent()
            for x in np.linspace(extent.x0 - 3, extent.x1 + 3, 23):
                for y in (extent.y0, extent.y1, (extent.y0 + extent.y1) / 2, extent.y1 + 0.5):
                    point = SimpleNamespace(x=x, y=y)
                    assert box.contains(point) == text.contains(point), (dpi, text.get_text(), x, y)
    plt.close(fig)
