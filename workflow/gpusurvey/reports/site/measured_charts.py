"""The figures of this pipeline's own measurements as interactive charts: Figure 1 (the survey's
matrix product beside the matmul records) and the "without a GPU" figure (this CPU against the
survey's cheapest and fastest card per workload), with the same bars as
``reports.matmul_figure`` and ``reports.cpu_figure`` draw (their ``matmul_bars`` and
``panel_bars``) and each bar's value, source and kind on hover."""

from __future__ import annotations

from collections.abc import Sequence

from gpusurvey.registry import SD_TXT2IMG
from gpusurvey.reports import cpu_figure, figure_words, matmul_figure, plotting
from gpusurvey.reports.cpu_compare import CpuComparison
from gpusurvey.reports.site.charts import hover, plot
from gpusurvey.reports.site.words import KIND_WORDS


def _hbars(p, labels: Sequence[str], values: Sequence[float], texts: Sequence[str], sources: Sequence[str],
           kinds: Sequence[str], colors: Sequence[str], lang: str):
    """Horizontal bars from the axis' left edge (a log axis has no zero), one per label."""
    from bokeh.models import ColumnDataSource

    source = ColumnDataSource({
        "label": list(labels), "x": [float(v) for v in values], "gpu": list(labels),
        "value_text": list(texts), "source": list(sources), "color": list(colors),
        "kind": [getattr(KIND_WORDS[k], lang) for k in kinds],
    })
    return p.hbar(y="label", left=min(values) / 4, right="x", height=0.6, color="color", source=source)


def matmul(published: Sequence, records: Sequence[tuple[str, object]], lang: str):
    """Figure 1: ms per 1000x1000 product, the survey's two bars and each record's bars (†); a
    label two records share names each record's machine folder (BokehJS draws no chart with a
    repeated axis factor)."""
    words = figure_words.TEXT[lang]
    bars = matmul_figure.matmul_bars(published, records, lang)
    labels = [f"{bar.label} [{bar.folder}]" if bar.folder else bar.label for bar in bars]
    p = plot(words["matmul"], "", x_axis_type="log", height=120 + 32 * len(bars), y_range=labels[::-1])
    renderer = _hbars(
        p, labels, [bar.ms for bar in bars], [f"{bar.ms:.3g} ms" for bar in bars],
        [bar.path or f"{words['survey']} (Figure 1)" for bar in bars],
        ["published" if bar.path is None else "measured" for bar in bars],
        [plotting.PUBLISHED_COLOR if bar.kind == "cpu" else plotting.FRONT_COLOR for bar in bars], lang)
    hover(p, [renderer], lang)
    return p


def cpu_workloads(comparison: CpuComparison | None, lang: str):
    """This CPU against the survey's cheapest and fastest card: seconds per Stable Diffusion step
    and per LLaMA-13B token, one panel per workload with a CPU record, the CPU's compute bound
    marked on the Stable Diffusion panel. None without CPU records."""
    from bokeh.layouts import column
    from bokeh.models import Span

    items = [] if comparison is None else [i for i in (comparison.sd, comparison.llm) if i is not None]
    if not items:
        return None
    words = cpu_figure.TEXT[lang]
    panels = []
    for item in items:
        bars = cpu_figure.panel_bars(item, lang)
        labels = [label for label, *_ in bars]
        p = plot(words[item.workload], "", x_axis_type="log", height=200, y_range=labels[::-1])
        texts = [f"{cpu_figure.short(s)} s"
                 + (f" ({words['times'].format(x=cpu_figure.short(t))})" if t else "") for _, s, t, _ in bars]
        survey = figure_words.TEXT[lang]["survey"]
        sources = [item.path, f"{survey}, {words['cheap']}", f"{survey}, {words['fast']}"]
        renderer = _hbars(p, labels, [s for _, s, _, _ in bars], texts, sources,
                          ["measured", "published", "published"], [c for *_, c in bars], lang)
        bound = comparison.bound
        if bound is not None and item.workload == SD_TXT2IMG:
            p.add_layout(Span(location=1 / bound.bound_it_per_s, dimension="height", line_dash="dashed",
                              line_color="#444444"))
        hover(p, [renderer], lang)
        panels.append(p)
    return column(*panels, sizing_mode="stretch_width")
