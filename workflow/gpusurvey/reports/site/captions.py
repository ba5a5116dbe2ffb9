"""The papers' own captions, so that the page names every table and figure in the papers' words.

Each edition (``paper/<lang>/survey.tex``) captions a table with ``\\caption{...}\\label{...}``
just before the ``\\surveytable{<fragment>}`` (or a footnote-size ``\\input``) it sets, and a
figure with ``\\surveyfigure{<name>}{<caption>}{<label>}``. The captions are read by the
fragment's path (``results/tables/table3``) or the figure's name, and turned into plain text:
``$\\times$`` becomes ``x``, a ``\\ref`` the number the paper prints, a citation and other
commands vanish.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gpusurvey.core.errors import DataError

_TABLE = re.compile(
    r"\\caption\{(?P<caption>(?:[^{}]|\{[^{}]*\})*)\}\\label\{(?P<label>[^}]*)\}\s*"
    r"(?:\\surveytable\{|\{?\\footnotesize\s*\\input\{)(?P<path>[^}.]*)\."
)
_FIGURE = re.compile(
    r"\\surveyfigure(?:\[[^\]]*\])?\{(?P<name>[^}]*)\}"
    r"\{(?P<caption>(?:[^{}]|\{[^{}]*\})*)\}\{(?P<label>[^}]*)\}"
)
_HEADING = re.compile(r"\\appendix\b|\\(?P<level>section|subsection)\{(?:[^{}]|\{[^{}]*\})*\}"
                      r"(?:\\label\{(?P<label>[^}]*)\})?")
_REPLACE = (
    (r"$\times$", "×"),
    (r"$-$", "−"),
    ("---", "—"),
    ("--", "–"),
    ("~", " "),
    (r"\%", "%"),
    (r"\&", "&"),
    (r"\,", " "),
)


@dataclass(frozen=True)
class Captions:
    """Captions by edition: ``tables[path][lang]`` and ``figures[name][lang]``; numbers as printed."""

    tables: Mapping[str, Mapping[str, str]]
    figures: Mapping[str, Mapping[str, str]]
    table_numbers: Mapping[str, int]
    """A fragment's path -> the number its table has in the papers (in order of appearance)."""
    figure_numbers: Mapping[str, int]

    def table(self, path: str, lang: str) -> str | None:
        return self.tables.get(path, {}).get(lang)

    def figure(self, name: str, lang: str) -> str | None:
        return self.figures.get(name, {}).get(lang)


def plain(text: str, refs: Mapping[str, int | str]) -> str:
    """A caption as plain text: references by their number, commands and braces dropped."""
    text = re.sub(r"\\ref\{([^}]*)\}", lambda m: str(refs.get(m.group(1), "?")), text)
    text = re.sub(r"~?\\cite\{[^}]*\}", "", text)
    for latex, shown in _REPLACE:
        text = text.replace(latex, shown)
    text = re.sub(r"\\[a-zA-Z]+\*?", "", text)
    text = re.sub(r"\s+", " ", text.replace("{", "").replace("}", "").replace("$", "")).strip()
    return re.sub(r" ([,.;:)])", r"\1", text)  # where a dropped citation left its space


def section_numbers(text: str) -> dict[str, str]:
    """Labels of sections and subsections -> their printed numbers (``6``, ``6.1``; after
    ``\\appendix``, ``A``, ``A.1``)."""
    numbers, section, subsection, appendix = {}, 0, 0, False
    for m in _HEADING.finditer(text):
        if m["level"] is None:
            appendix, section, subsection = True, 0, 0
            continue
        if m["level"] == "section":
            section, subsection = section + 1, 0
        else:
            subsection += 1
        head = chr(ord("A") + section - 1) if appendix else str(section)
        if m["label"]:
            numbers[m["label"]] = head if m["level"] == "section" else f"{head}.{subsection}"
    return numbers


def read_captions(editions: Mapping[str, str | os.PathLike]) -> Captions:
    """The captions of each edition (``{lang: path of survey.tex}``).

    Raises DataError when an edition captions no table at all (a source the pattern cannot read).
    """
    tables: dict[str, dict[str, str]] = {}
    figures: dict[str, dict[str, str]] = {}
    table_numbers: dict[str, int] = {}
    figure_numbers: dict[str, int] = {}
    for lang, path in editions.items():
        text = Path(path).read_text(encoding="utf-8")
        found_tables = list(_TABLE.finditer(text))
        if not found_tables:
            raise DataError(
                path,
                "no \\caption{...}\\label{...} before a \\surveytable{...}; expected "
                "each table captioned just before the fragment it sets",
            )
        found_figures = list(_FIGURE.finditer(text))
        refs: dict[str, int | str] = section_numbers(text)
        refs |= {m["label"]: n for n, m in enumerate(found_tables, 1)}
        refs |= {m["label"]: n for n, m in enumerate(found_figures, 1)}
        for n, m in enumerate(found_tables, 1):
            tables.setdefault(m["path"], {})[lang] = plain(m["caption"], refs)
            table_numbers[m["path"]] = n
        for n, m in enumerate(found_figures, 1):
            figures.setdefault(m["name"], {})[lang] = plain(m["caption"], refs)
            figure_numbers[m["name"]] = n
    return Captions(tables, figures, table_numbers, figure_numbers)
