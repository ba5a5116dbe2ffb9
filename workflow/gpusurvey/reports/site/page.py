"""The page: ``results/site/index.html`` and the BokehJS it runs, copied from Bokeh's wheel.

Everything the page shows is in the HTML: the tables as HTML tables (readable without script),
the charts as Bokeh's JSON, the page's script and style inlined. It makes no network request:
the one other file is ``bokeh.min.js`` beside it. Links (the PDFs, notebooks, data files,
``SHA256SUMS``) are relative to the repository root as ``../../<path>``, so they resolve from
``results/site/`` in a checkout and in the pages artifact, which keeps that layout
(docs/site.md). The page and its assets together may not exceed ``Page.max_bytes``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from gpusurvey.core import atomic
from gpusurvey.reports.site.views import TableView, Text, table_html
from gpusurvey.reports.site.words import KIND_LEGEND, PAGE

STATIC = Path(__file__).resolve().parent / "static"
ROOT = "../.."
"""The repository root as seen from ``results/site/index.html``."""


@dataclass(frozen=True)
class Figure:
    """One figure of the page: its name, caption and, where it has one, its interactive chart
    (``{lang: Bokeh JSON}``); otherwise its PNGs are linked."""

    name: str
    title: Text
    chart: Mapping[str, dict] | None = None


@dataclass(frozen=True)
class Links:
    """What the page links to, as paths relative to the repository root."""

    papers: Mapping[str, str]
    notebooks: Sequence[str]
    data: Sequence[str]
    checksums: str
    figures: str = "results/figures"


@dataclass(frozen=True)
class Provenance:
    commit: str
    data: Mapping[str, str] = field(default_factory=dict)
    """Data file -> the first 12 hex digits of its SHA-256."""

    @property
    def short(self) -> str:
        """The commit's first 12 hex digits (and ``+ changes``), or what stands for it."""
        head, _, rest = self.commit.partition(" ")
        return f"{head[:12]} {rest}".strip() if len(head) == 40 else self.commit


def provenance(data_files: Sequence[str | os.PathLike], root: str | os.PathLike = ".") -> Provenance:
    """The commit the page is built from (``+ changes`` when the checkout differs from it) and
    the checksum of every data file it reads."""

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
        except OSError:
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = git("rev-parse", "HEAD") or "unknown (not a git checkout)"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " + changes"
    sums = {
        str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest()[:12] for p in sorted(map(str, data_files))
    }
    return Provenance(commit, sums)


def _href(path: str) -> str:
    return escape(f"{ROOT}/{path}", quote=True)


def _figure_html(fig: Figure, links: Links, number: int | None) -> str:
    head = f"{PAGE['figure'].html()} {number}. " if number else ""
    if fig.chart:
        body = "".join(
            f'<div class="chart {lang}" data-chart="{fig.name}" data-lang="{lang}"></div>'
            for lang in fig.chart
        )
    else:
        images = " ".join(
            f'<a href="{_href(f"{links.figures}/{fig.name}.{lang}.png")}">{lang.upper()} PNG</a>'
            for lang in ("en", "ko")
        )
        body = f'<p class="note">{PAGE["static"].html()}: {images}</p>'
    return f'<figure id="fig-{fig.name}"><figcaption>{head}{fig.title.html()}</figcaption>{body}</figure>'


def _words(key: str, attr: str = "") -> str:
    """``data-en``/``data-ko`` attributes (or ``data-placeholder-*``) the script swaps on a switch."""
    text = PAGE[key]
    return f'data{attr}-en="{escape(text.en, quote=True)}" data{attr}-ko="{escape(text.ko, quote=True)}"'


def _select(element_id: str, label: str, options: Sequence[tuple[str, str]]) -> str:
    items = "".join(f'<option value="{escape(v, quote=True)}">{escape(t)}</option>' for v, t in options)
    return (f'<label>{PAGE[label].html()} <select id="{element_id}">'
            f'<option value="" {_words("any")}>{PAGE["any"].en}</option>{items}</select></label>')


def _price(element_id: str, key: str) -> str:
    return (f'<input id="{element_id}" type="number" min="0" step="50" inputmode="numeric" '
            f'placeholder="{PAGE[key].en}" {_words(key, "-placeholder")}>')


def _filters_html(series: Sequence[str], memory: Sequence[float]) -> str:
    return (
        f'<section id="filters" aria-label="filters"><h2>{PAGE["filters"].html()}</h2><div class="row">'
        + _select("f-series", "series", [(s, s) for s in series])
        + _select("f-memory", "memory", [(f"{m:g}", f"{m:g} GB") for m in memory])
        + f'<label>{PAGE["price"].html()} {_price("f-price-min", "from")} – '
        + f'{_price("f-price-max", "to")}</label>'
        + f'<button type="button" id="f-reset">{PAGE["reset"].html()}</button></div></section>'
    )


def _downloads_html(links: Links, prov: Provenance) -> str:
    papers = " · ".join(
        f'<a href="{_href(p)}">{escape(lang.upper())} PDF</a>' for lang, p in links.papers.items()
    )
    notebooks = " · ".join(f'<a href="{_href(p)}">{escape(Path(p).stem)}</a>' for p in links.notebooks)
    data = " · ".join(f'<a href="{_href(p)}">{escape(p)}</a>' for p in links.data)
    sums = "".join(f"<li><code>{escape(p)}</code> <code>{s}</code></li>" for p, s in prov.data.items())
    return (
        f'<h2 id="downloads">{PAGE["downloads"].html()}</h2><ul class="links">'
        f"<li>{PAGE['papers'].html()}: {papers}</li><li>{PAGE['notebooks'].html()}: {notebooks}</li>"
        f"<li>{PAGE['tables'].html()} / data: {data}</li>"
        f'<li><a href="{_href(links.checksums)}">{PAGE["checksums"].html()}</a></li></ul>'
        f'<h2 id="built">{PAGE["built"].html()}</h2><p>{PAGE["commit"].html()}: '
        f'<code id="commit">{escape(prov.commit)}</code></p>'
        f'<details><summary>{PAGE["data"].html()}</summary><ul class="sums">{sums}</ul></details>'
    )


def _json_script(element_id: str, value) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def page_html(
    views: Sequence[TableView],
    figures: Sequence[tuple[Figure, int | None]],
    facts: Mapping,
    links: Links,
    prov: Provenance,
    extra: str = "",
    data: Mapping[str, object] | None = None,
) -> str:
    """The whole page. ``extra``: the HTML of a further section (what fits) after the figures;
    ``data``: JSON blocks the page's script reads, by element id."""
    shown = {v.gpu for view in views for v in view.rows if v.gpu in facts}
    series = sorted({facts[g].series for g in shown})
    memory = sorted({facts[g].memory_gb for g in shown if facts[g].memory_gb is not None})
    legend = "".join(f'<li class="{kind}">{text.html()}</li>' for kind, text in KIND_LEGEND.items())
    toc = (
        f'<a href="#tables">{PAGE["tables"].html()}</a><a href="#figures">{PAGE["figures"].html()}</a>'
        + (f'<a href="#fit">{PAGE["fit"].html()}</a>' if extra else "")
        + f'<a href="#downloads">{PAGE["downloads"].html()}</a>'
    )
    charts = {f.name: f.chart for f, _ in figures if f.chart}
    blocks = "".join(_json_script(k, v) for k, v in {"charts": charts, **(data or {})}.items())
    css = (STATIC / "site.css").read_text(encoding="utf-8")
    js = (STATIC / "site.js").read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(PAGE['title'].en)}</title><style>{css}</style></head>"
        '<body class="lang-en"><header>'
        f'<nav class="langs"><button type="button" data-set-lang="en">{PAGE["english"].en}</button>'
        f'<button type="button" data-set-lang="ko">{PAGE["korean"].ko}</button></nav>'
        f'<h1>{PAGE["title"].html()}</h1><p class="lead">{PAGE["lead"].html()}</p>'
        f'<nav class="toc">{toc}</nav><p class="note">{PAGE["built"].html()}: '
        f'<a href="#built"><code>{escape(prov.short)}</code></a></p></header>'
        f"<main>{_filters_html(series, memory)}"
        f'<h2 id="tables">{PAGE["tables"].html()}</h2><ul class="legend">{legend}</ul>'
        + "".join(table_html(v, facts, PAGE["csv"]) for v in views)
        + f'<h2 id="figures">{PAGE["figures"].html()}</h2>'
        + "".join(_figure_html(f, links, n) for f, n in figures)
        + extra
        + _downloads_html(links, prov)
        + "</main>"
        + blocks
        + '<script src="bokeh.min.js"></script>'
        + f"<script>{js}</script></body></html>\n"
    )


def bokeh_js() -> bytes:
    """BokehJS as Bokeh's wheel ships it (the version the charts' JSON was made with)."""
    from bokeh.util.paths import bokehjs_path

    return (bokehjs_path() / "js" / "bokeh.min.js").read_bytes()


def write_page(html: str, outputs: Mapping[str, str | os.PathLike], max_bytes: int) -> int:
    """Write the page (``html``) and ``bokeh.min.js``; returns their size in bytes.

    Raises ValueError, writing nothing, when together they exceed ``max_bytes``.
    """
    files = {outputs["page"]: html.encode("utf-8"), outputs["bokeh"]: bokeh_js()}
    size = sum(len(b) for b in files.values())
    if size > max_bytes:
        raise ValueError(
            f"{outputs['page']}: the page and its assets take {size} bytes; expected at most "
            f"{max_bytes} (registry Page.max_bytes)"
        )
    for path, data in files.items():
        with atomic.atomic_path(path) as tmp:
            Path(tmp).write_bytes(data)
    return size
