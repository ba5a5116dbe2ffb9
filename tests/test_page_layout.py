"""The two papers' pages as a reader meets them, read from the PDFs of the session's shared build.

- Type a reader can read: no text, tables included, is set below 8 pt outside the figures (whose
  own 7 pt floor ``figure_check`` holds). Sizes are read as printed, so a table scaled down to
  fit the page shows here as smaller type, whatever size its source asked for. A superscript (a
  table's dagger, an exponent, the title's footnote mark) is smaller by design: a run of at most
  ``MAX_SCRIPT_RUN`` small characters between normal-sized ones is allowed.
- No word broken inside a table cell: every wrapped column of every generated table forbids
  hyphenation (``latex_tables.wrapped_column``).
- Floats near their first mention: every table and figure is cited in the text, and sits at most
  ``MAX_PAGES_AFTER`` pages after the page that first names it, never on an earlier page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("pdfminer", reason="needs pdfminer.six (the dev extra)")

from pdfminer.high_level import extract_pages  # noqa: E402
from pdfminer.layout import LTChar, LTFigure  # noqa: E402

LANGS = ("ko", "en")
MIN_PT = 8.0
"""Smallest type of the text and the tables, in pt as printed."""
MAX_SCRIPT_RUN = 3
"""Longest run of smaller characters read as a superscript or subscript."""
MAX_PAGES_AFTER = 1
"""How far a float may sit after the page of its first mention: on that page or the next."""
FLOAT_WORDS = {"en": ("Table", "Figure"), "ko": ("표", "그림")}
LIST_SEPARATOR = r"(?:,\s|,?\sand\s|\s?[–-]\s?|과\s|와\s|·|\s및\s)"
"""Between the numbers of one mention: "Tables 3, 4 and 5", "Tables 3–5", "표 1과 2"."""

needs_xelatex = pytest.mark.skipif(shutil.which("xelatex") is None,
                                   reason="needs XeLaTeX (envs/system-packages.sh)")


def _chars(obj):
    """The characters of a page in content order, leaving out the embedded figures."""
    for child in obj:
        if isinstance(child, LTChar):
            yield child
        elif not isinstance(child, LTFigure) and hasattr(child, "__iter__"):
            yield from _chars(child)


def printed_size(char: LTChar) -> float:
    """A character's size as printed: the height of its box across the line, which pdfminer takes
    along the page's y axis even for text turned a quarter (a sideways table), where the size
    across the line is the box's width."""
    a, b, _, _, _, _ = char.matrix
    return char.width if abs(b) > abs(a) else char.height


def small_text(pdf: Path) -> list[str]:
    """One line per run of more than ``MAX_SCRIPT_RUN`` visible characters below ``MIN_PT``: its
    page, its size and its text."""
    found = []
    for number, page in enumerate(extract_pages(pdf), 1):
        run: list[LTChar] = []
        for char in [*_chars(page), None]:
            if char is not None and not char.get_text().strip():
                continue
            if char is not None and printed_size(char) < MIN_PT - 0.05:
                run.append(char)
                continue
            if len(run) > MAX_SCRIPT_RUN:
                text = "".join(c.get_text() for c in run)
                found.append(f"{pdf.name} page {number}: {min(map(printed_size, run)):.1f} pt: "
                             f"{text[:60]!r}")
            run = []
    return found


@pytest.mark.workflow
@pytest.mark.parametrize("lang", LANGS)
def test_no_text_or_table_of_the_paper_is_printed_below_8_pt(shared_build, lang):
    assert small_text(shared_build / f"results/paper/survey-{lang}.pdf") == []


def float_pages(text: str, lang: str) -> dict[str, tuple[int, int | None]]:
    """``{"Table 3": (page of its caption, page of its first mention or None)}`` from the text of
    a paper (pages split by form feeds, as ``pdftotext`` writes them); a mention inside another
    float's caption counts, as a reader sees it there."""
    found = {}
    pages = text.split("\f")
    for word in FLOAT_WORDS[lang]:
        caption, mention = {}, {}
        for number, page in enumerate(pages, 1):
            for m in re.finditer(rf"{word}s? ?(\d+) ?:", page):
                caption.setdefault(int(m.group(1)), number)
            for m in re.finditer(rf"{word}s? ?((?:\d+{LIST_SEPARATOR})*\d+)(?! ?:)", page):
                numbers = [int(n) for n in re.findall(r"\d+", m.group(1))]
                if re.search(r"[–-]", m.group(1)) and len(numbers) == 2:
                    numbers = list(range(numbers[0], numbers[1] + 1))
                for n in numbers:
                    mention.setdefault(n, number)
        found.update({f"{word} {n}": (page, mention.get(n)) for n, page in caption.items()})
    return found


def misplaced_floats(text: str, lang: str) -> list[str]:
    """Every float not cited, set before the page that first cites it, or more than
    ``MAX_PAGES_AFTER`` pages after it."""
    problems = []
    for name, (page, first) in float_pages(text, lang).items():
        if first is None:
            problems.append(f"{name} (page {page}) is never cited")
        elif not 0 <= page - first <= MAX_PAGES_AFTER:
            problems.append(f"{name} is on page {page}, first cited on page {first}")
    return problems


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.workflow
@pytest.mark.parametrize("lang", LANGS)
def test_every_float_is_cited_and_set_near_its_first_mention(shared_build, lang):
    text = _pdf_text(shared_build / f"results/paper/survey-{lang}.pdf")
    assert len(float_pages(text, lang)) >= 20
    assert misplaced_floats(text, lang) == []


def test_the_float_check_finds_an_uncited_float_and_one_set_far_away():
    pages = ["Intro. Tables 1 and 2 list the cards.", "Table 1: specs\nTable 2: more",
             "See Figure 1 and Table 3.", "", "", "Figure 1: far\nTable 3: near?", "Figure 2: lonely"]
    problems = misplaced_floats("\f".join(pages), "en")
    assert problems == ["Table 3 is on page 6, first cited on page 3",
                        "Figure 1 is on page 6, first cited on page 3", "Figure 2 (page 7) is never cited"]
    assert float_pages("표 1과 2는 카드를 보여 준다.\f표 1: 사양\n표 2: 사양", "ko") == {
        "표 1": (2, 1), "표 2": (2, 1)}


def column_specs(tex: str) -> list[str]:
    """The column specification of every ``tabular`` in ``tex`` (its balanced brace group)."""
    specs = []
    for m in re.finditer(r"\\begin\{tabular\}(?:\[[a-z]\])?\{", tex):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(tex[i], 0)
            i += 1
        specs.append(tex[m.end():i - 1])
    return specs


def hyphenating_columns(tex: str) -> list[str]:
    """The paragraph columns (``p{...}``) that may hyphenate a word: any not set up by
    ``wrapped_column``."""
    unbroken = "\\exhyphenpenalty=10000}"
    found = []
    for spec in column_specs(tex):
        for m in re.finditer(r"p\{", spec):
            before = spec[:m.start()]
            command = re.search(r"\\[A-Za-z]*$", before)  # a command's name ending in p
            if command is None and not before.endswith(unbroken):
                found.append(spec)
    return found


@pytest.mark.workflow
def test_no_table_column_of_the_build_hyphenates_a_word(shared_build):
    fragments = sorted((shared_build / "results").rglob("*.tex"))
    wrapped = 0
    for path in fragments:
        tex = path.read_text(encoding="utf-8")
        assert hyphenating_columns(tex) == [], path
        wrapped += tex.count("\\exhyphenpenalty=10000}p{")
    assert wrapped >= 3


def test_the_column_check_finds_a_plain_paragraph_column():
    from gpusurvey.reports.latex_tables import wrapped_column

    assert hyphenating_columns(r"\begin{tabular}{@{}llp{0.3\linewidth}@{}}a\end{tabular}") == [
        r"@{}llp{0.3\linewidth}@{}"]
    assert hyphenating_columns(r"\begin{tabular}[t]{l" + wrapped_column("2cm") + "}x\\end{tabular}") == []
    assert column_specs(r"\par\smallskip{\footnotesize note}") == []


def _typeset(tmp_path: Path, body: str) -> Path:
    tex = tmp_path / "doc.tex"
    tex.write_text("\\documentclass[10pt]{article}\n\\usepackage{graphicx,rotating}\n"
                   "\\begin{document}\n" + body + "\n\\end{document}\n", encoding="utf-8")
    subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                   check=True, capture_output=True)
    return tmp_path / "doc.pdf"


TABLE = r"\begin{tabular}{lr}RTX 4090 & 28.92\\ RTX 3060 & 7.24\\\end{tabular}"


@pytest.mark.slow
@needs_xelatex
def test_the_check_finds_a_table_shrunk_to_fit(tmp_path):
    pdf = _typeset(tmp_path, "Text at 10 pt.\n\n\\small\\scalebox{0.8}{" + TABLE + "}")
    assert any("7.2 pt" in line and "RTX" in line for line in small_text(pdf)), small_text(pdf)


@pytest.mark.slow
@needs_xelatex
def test_the_check_reads_a_sideways_table_and_passes_superscripts(tmp_path):
    shrunk = _typeset(tmp_path, "x\n\\begin{sidewaystable}\\tiny " + TABLE + "\\end{sidewaystable}")
    # \tiny is 5 pt; the page's turned text reads backwards in content order.
    assert any(": 5.0 pt: " in line for line in small_text(shrunk)), small_text(shrunk)
    readable = _typeset(tmp_path, "An area of 5 m$^2$ and a mark$^{\\dagger}$.\n"
                        "\\begin{sidewaystable}\\footnotesize " + TABLE + "\\end{sidewaystable}")
    assert small_text(readable) == []
