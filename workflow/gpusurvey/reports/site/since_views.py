"""The section "since the survey" as tables of the page: the results published later, one per
card, software and workload, each linking the sources in ``data/literature.csv`` it is the
median of; the predictions (italics, their range on hover); their leave-one-out error."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from gpusurvey.inputs.literature import LiteratureRow, comparable_rows
from gpusurvey.reports.crowd_points import CROWD
from gpusurvey.reports.prediction_fragments import software_label
from gpusurvey.reports.predictions import SURVEY
from gpusurvey.reports.site.table_views import gpu_cell
from gpusurvey.reports.site.views import Cell, Column, Row, TableView, Text, number
from gpusurvey.reports.site.words import PAGE, pred

_URL = re.compile(r"https?://\S+")


def sources(rows: Sequence[LiteratureRow], workload: str, gpu: str, software: str) -> tuple:
    """(title, address) of the literature rows a later point is the median of."""
    found = {}
    for row in comparable_rows(list(rows), workload):
        if row.gpu == gpu and row.software_group == software:
            url = _URL.search(row.source)
            if url:
                found.setdefault(url.group(0).rstrip(").,"), row.source_title)
    return tuple((title, url) for url, title in found.items())


def later_view(
    points: pd.DataFrame, literature: Sequence[LiteratureRow], anchor: str, title: Text, href: str
) -> TableView:
    """The results published since the survey, one per card, software and workload, beside the
    survey's value on the same card, each with links to its sources; the crowd's medians (a
    software group of their own) as crowd statistics, linked to the crowd's table."""
    survey = {(r.workload, r.gpu): r.value for r in points.itertuples() if r.software == SURVEY}
    columns = [
        Column("gpu", Text.of("GPU")),
        Column("workload", PAGE["workload"]),
        Column("software", pred("software")),
        Column("value", PAGE["value"], numeric=True),
        Column("survey", PAGE["survey_value"], numeric=True),
        Column("bound", pred("bound"), numeric=True),
        Column("efficiency", PAGE["efficiency"], numeric=True),
        Column("source", PAGE["source"]),
    ]
    rows = []
    for r in points[points["software"] != SURVEY].itertuples():
        crowd = r.software == CROWD  # Table 7's median: crowd statistics, its source the crowd's table
        links = (("crowd: results/tables/table7.csv", "#table7"),) if crowd else sources(
            literature, r.workload, r.gpu, r.software)
        rows.append(
            Row(
                "crowd" if crowd else "later",
                {
                    "gpu": gpu_cell(r.gpu),
                    "workload": Cell(pred(r.workload), r.workload),
                    "software": Cell(r.software, r.software),
                    "value": number(r.value, 2),
                    "survey": number(survey.get((r.workload, r.gpu))),
                    "bound": number(r.bound, 1),
                    "efficiency": number(r.efficiency * 100, 0),
                    "source": Cell(f"n={r.n_rows}", r.n_rows, links=links),
                },
                r.gpu,
            )
        )
    return TableView(anchor, title, columns, rows, href)


def predictions_view(preds: pd.DataFrame, anchor: str, title: Text, href: str) -> TableView:
    """Every prediction: the card's bound and the predicted value in italics, its range (the
    bound times the least and greatest efficiency of its basis) on hover."""
    columns = [
        Column("gpu", Text.of("GPU")),
        Column("series", PAGE["series_col"]),
        Column("workload", PAGE["workload"]),
        Column("software", pred("software")),
        Column("bound", pred("bound"), numeric=True),
        Column("predicted", pred("predicted"), numeric=True),
        Column("per_dollar", PAGE["per_dollar"], numeric=True),
    ]
    rows = []
    for r in preds.itertuples():
        if pd.isna(r.predicted):
            value = Cell(pred("unknown"), None)
            per_dollar = Cell("", None)
        else:
            span = f"{r.predicted_low:g}–{r.predicted_high:g}"
            value = Cell(
                f"{r.predicted:g}",
                float(r.predicted),
                italic=True,
                hover=Text(f"{PAGE['range'].ko}: {span}", f"{PAGE['range'].en}: {span}"),
            )
            per_dollar = number(r.value_per_dollar, 4)
            per_dollar = Cell(per_dollar.text, per_dollar.sort, italic=per_dollar.sort is not None)
        rows.append(
            Row(
                "predicted",
                {
                    "gpu": gpu_cell(r.gpu),
                    "series": Cell(str(r.series), str(r.series)),
                    "workload": Cell(pred(r.workload), r.workload),
                    "software": Cell(
                        Text(software_label(r.software, "ko"), software_label(r.software, "en")), r.software
                    ),
                    "bound": number(r.bound, 1) if not pd.isna(r.bound) else Cell(pred("unknown"), None),
                    "predicted": value,
                    "per_dollar": per_dollar,
                },
                r.gpu,
            )
        )
    return TableView(anchor, title, columns, rows, href)


def loo_view(summary: pd.DataFrame, anchor: str, title: Text, href: str) -> TableView:
    """The leave-one-out error of the predictions by workload and software."""
    columns = [
        Column("workload", PAGE["workload"]),
        Column("software", pred("software")),
        Column("cards", pred("cards"), numeric=True),
        Column("median", pred("median"), numeric=True),
        Column("max", pred("max"), numeric=True),
    ]
    rows = []
    for r in summary.itertuples():
        label = (
            pred("all")
            if r.software == "all"
            else Text(software_label(r.software, "ko"), software_label(r.software, "en"))
        )
        rows.append(
            Row(
                "model",
                {
                    "workload": Cell(pred(r.workload), r.workload),
                    "software": Cell(label, r.software),
                    "cards": number(r.n_cards),
                    "median": _percent(r.median_error),
                    "max": _percent(r.max_error),
                },
            )
        )
    return TableView(anchor, title, columns, rows, href)


def _percent(value) -> Cell:
    cell = number(value * 100, 0)
    return Cell(f"{cell.text} %", cell.sort)
