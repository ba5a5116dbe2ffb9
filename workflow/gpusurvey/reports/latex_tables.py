"""LaTeX fragments of the tables, written with pylatex (booktabs rules, no float: the paper
wraps each fragment in its own ``table`` environment with a caption)."""

from __future__ import annotations

from collections.abc import Sequence

from pylatex import Tabular
from pylatex.utils import NoEscape, bold, escape_latex


def _cell(text: str) -> NoEscape:
    if isinstance(text, NoEscape):
        return text
    # "mm²" would need the superscript glyph in the main font; math mode is font-independent.
    return NoEscape(escape_latex(str(text)).replace("²", r"$^{2}$"))


def wrapped_column(width: str) -> str:
    """A column spec for text wrapped at ``width`` between words only: ragged right, and no word
    hyphenated or broken at its own hyphen (break points a writer marks with ``\\allowbreak``
    stay)."""
    return r">{\raggedright\arraybackslash\hyphenpenalty=10000\exhyphenpenalty=10000}p{" + width + "}"


def stacked(*lines: str) -> NoEscape:
    """Lines one under the other in one cell (a nested tabular), each LaTeX as it is: a long
    header or a two-part cell that would otherwise widen its column past the page."""
    return NoEscape(r"\begin{tabular}[t]{@{}l@{}}" + r"\\".join(lines) + r"\end{tabular}")


def tabular(header: Sequence[str], rows: Sequence[Sequence[str]], align: str,
            notes: Sequence[str] = ()) -> str:
    """A booktabs ``tabular`` with a bold header row; cells that are ``NoEscape`` go in as they are.

    ``notes`` (LaTeX, already escaped) become footnote lines under the tabular, each set at
    most the text width wide (``\\textwidth``, which the paper's table box does not widen), so
    that a long note never makes the table wider than its columns and the page.
    """
    table = Tabular(align, booktabs=True)
    table.add_row([bold(_cell(h)) for h in header])
    table.add_hline()
    for row in rows:
        table.add_row([_cell(c) for c in row])
    lines = [table.dumps()]
    lines += [rf"\par\smallskip\parbox{{\textwidth}}{{\footnotesize {note}}}" for note in notes]
    return "\n".join(lines) + "\n"
