"""The registered tables as the page shows them, from the CSVs the pipeline wrote: the product
lists (one row per card), the speed tables (published and measured rows) and a section's own
table (its CSV's columns); the section "since the survey"'s tables are in ``site.since_views``."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gpusurvey.inputs.gpus import GpuTable
from gpusurvey.registry import Table
from gpusurvey.reports import perf_tables, spec_tables
from gpusurvey.reports.site.views import KINDS, CardFacts, Cell, Column, Row, TableView, Text, number
from gpusurvey.reports.site.words import PAGE

DATE_FIELDS = ("launch_date",)
TEXT_FIELDS = ("codename", "launch_date")


def card_facts(gpus: GpuTable) -> dict[str, CardFacts]:
    """Series, memory and launch price of every card of ``data/gpus.csv``, for the filters."""

    def num(value):
        return None if pd.isna(value) else float(value)

    return {
        gpu: CardFacts(str(row["series"]), num(row["memory_gb"]), num(row["launch_price_usd"]))
        for gpu, row in gpus.table.iterrows()
    }


def gpu_cell(gpu: str, mark: str = "") -> Cell:
    return Cell(gpu + mark, gpu)


def spec_view(spec: Table, csv: pd.DataFrame, gpus: GpuTable, title: Text, href: str) -> TableView:
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
        cells = {"gpu": gpu_cell(gpu)}
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
    words = perf_tables.HEADERS  # the fragments' own headers
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
            "gpu": gpu_cell(r["gpu"], " †" if measured else ""),
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


def section_labels(words: Mapping[str, Mapping[str, str]]) -> dict[str, Text]:
    """A section's column labels from its fragment's words (``{lang: {key: word}}``): a column is
    labelled by the word of its name, or of its name less ``_median`` (any case)."""
    return {key.lower(): Text(words["ko"][key], words["en"][key]) for key in words.get("en", {})}


def _label(labels: Mapping[str, Text], column: str) -> Text:
    for key in (column.lower(), column.lower().removesuffix("_median")):
        if key in labels:
            return labels[key]
    return Text.of(column)


INTERVAL = ("predicted_low", "predicted_high")
"""A section table's columns that bound its predicted value (shown on hover, not as columns)."""


def _section_cell(value, numeric: bool) -> Cell:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return Cell("", None)
    if numeric:
        return Cell(f"{float(value):.4g}", float(value))
    return Cell(str(value), str(value))


def section_view(spec: Table, csv: pd.DataFrame, kind: str, labels: Mapping[str, Text], title: Text,
                 href: str) -> TableView:
    """A section's own table (``Table.section``) as its CSV holds it: one column per CSV column,
    labelled by the section's words where it has them, numbers to 4 significant digits. A row's
    ``kind`` (or ``source``) column (``views.KINDS``) sets its kind, else the section's ``kind``;
    a predicted column (``predicted...``) is in italics with ``predicted_low``-``predicted_high``
    on hover."""
    shown = [c for c in csv.columns if c != "kind" and c not in INTERVAL]
    columns = [Column(c, _label(labels, c), numeric=pd.api.types.is_numeric_dtype(csv[c])) for c in shown]
    ranged = all(c in csv.columns for c in INTERVAL)
    rows = []
    for r in csv.to_dict("records"):
        cells = {c.key: _section_cell(r[c.key], c.numeric) for c in columns}
        for c in columns:
            if c.key.startswith("predicted") and cells[c.key].sort is not None:
                span = f"{r[INTERVAL[0]]:.4g}–{r[INTERVAL[1]]:.4g}" if ranged else None
                hover = Text(f"{PAGE['range'].ko}: {span}", f"{PAGE['range'].en}: {span}") if span else None
                cells[c.key] = Cell(cells[c.key].text, cells[c.key].sort, italic=True, hover=hover)
        # A row's own kind: its ``kind`` column, or a ``source`` that names one (the formats
        # table's measured and model rows).
        own = r.get("kind", r.get("source"))
        row_kind = own if own in KINDS else kind
        gpu = r.get("gpu")
        rows.append(Row(row_kind, cells, gpu if isinstance(gpu, str) else None))
    return TableView(spec.name, title, columns, rows, href)
