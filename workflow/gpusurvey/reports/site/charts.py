"""The papers' figures as interactive Bokeh charts: the same data and marks as
``reports.figures`` draws (bars per table, value per dollar with its Pareto front, the decode
roofline), each point's card, value, source and kind on hover, in Korean and English; the
section "since the survey"'s figures are in ``site.since_charts``.

A chart is a Bokeh document serialised with ``bokeh.embed.json_item``; the page renders it with
the BokehJS shipped in Bokeh's own wheel (no network). Bokeh is imported only in this package.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from gpusurvey.models.roofline import bound_tokens_per_s
from gpusurvey.registry import TABLES
from gpusurvey.reports import figure_words, figures, plotting
from gpusurvey.reports.site.words import KIND_WORDS

MARKERS = {"o": "circle", "^": "triangle", "D": "diamond", "v": "inverted_triangle", "s": "square",
           "P": "plus", "X": "x"}
"""Matplotlib's marker of a figure -> Bokeh's name for the same mark."""
TOOLS = "pan,wheel_zoom,box_zoom,reset,save"
DASHES = ("solid", "dashed", "dotted", "dotdash")
"""Bound lines, one per bytes-per-token value (``plotting.BOUND_STYLES``)."""
HOVER = {"ko": ("GPU", "값", "출처", "종류"), "en": ("GPU", "value", "source", "kind")}


@dataclass(frozen=True)
class ChartInputs:
    """What the charts read: the speed tables by number, the baseline card, the section "since
    the survey"'s points and predictions, and the crowd's votes with Table 7."""

    tables: Mapping[int, pd.DataFrame]
    baseline: str
    points: pd.DataFrame
    predictions: pd.DataFrame
    crowd: tuple[pd.DataFrame, pd.DataFrame] | None = None
    """The crowd's votes and Table 7, where the crowd section is registered."""
    published_bars: Sequence = ()
    """The survey's Figure 1 bars (``data/published/figure1.csv``)."""
    matmul_records: Sequence[tuple[str, object]] = ()
    """(path, record) of the matmul records Figure 1 shows."""
    cpu: object = None
    """This CPU against the survey's cards (``reports.cpu_compare.CpuComparison``), or None."""


def plot(x_label: str, y_label: str, height: int = 380, **kwargs):
    """An empty chart as wide as the page, plain numbers on linear axes (0.002, not 2e-3)."""
    from bokeh.models import BasicTickFormatter
    from bokeh.plotting import figure

    p = figure(sizing_mode="stretch_width", height=height, tools=TOOLS, toolbar_location="right", **kwargs)
    p.xaxis.axis_label, p.yaxis.axis_label = x_label, y_label
    for axis, name in ((p.xaxis, "x"), (p.yaxis, "y")):
        if kwargs.get(f"{name}_axis_type") != "log" and not isinstance(kwargs.get(f"{name}_range"), list):
            axis.formatter = BasicTickFormatter(use_scientific=False)  # a list of factors has no numbers
    p.toolbar.logo = None
    return p


def hover(p, renderers: Sequence, lang: str) -> None:
    """Card, value, source and kind of the point under the pointer; the legend, once its entries
    exist, set small and moved below the plot."""
    from bokeh.models import HoverTool

    words = HOVER[lang]
    p.legend.label_text_font_size = "9pt"
    if p.legend:  # below the plot, where it covers no point on a phone's narrow chart
        p.add_layout(p.legend[0], "below")
        p.height += 22 * len(p.legend[0].items)
    p.add_tools(HoverTool(renderers=list(renderers), tooltips=[
        (words[0], "@gpu"), (words[1], "@value_text"), (words[2], "@source"), (words[3], "@kind")]))


def points(frame: pd.DataFrame, x: str, y: str, kind: str, lang: str, source: Callable[[dict], str],
           value_text: Sequence[str] | None = None):
    """A ColumnDataSource of ``frame``'s points: x, y and the hover's card, value, source, kind."""
    from bokeh.models import ColumnDataSource

    return ColumnDataSource({
        "x": [float(v) for v in frame[x]], "y": [float(v) for v in frame[y]], "gpu": list(frame["gpu"]),
        "value_text": list(value_text) if value_text is not None else [f"{v:g}" for v in frame[y]],
        "source": [source(r) for r in frame.to_dict("records")],
        "kind": [getattr(KIND_WORDS[kind], lang)] * len(frame),
    })


def whiskers(p, base: Sequence, low: Sequence, high: Sequence, color: str = "black",
             dimension: str = "height") -> None:
    """A range drawn as a whisker at each ``base`` (the predictions' range, a card's records)."""
    from bokeh.models import ColumnDataSource, Whisker

    source = ColumnDataSource({"base": list(base), "lo": [float(v) for v in low],
                               "hi": [float(v) for v in high]})
    p.add_layout(Whisker(source=source, base="base", lower="lo", upper="hi", line_color=color,
                         dimension=dimension))
    # Unseen points at both ends, so that the axes' automatic range holds the whole range.
    for end in ("lo", "hi"):
        if dimension == "height":
            p.scatter(x="base", y=end, source=source, alpha=0, size=1)
        else:
            p.scatter(x=end, y="base", source=source, alpha=0, size=1)


def table_points(p, rows: pd.DataFrame, x: str, y: str, text: str, lang: str) -> list:
    """A table's rows as points of ``p``, the published ones as circles and the measured ones as
    triangles (as ``reports.figures`` marks them), the hover showing column ``text``; returns
    the renderers drawn."""
    renderers = []
    for kind, color, marker in (("published", plotting.PUBLISHED_COLOR, "circle"),
                                ("measured", plotting.MEASURED_COLOR, "triangle")):
        part = rows[rows["source"] == kind]
        if not part.empty:
            src = points(part, x, y, kind, lang, table_source, list(part[text].astype(str)))
            renderers.append(p.scatter("x", "y", size=9, color=color, marker=marker,
                                       legend_label=figure_words.TEXT[lang][kind], source=src))
    return renderers


def table_source(row: dict) -> str:
    """A table row's source: the survey's reference, or a measured row's records."""
    key = "reference" if row.get("source") == "published" else "note"
    return str(row.get(key) or "")


def _bar_label(row: dict, lang: str, baseline: str) -> str:
    """A bar's card as the paper's bar chart names it: a dagger for a measured row, the
    baseline's published row marked."""
    name = row["gpu"] + (" †" if row["source"] == "measured" else "")
    if row["gpu"] == baseline and row["source"] == "published":
        name += f" ({figure_words.TEXT[lang]['baseline']})"
    return name


def bars(table: pd.DataFrame, baseline: str, lang: str):
    """One table as horizontal bars in its order: the baseline's published bar highlighted,
    measured bars hatched and daggered, a measured row of several records with its range."""
    words = figure_words.TEXT[lang]
    table = table.assign(label=[_bar_label(r, lang, baseline) for r in table.to_dict("records")],
                         shown=[v if s == "ok" else 0.0 for v, s in zip(table["value"], table["status"],
                                                                           strict=True)])
    p = plot(words[table["unit"].iloc[0]], "", height=90 + 26 * len(table),
             y_range=list(table["label"])[::-1])
    published = table["source"] == "published"
    renderers = []
    for part, kind, color, hatch, legend in (
            (table[published & (table["gpu"] != baseline)], "published", plotting.PUBLISHED_COLOR, " ",
             words["published"]),
            (table[published & (table["gpu"] == baseline)], "published", plotting.BASELINE_COLOR, " ",
             f"{baseline} ({words['baseline']})"),
            (table[~published], "measured", plotting.MEASURED_COLOR, "/", f"† {words['measured']}")):
        if part.empty:
            continue
        src = points(part, "shown", "shown", kind, lang, table_source, list(part["value_text"].astype(str)))
        src.data["label"] = list(part["label"])
        renderers.append(p.hbar(y="label", right="x", height=0.7, color=color, hatch_pattern=hatch,
                                hatch_color="white", source=src, legend_label=legend))
    ranged = table[~published & (table["n_records"].fillna(0) > 1) & (table["status"] == "ok")]
    if not ranged.empty:
        whiskers(p, ranged["label"], ranged["value_min"], ranged["value_max"], dimension="width")
    p.x_range.start = 0
    hover(p, renderers, lang)
    return p


def value_per_dollar(tables: Mapping[int, pd.DataFrame], lang: str):
    """Value per dollar against launch price, one panel per table, with the Pareto front."""
    from bokeh.layouts import column

    words = figure_words.TEXT[lang]
    panels = []
    for number, table in sorted(tables.items()):
        shown = table[(table["status"] == "ok") & table["price_usd"].notna()].reset_index(drop=True)
        p = plot(words["price"], words["per_dollar"].format(unit=table["unit"].iloc[0]), height=320)
        p.title.text = words[TABLES[number].workload]  # as the figure titles its panel
        front = figures.pareto_front(list(zip(shown["price_usd"], shown["value"], strict=True)))
        p.line(list(shown.loc[front, "price_usd"]), list(shown.loc[front, "value_per_dollar"].astype(float)),
               color=plotting.FRONT_COLOR, line_width=2, legend_label=words["front"])
        hover(p, table_points(p, shown, "price_usd", "value_per_dollar", "value_per_dollar", lang), lang)
        panels.append(p)
    return column(*panels, sizing_mode="stretch_width")


def roofline_plot(table: pd.DataFrame, lang: str, span: tuple[float, float] | None = None):
    """Table 5's tokens/s against memory bandwidth (log-log) with the bandwidth bound for each
    bytes per token of the table, over ``span`` (GB/s; default: the table's cards). Returns the
    chart and its point renderers (for the hover)."""
    words = figure_words.TEXT[lang]
    ok = table[table["status"] == "ok"]
    p = plot(words["bandwidth"], words["decode"], x_axis_type="log", y_axis_type="log", height=420)
    bandwidth = table["memory_bandwidth_gbs"]
    xs = span or (float(bandwidth.min()) * 0.8, float(bandwidth.max()) * 1.15)
    for i, per_token in enumerate(sorted(table["bytes_per_token"].dropna().unique())):
        p.line(list(xs), [bound_tokens_per_s(x, per_token) for x in xs], color=plotting.BASELINE_COLOR,
               line_width=2, line_dash=DASHES[i % len(DASHES)],
               legend_label=words["bound"].format(gb=per_token / 1e9))
    return p, table_points(p, ok, "memory_bandwidth_gbs", "value", "value_text", lang)


def roofline(table: pd.DataFrame, lang: str):
    p, renderers = roofline_plot(table, lang)
    hover(p, renderers, lang)
    return p
