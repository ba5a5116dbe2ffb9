"""The section "since the survey"'s figures as interactive charts, with the marks of
``reports.since_figures``: Table 5's roofline with every later software's points and the RTX 50
series predicted with today's fastest decoder (hollow, its range as a whisker), and value per
dollar today; then every chart of the page by the figure it redraws (``CHARTS``)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG
from gpusurvey.reports import figure_words, plotting, since_figures
from gpusurvey.reports.predictions import SERIES, SURVEY, WORKLOAD_TABLES, predicting_software
from gpusurvey.reports.site import crowd_chart, measured_charts
from gpusurvey.reports.site.charts import (
    MARKERS,
    ChartInputs,
    bars,
    hover,
    plot,
    points,
    roofline,
    roofline_plot,
    value_per_dollar,
    whiskers,
)


def _style(software: str) -> tuple[str, str]:
    """The colour and marker of a software group, as the paper's figures draw it."""
    return since_figures.SOFTWARE_STYLES.get(software, since_figures.OTHER_STYLE)


def later_source(row: dict) -> str:
    return row["software"] if row["software"] != SURVEY else "survey"


def predicted_source(unit: str) -> Callable[[dict], str]:
    return lambda row: f"{row['software']}: {row['predicted_low']:g}–{row['predicted_high']:g} {unit}"


def of_series(predicted: pd.DataFrame, workload: str, software: str) -> pd.DataFrame:
    """The predictions for the RTX 50 series with ``software`` that have a value."""
    return predicted[(predicted["workload"] == workload) & (predicted["software"] == software)
                     & (predicted["series"] == SERIES) & predicted["predicted"].notna()]


def roofline_since(table5: pd.DataFrame, pts: pd.DataFrame, predicted: pd.DataFrame, lang: str):
    """Table 5's roofline, the bound over every card shown, the later software's points (one
    mark per software) and the RTX 50 series predicted with today's fastest decoder."""
    text = since_figures.TEXT[lang]
    later = pts[(pts["workload"] == LLM_DECODE) & (pts["software"] != SURVEY)]
    best = predicting_software(pts, LLM_DECODE)
    mine = of_series(predicted, LLM_DECODE, best)
    bandwidths = pd.concat([table5["memory_bandwidth_gbs"], later["memory_bandwidth_gbs"],
                            mine["memory_bandwidth_gbs"]])
    span = (float(bandwidths.min()) * 0.8, float(bandwidths.max()) * 1.25)
    p, renderers = roofline_plot(table5, lang, span)
    names, counts = sorted(later["software"].unique()), later["gpu"].value_counts()
    for i, software in enumerate(names):
        part = later[later["software"] == software]
        color, marker = _style(software)
        # Several results on one card spread sideways, as the paper's figure spreads them.
        shift = (1 + since_figures.DODGE) ** (i - (len(names) - 1) / 2)
        bandwidth = part["memory_bandwidth_gbs"]
        part = part.assign(x=bandwidth.where(part["gpu"].map(counts) <= 1, bandwidth * shift))
        src = points(part, "x", "value", "later", lang, later_source)
        renderers.append(p.scatter("x", "y", size=9, color=color, marker=MARKERS[marker], source=src,
                                   legend_label=text["later"].format(software=software)))
    if not mine.empty:
        color, marker = _style(best)
        whiskers(p, mine["memory_bandwidth_gbs"], mine["predicted_low"], mine["predicted_high"], color)
        src = points(mine, "memory_bandwidth_gbs", "predicted", "predicted", lang,
                     predicted_source("tokens/s"))
        renderers.append(p.scatter("x", "y", size=10, marker=MARKERS[marker], fill_color=None,
                                   line_color=color, line_width=2, source=src,
                                   legend_label=text["predicted"].format(software=best, series=SERIES)))
    hover(p, renderers, lang)
    return p


def value_per_dollar_today(pts: pd.DataFrame, predicted: pd.DataFrame, lang: str):
    """Value per dollar against launch price per workload: the survey's cards, those measured
    with today's fastest software (filled) and the RTX 50 series predicted with it (hollow)."""
    from bokeh.layouts import column

    text, words = since_figures.TEXT[lang], figure_words.TEXT[lang]
    panels = []
    for workload in WORKLOAD_TABLES:
        unit = "it/s" if workload == SD_TXT2IMG else "tokens/s"
        best = predicting_software(pts, workload)
        color, marker = _style(best)
        mine = pts[(pts["workload"] == workload) & pts["price_usd"].notna()]
        mine = mine.assign(per_dollar=mine["value"] / mine["price_usd"])
        p = plot(words["price"], words["per_dollar"].format(unit=unit), height=340)
        p.title.text = text[workload]
        renderers = []
        for part, kind, (shade, mark), label in (
                (mine[mine["software"] == SURVEY], "published", (plotting.PUBLISHED_COLOR, "circle"),
                 text["survey"]),
                (mine[mine["software"] == best], "later", (color, MARKERS[marker]),
                 text["later"].format(software=best))):
            src = points(part, "price_usd", "per_dollar", kind, lang, later_source,
                         [f"{v:.4f}" for v in part["per_dollar"]])
            renderers.append(p.scatter("x", "y", size=9, color=shade, marker=mark, legend_label=label,
                                       source=src))
        pred = of_series(predicted, workload, best)
        pred = pred.assign(per_dollar=pred["predicted"] / pred["price_usd"])
        whiskers(p, pred["price_usd"], pred["predicted_low"] / pred["price_usd"],
                 pred["predicted_high"] / pred["price_usd"], color)
        src = points(pred, "price_usd", "per_dollar", "predicted", lang, predicted_source(unit),
                     [f"{v:.4f}" for v in pred["per_dollar"]])
        renderers.append(p.scatter("x", "y", size=10, marker=MARKERS[marker], fill_color=None,
                                   line_color=color, line_width=2, source=src,
                                   legend_label=text["predicted"].format(software=best, series=SERIES)))
        hover(p, renderers, lang)
        panels.append(p)
    return column(*panels, sizing_mode="stretch_width")


CHARTS: dict[str, Callable[[ChartInputs, str], object]] = {
    "table3_bars": lambda i, lang: bars(i.tables[3], i.baseline, lang),
    "table4_bars": lambda i, lang: bars(i.tables[4], i.baseline, lang),
    "table5_bars": lambda i, lang: bars(i.tables[5], i.baseline, lang),
    "value_per_dollar": lambda i, lang: value_per_dollar({n: i.tables[n] for n in (3, 4, 5)}, lang),
    "roofline": lambda i, lang: roofline(i.tables[5], lang),
    "roofline_since": lambda i, lang: roofline_since(i.tables[5], i.points, i.predictions, lang),
    "value_per_dollar_today": lambda i, lang: value_per_dollar_today(i.points, i.predictions, lang),
    "crowd_distributions": lambda i, lang: crowd_chart.distributions(*i.crowd, lang) if i.crowd else None,
    "figure1_matmul": lambda i, lang: measured_charts.matmul(i.published_bars, i.matmul_records, lang),
    "cpu_workloads": lambda i, lang: measured_charts.cpu_workloads(i.cpu, lang),
}
"""Interactive charts by the figure they redraw (``results/figures/<name>``); one whose inputs
the build lacks draws None."""


def chart_items(inputs: ChartInputs, langs: tuple[str, ...]) -> dict[str, dict[str, dict]]:
    """Every chart in every language as Bokeh's JSON (``{figure: {lang: item}}``)."""
    from bokeh.embed import json_item

    drawn = {name: {lang: draw(inputs, lang) for lang in langs} for name, draw in CHARTS.items()}
    return {name: {lang: json_item(chart) for lang, chart in charts.items()}
            for name, charts in drawn.items() if None not in charts.values()}
