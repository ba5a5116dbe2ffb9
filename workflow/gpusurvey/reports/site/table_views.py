"""Every table of the page from the CSVs the pipeline wrote: the product lists (one row per
card), the speed tables (published and measured rows), the results published since the survey
(each linking its sources in ``data/literature.csv``), the predictions (italics, their range on
hover), the predictions' leave-one-out error, and a section's own table (its CSV's columns)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from gpusurvey.inputs.gpus import GpuCatalog
from gpusurvey.inputs.literature import LiteratureRow, comparable_rows
from gpusurvey.registry import Table
from gpusurvey.reports import perf_tables, spec_tables
from gpusurvey.reports.predictions import SURVEY, software_label
from gpusurvey.reports.site.views import CardFacts, Cell, Column, Row, TableView, Text, number
from gpusurvey.reports.site.words import PAGE, pred

DATE_FIELDS = ("launch_date",)
TEXT_FIELDS = ("codename", "launch_date")


def card_facts(gpus: GpuCatalog) -> dict[str, CardFacts]:
    """Series, memory and launch price of every card of ``data/gpus.csv``, for the filters."""

    def num(value):
        return None if pd.isna(value) else float(value)

    return {
        gpu: CardFacts(str(row["series"]), num(row["memory_gb"]), num(row["launch_price_usd"]))
        for gpu, row in gpus.table.iterrows()
    }


def _gpu_cell(gpu: str, mark: str = "") -> Cell:
    return Cell(gpu + mark, gpu)


def spec_view(spec: Table, csv: pd.DataFrame, gpus: GpuCatalog, title: Text, href: str) -> TableView:
    """A product list (Tables 1-2, the RTX 50 table), turned so that each card is a row: the
    survey prints one column per card, but a row per card is what sorts and filters."""
    fields = list(csv.index)
    columns = [Column("gpu", Text.of("GPU"))] + [
        Column(
            f,
            Text(spec_tables.field_label(f, "ko"), spec_tables.field_label(f, "en")),
            numeric=f not in TEXT_FIELDS,
        )
        for f in fields
    ]
    rows = []
    for gpu in csv.columns:
        cells = {"gpu": _gpu_cell(gpu)}
        for f in fields:
            shown = csv.at[f, gpu]
            raw = gpus.table.at[gpu, f] if f in gpus.table.columns else None
            if pd.isna(shown):
                cells[f] = Cell(Text(spec_tables.UNKNOWN["ko"], spec_tables.UNKNOWN["en"]), None)
            elif f in DATE_FIELDS or f not in TEXT_FIELDS and raw is not None and not pd.isna(raw):
                cells[f] = Cell(str(shown), str(raw) if f in DATE_FIELDS else float(raw))
            else:
                cells[f] = Cell(str(shown), str(shown))
        rows.append(Row("spec", cells, gpu))
    return TableView(f"table{spec.number}", title, columns, rows, href)


def perf_view(spec: Table, csv: pd.DataFrame, baseline: str, title: Text, href: str) -> TableView:
    """A speed table (Tables 3-5) with the paper's columns, the source of each row added:
    the survey's reference for a published row, the records' description for a measured one."""
    unit = csv["unit"].iloc[0]
    words = perf_tables._HEADERS  # the fragments' own headers
    both = {lang: words[lang] for lang in ("ko", "en")}
    columns = [
        Column("gpu", Text.of("GPU")),
        Column("value", Text(both["ko"][unit], both["en"][unit]), numeric=True),
        Column("price", Text(both["ko"]["price"], both["en"]["price"]), numeric=True),
        Column(
            "per_dollar",
            Text(both["ko"]["per_dollar"].format(unit=unit), both["en"]["per_dollar"].format(unit=unit)),
            numeric=True,
        ),
        Column(
            "relative",
            Text(both["ko"]["relative"].format(base=baseline), both["en"]["relative"].format(base=baseline)),
            numeric=True,
        ),
    ]
    if spec.compute_setting:
        columns.append(
            Column("efficiency", Text(both["ko"]["efficiency"], both["en"]["efficiency"]), numeric=True)
        )
    columns.append(Column("source", PAGE["source"]))
    rows = []
    for r in csv.to_dict("records"):
        measured = r["source"] == "measured"
        ok = r["status"] == "ok"
        value = Cell(
            str(r["value_text"]),
            float(r["value"]) if ok else None,
            hover=str(r["note"]) if measured and isinstance(r["note"], str) else None,
        )
        cells = {
            "gpu": _gpu_cell(r["gpu"], " †" if measured else ""),
            "value": value,
            "price": number(r["price_usd"]),
            "per_dollar": _as_printed(r["value_per_dollar"]),
            "relative": _as_printed(r["relative_to_baseline"]),
            "source": Cell(str(r["reference"]) if isinstance(r["reference"], str) else ""),
        }
        if spec.compute_setting:
            eff = r.get("efficiency")
            cells["efficiency"] = number(None if pd.isna(eff) else eff * 100, 1)
        rows.append(Row("measured" if measured else "published", cells, r["gpu"]))
    return TableView(f"table{spec.number}", title, columns, rows, href)


PRINTED = {
    "value_text": str,
    "value_per_dollar": str,
    "relative_to_baseline": str,
    "reference": str,
    "note": str,
}
"""Columns of a speed table's CSV read as text: the survey's printing (``0.0220``) kept."""


def _as_printed(value) -> Cell:
    """A derived column as the table prints it (``0.0220``, ``3.25``), sorted by its number."""
    if value is None or pd.isna(value):
        return Cell("", None)
    return Cell(str(value), float(value))


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
    survey's value on the same card, each with links to its sources."""
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
        links = sources(literature, r.workload, r.gpu, r.software)
        rows.append(
            Row(
                "later",
                {
                    "gpu": _gpu_cell(r.gpu),
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
                    "gpu": _gpu_cell(r.gpu),
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


def section_view(
    spec: Table, csv: pd.DataFrame, kind: str, labels: Mapping[str, Text], title: Text, href: str
) -> TableView:
    """A section's own table (``Table.section``) as its CSV holds it: one column per CSV column,
    labelled by the section's words where it has them, every row of the section's ``kind``."""
    columns = [
        Column(c, labels.get(c, Text.of(c)), numeric=pd.api.types.is_numeric_dtype(csv[c]))
        for c in csv.columns
    ]
    rows = []
    for r in csv.to_dict("records"):
        cells = {
            c.key: number(r[c.key], None) if c.numeric else Cell(str(r[c.key]), str(r[c.key]))
            for c in columns
        }
        gpu = r.get("gpu")
        rows.append(Row(kind, cells, gpu if isinstance(gpu, str) else None))
    return TableView(spec.name, title, columns, rows, href)
