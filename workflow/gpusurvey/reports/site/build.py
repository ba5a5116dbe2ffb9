"""The site from the pipeline's outputs: every registered table (``registry.TABLES``) read from
its CSV and shown by its kind (product list, speed table, a section's own table), the section
"since the survey" (later results with their sources, predictions, their error), every figure
of the papers (interactive where ``charts.CHARTS`` redraws it), the links and the provenance.

Every input is read and checked before the page is written; a table a section adds to the
registry appears by itself, labelled by the paper's caption when the papers print it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gpusurvey.inputs.gpus import load_gpus
from gpusurvey.inputs.literature import load_literature
from gpusurvey.inputs.measurements import load_all, workload_records
from gpusurvey.inputs.published import load_published_figure
from gpusurvey.registry import FIGURES, LANGS, MATMUL, PAGES, TABLES, Table
from gpusurvey.reports import crowd_table
from gpusurvey.reports.cpu_compare import load_comparison
from gpusurvey.reports.site import charts, fit_form, since_charts, since_views, table_views
from gpusurvey.reports.site.captions import Captions, read_captions
from gpusurvey.reports.site.page import Figure, Links, page_html, provenance, write_page
from gpusurvey.reports.site.views import TableView, Text
from gpusurvey.reports.site.words import DESKTOP_COLUMNS, FIT_COLUMNS, FORMAT_COLUMNS, PAGE

SECTION_KINDS = {"crowd": "crowd", "fit": "model", "cpu": "predicted", "formats": "measured"}
"""The kind of evidence a section's own table holds (``views.KINDS``)."""
SECTION_LABELS = {"crowd": table_views.section_labels(crowd_table.WORDS), "fit": FIT_COLUMNS,
                  "cpu": DESKTOP_COLUMNS, "formats": FORMAT_COLUMNS}
"""A section table's column labels: the words its LaTeX fragment heads its columns with."""


@dataclass(frozen=True)
class SiteInputs:
    """The files the page reads, by role (the site rule's inputs)."""

    tables: Mapping[int, str]
    """Registered table number -> its CSV."""
    gpus: str
    literature: str
    since: Mapping[str, str]
    """``points``, ``predictions``, ``loo_summary`` CSVs of the section "since the survey"."""
    editions: Mapping[str, str]
    """Language -> ``paper/<lang>/survey.tex`` (the captions)."""
    data: Sequence[str]
    """Committed data files the page is built from (linked, their checksums shown)."""
    notebooks: Sequence[str]
    baseline: str
    crowd_votes: str | None = None
    """``results/crowd/votes.csv``: each submitter's median per card (the crowd's figure)."""
    fit_answers: str | None = None
    """``results/fit/answers.json``: what fits, precomputed (``site.fit_answers``)."""
    figure1: str | None = None
    """``data/published/figure1.csv``: the survey's matrix-product bars (Figure 1)."""
    matmul_records: Sequence[str] = ()
    """The matmul records Figure 1 shows (those of ``profiles``)."""
    cpu_records: Sequence[str] = ()
    """The committed CPU records (the "without a GPU" figure)."""
    profiles: Sequence[str] = ("full",)
    """Profiles whose records the figures show (``tables.profiles``)."""


def _title(captions: Captions, path: str, fallback: Text, number: int | None = None) -> Text:
    """The paper's caption of the fragment at ``path`` (``Table N. ...``), else ``fallback``."""
    number = captions.table_numbers.get(path, number)
    texts = {lang: captions.table(path, lang) or getattr(fallback, lang) for lang in ("ko", "en")}
    if number is not None:
        texts = {lang: f"{getattr(PAGE['table'], lang)} {number}. {t}" for lang, t in texts.items()}
    return Text(texts["ko"], texts["en"])


def _href(path: str) -> str:
    return f"../../{path}"


def table_view(spec: Table, csv_path: str, gpus, captions: Captions, baseline: str) -> TableView:
    """Table ``spec.number`` as the page shows it, from its CSV."""
    stem = f"results/tables/{spec.name}"
    title = _title(captions, stem, Text(f"표 {spec.number}", f"Table {spec.number}"), spec.number)
    href = _href(f"{stem}.csv")
    if spec.section is not None:
        kind = SECTION_KINDS.get(spec.section, "published")
        labels = SECTION_LABELS.get(spec.section, {})
        return table_views.section_view(spec, pd.read_csv(csv_path), kind, labels, title, href)
    if spec.workload is None:
        return table_views.spec_view(
            spec, pd.read_csv(csv_path, index_col="field", dtype=str), gpus, title, href
        )
    return table_views.perf_view(
        spec, pd.read_csv(csv_path, dtype=table_views.PRINTED), baseline, title, href
    )


def _paper_number(captions: Captions, view: TableView) -> int:
    """Where a table stands in the papers (by its CSV's fragment); one they do not print goes last."""
    stem = view.csv.removeprefix("../../").removesuffix(".csv") if view.csv else ""
    stem = {
        "results/since/points": "results/since/comparison",
        "results/since/loo_summary": "results/since/loo",
    }.get(stem, stem)
    return captions.table_numbers.get(stem, len(captions.table_numbers) + 1)


def since_tables(inputs: SiteInputs, gpus, captions: Captions) -> list[TableView]:
    """The later results (with their sources), the predictions and their leave-one-out error."""
    points = pd.read_csv(inputs.since["points"])
    literature = load_literature(inputs.literature, gpus)
    return [
        since_views.later_view(
            points,
            literature,
            "since-later",
            _title(captions, "results/since/comparison", PAGE["later_title"]),
            _href("results/since/points.csv"),
        ),
        since_views.predictions_view(
            pd.read_csv(inputs.since["predictions"]),
            "since-predictions",
            _title(captions, "results/since/predictions", PAGE["since"]),
            _href("results/since/predictions.csv"),
        ),
        since_views.loo_view(
            pd.read_csv(inputs.since["loo_summary"]),
            "since-loo",
            _title(captions, "results/since/loo", PAGE["since"]),
            _href("results/since/loo_summary.csv"),
        ),
    ]


def figures(inputs: SiteInputs, captions: Captions) -> list[tuple[Figure, int | None]]:
    """Every registered figure of the papers, with its chart where one
    redraws it, in the papers' order."""
    speed = {
        t.number: pd.read_csv(inputs.tables[t.number], dtype={"value_text": str})
        for t in TABLES.values()
        if t.workload is not None
    }
    crowd = [t for t in TABLES.values() if t.section == "crowd"]
    chart_inputs = charts.ChartInputs(
        speed,
        load_gpus(inputs.gpus).resolve(inputs.baseline) or inputs.baseline,
        pd.read_csv(inputs.since["points"]),
        pd.read_csv(inputs.since["predictions"]),
        crowd=(pd.read_csv(inputs.crowd_votes), pd.read_csv(inputs.tables[crowd[0].number]))
        if crowd and inputs.crowd_votes
        else None,
        published_bars=load_published_figure(inputs.figure1) if inputs.figure1 else (),
        matmul_records=workload_records(load_all(inputs.matmul_records), MATMUL, inputs.profiles),
        cpu=load_comparison(inputs.cpu_records, inputs.tables[3], inputs.tables[5]),
    )
    items = since_charts.chart_items(chart_inputs, LANGS)
    registered = list(FIGURES)
    names = sorted(
        registered, key=lambda n: (captions.figure_numbers.get(n, len(registered)), registered.index(n))
    )
    out = []
    for name in names:
        title = Text(captions.figure(name, "ko") or name, captions.figure(name, "en") or name)
        out.append((Figure(name, title, items.get(name)), captions.figure_numbers.get(name)))
    return out


def build_site(inputs: SiteInputs, outputs: Mapping[str, str | os.PathLike]) -> int:
    """Write the page and its assets (``outputs``: ``page``, ``bokeh``); returns their size."""
    gpus = load_gpus(inputs.gpus)
    captions = read_captions(inputs.editions)
    views = [
        table_view(spec, inputs.tables[n], gpus, captions, inputs.baseline)
        for n, spec in sorted(TABLES.items())
    ]
    views += since_tables(inputs, gpus, captions)
    views.sort(key=lambda v: _paper_number(captions, v))
    links = Links(
        papers={lang: f"published/paper/survey-{lang}.pdf" for lang in ("en", "ko")},
        notebooks=list(inputs.notebooks),
        data=list(inputs.data),
        checksums="published/SHA256SUMS",
    )
    extra, data = "", {}
    if inputs.fit_answers:
        answers = json.loads(Path(inputs.fit_answers).read_text(encoding="utf-8"))
        extra, data = fit_form.fit_html(answers), {"fit-data": answers, "fit-words": fit_form.WORDS}
    html = page_html(views, figures(inputs, captions), table_views.card_facts(gpus), links,
                     provenance(inputs.data), extra, data)
    return write_page(html, outputs, PAGES["index"].max_bytes)
