"""A table as the page shows it, and its HTML: one header per column (a button that sorts), one
row per card or result, each row marked with the kind of evidence it holds and the card's
series, memory and price (what the page's filters read).

Kinds, told apart as the papers tell them apart: ``published`` (the survey's printed rows),
``measured`` (this pipeline's records, with a dagger), ``later`` (published since the survey,
linking its source), ``crowd`` (statistics of the crowd's database), ``predicted`` (a model's
number: italics, its interval on hover) and ``spec`` (a product list's facts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

KINDS = ("published", "measured", "later", "crowd", "predicted", "spec", "model")


@dataclass(frozen=True)
class Text:
    """Words in each edition's language (``{"ko": ..., "en": ...}``); one string serves both."""

    ko: str
    en: str

    @classmethod
    def of(cls, words: Mapping[str, str] | str) -> Text:
        return cls(words, words) if isinstance(words, str) else cls(words["ko"], words["en"])

    def html(self) -> str:
        if self.ko == self.en:
            return escape(self.en)
        return f'<span class="en">{escape(self.en)}</span><span class="ko">{escape(self.ko)}</span>'


@dataclass(frozen=True)
class Cell:
    """One cell: its text, the value it sorts by, and what a predicted or linked cell adds."""

    text: Text | str
    sort: float | str | None = None
    """Numbers sort as numbers; None (empty, unknown) sorts last."""
    italic: bool = False
    hover: Text | str | None = None
    """The title shown on hover (a prediction's interval)."""
    links: tuple[tuple[str, str], ...] = ()
    """(title, address) of each source the cell cites, shown as numbered links after its text."""


@dataclass(frozen=True)
class Column:
    key: str
    label: Text
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    kind: str
    cells: Mapping[str, Cell]
    gpu: str | None = None
    """The card it is about; its series, memory and price come from ``data/gpus.csv``."""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"row of {self.gpu}: kind '{self.kind}'; expected one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class TableView:
    """One table of the page: its anchor, caption, columns, rows and the CSV it was read from."""

    anchor: str
    title: Text
    columns: Sequence[Column]
    rows: Sequence[Row]
    csv: str | None = None
    """Path of the table's CSV relative to the repository root (linked under the table)."""
    notes: Sequence[Text] = field(default_factory=tuple)


@dataclass(frozen=True)
class CardFacts:
    """What the filters read of a card: its series, memory (GB) and launch price (USD)."""

    series: str
    memory_gb: float | None
    price_usd: float | None


def number(value, places: int | None = None) -> Cell:
    """A numeric cell (empty when the value is missing), printed with ``places`` decimals or as
    the shortest text that round-trips."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Cell("", None)
    value = float(value)
    text = f"{value:.{places}f}" if places is not None else f"{value:g}"
    return Cell(text, value)


def _attr(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return escape(f"{value:g}" if isinstance(value, float) else str(value), quote=True)


def _text_html(text: Text | str) -> str:
    return text.html() if isinstance(text, Text) else escape(text)


def _cell_html(cell: Cell, header: bool = False) -> str:
    body = _text_html(cell.text)
    for n, (title, href) in enumerate(cell.links, 1):
        body += (
            f' <a href="{escape(href, quote=True)}" title="{escape(title, quote=True)}" '
            f'rel="noopener">[{n}]</a>'
        )
    if cell.italic:
        body = f"<i>{body}</i>"
    attrs = f' data-sort="{_attr(cell.sort)}"' if cell.sort is not None else ""
    if cell.hover is not None:
        hover = cell.hover if isinstance(cell.hover, Text) else Text.of(cell.hover)
        attrs += f' title="{escape(hover.en, quote=True)}" data-title-ko="{escape(hover.ko, quote=True)}"'
    tag = 'th scope="row"' if header else "td"
    return f"<{tag}{attrs}>{body}</{tag.split()[0]}>"


def table_html(view: TableView, facts: Mapping[str, CardFacts], links: Text | None = None) -> str:
    """The table as an HTML ``<section>``: a caption, sortable headers, rows with their kind and
    the card's facts as ``data-`` attributes, the notes and a link to its CSV."""
    head = "".join(
        f'<th scope="col" data-type="{"number" if c.numeric else "text"}">'
        f'<button type="button" class="sort">{c.label.html()}</button></th>'
        for c in view.columns
    )
    body = []
    for row in view.rows:
        card = facts.get(row.gpu) if row.gpu else None
        attrs = f' class="{row.kind}" data-kind="{row.kind}"'
        if card is not None:
            attrs += (
                f' data-series="{_attr(card.series)}" data-memory="{_attr(card.memory_gb)}"'
                f' data-price="{_attr(card.price_usd)}"'
            )
        cells = [
            _cell_html(row.cells.get(c.key, Cell("")), header=i == 0) for i, c in enumerate(view.columns)
        ]
        body.append(f"<tr{attrs}>{''.join(cells)}</tr>")
    notes = "".join(f'<p class="note">{n.html()}</p>' for n in view.notes)
    csv = ""
    if view.csv and links is not None:
        csv = f'<p class="csv"><a href="{escape(view.csv, quote=True)}">{links.html()}</a></p>'
    return (
        f'<section class="table" id="{view.anchor}"><h3>{view.title.html()}</h3>'
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
        f"</table></div>{notes}{csv}</section>"
    )
