"""The survey PDFs of the session's shared build (conftest's ``shared_build``: the real `all`
rule in a copy of the project, without this machine's benchmarks). Its two matmul records (a
CPU-only machine and a CUDA machine) exercise the appendix and the macros that quote our own
measurements.
"""

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT

pytestmark = [
    pytest.mark.workflow,
    pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdftotext") is None,
                       reason="needs latexmk, XeLaTeX and pdftotext (envs/system-packages.sh)"),
]

LANGS = ("ko", "en")
PERF_TABLES = ("table3", "table4", "table5")
PRINTED_COLUMNS = ("value_text", "value_per_dollar", "relative_to_baseline")
"""Columns of Tables 3-5 whose cells the paper prints in its tables."""
DERIVED_COLUMNS = PRINTED_COLUMNS + ("value", "value_per_watt", "bound_tokens_per_s", "efficiency")
"""Measured values and derived figures: the paper's sources must never type one by hand."""


@pytest.fixture(scope="session")
def built(shared_build):
    """The shared build (conftest); yields (project, {lang: the build's PDF bytes})."""
    first = {lang: (shared_build / f"results/paper/survey-{lang}.pdf").read_bytes() for lang in LANGS}
    return shared_build, first


def pdf_text(project: Path, lang: str) -> str:
    pdf = project / f"results/paper/survey-{lang}.pdf"
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def table_rows(project: Path, name: str) -> list[dict[str, str]]:
    with open(project / f"results/tables/{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_korean_pdf_text_is_hangul(built):
    project, _ = built
    text = pdf_text(project, "ko")
    hangul = re.findall(r"[\uac00-\ud7a3]", text)
    assert len(hangul) > 3000, f"only {len(hangul)} Hangul syllables in the Korean PDF"
    assert "서론" in text and "결론" in text and "정오표" in text


def test_english_pdf_is_english_with_the_korean_references(built):
    project, _ = built
    text = pdf_text(project, "en")
    assert "Introduction" in text and "Conclusion" in text and "Errata" in text
    assert "컴퓨터시스템구조론" in text  # a Korean title in the reference list renders


@pytest.mark.parametrize("lang", LANGS)
def test_every_table_value_appears_in_the_pdf(built, lang):
    project, _ = built
    words = set(pdf_text(project, lang).split())
    missing = [(name, row["gpu"], column, row[column])
               for name in PERF_TABLES for row in table_rows(project, name)
               for column in PRINTED_COLUMNS if row[column] and row[column] not in words]
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_prose_numbers_come_from_the_data(built, lang):
    project, _ = built
    text = " ".join(pdf_text(project, lang).split())
    best = {row["gpu"]: row for row in table_rows(project, "table3") if row["source"] == "published"}
    top = max(best.values(), key=lambda r: float(r["value"]))
    base = next(r for r in best.values() if r["relative_to_baseline"] == "1")
    llm = max((r for r in table_rows(project, "table5") if r["source"] == "published"),
              key=lambda r: float(r["value"]))
    # The abstract's speed-ups are the tables' relative column of the survey's fastest cards
    # (the shared build's measured rows are not the survey's).
    if lang == "en":
        assert (f"{top['gpu']}, runs {top['relative_to_baseline']} times as fast as the baseline "
                f"{base['gpu']}") in text
        assert f"the gap shrinks to {llm['relative_to_baseline']} times" in text
    else:
        assert f"{base['gpu']}보다 {top['relative_to_baseline']}배 빨랐지만" in text
        assert f"그 차이가 {llm['relative_to_baseline']}배에 그쳤다" in text
    assert "49.9" in text and "4.46" in text  # the survey's Figure 1, from data/published
    # Our matmul records' figures, where the sentences put them: the CPU record's mean
    # (12.62 ms), the CUDA record's mean (0.200 ms) and its speed-up over its own CPU (30/0.2).
    if lang == "en":
        assert "the same product takes 12.6 ms on the CPU" in text
        assert "computes it in 0.200 ms" in text and "150 times as fast as that machine" in text
    else:
        assert "9000에서 12.6 ms(" in text and "곱을 0.200 ms(" in text and "150배 빠르다" in text
    assert "NVIDIA H100 80GB HBM3" in text
    assert "0123456789ab" in text.replace(" ", "")  # its git commit, in the appendix


_LENGTH = re.compile(r"\s*(?:\\(?:line|text|column)width|\\baselineskip|pt|mm|cm|em|ex|in)\b")


def telling(number: str) -> bool:
    """Numbers specific enough to betray a copied value: decimals, and integers of 3+ digits
    (``4`` or ``12`` would match section numbers and model sizes)."""
    return "." in number or len(number) >= 3


def hand_typed_numbers(tex: str) -> set[str]:
    """Telling numbers in LaTeX source, comments and lengths (``0.66\\linewidth``) left out."""
    found = set()
    for line in tex.splitlines():
        line = re.split(r"(?<!\\)%", line, maxsplit=1)[0]
        for match in re.finditer(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", line):
            if telling(match.group(0)) and not _LENGTH.match(line, match.end()):
                found.add(match.group(0))
    return found


def test_paper_sources_type_no_measured_or_derived_number(built):
    project, _ = built
    from_data = {row[column] for name in PERF_TABLES for row in table_rows(project, name)
                 for column in DERIVED_COLUMNS if row.get(column) and telling(row[column])}
    for name in ("numbers", "since", "formats"):
        macros = (project / f"results/macros/{name}.tex").read_text(encoding="utf-8")
        from_data |= {v for v in re.findall(r"\\newcommand\{\\\w+\}\{([\d.]+)\}", macros) if telling(v)}
    for name in ("points", "predictions"):  # published and predicted values of "since the survey"
        with open(project / f"results/since/{name}.csv", encoding="utf-8", newline="") as fh:
            from_data |= {row[c] for row in csv.DictReader(fh) for c in ("value", "predicted", "bound")
                          if telling(row.get(c) or "")}
    assert {"28.923", "0.0259", "7.13", "6.92", "146", "113.5"} <= from_data  # the scan sees the data
    typed = {}
    for tex in sorted((ROOT / "paper").rglob("*.tex")):
        clash = hand_typed_numbers(tex.read_text(encoding="utf-8")) & from_data
        if clash:
            typed[str(tex.relative_to(ROOT))] = sorted(clash)
    assert typed == {}, f"numbers from the data typed by hand (use the macros): {typed}"


def test_hand_typed_number_scan_catches_a_typed_value():
    assert hand_typed_numbers(r"the RTX 4090 reaches 28.923 it/s % 7.13 in a comment") == {"4090", "28.923"}
    assert hand_typed_numbers("bounded at 146 tokens per second, 4 times, LLaMA-13B") == {"146"}
    assert hand_typed_numbers(r"\includegraphics[width=0.66\linewidth]{x} 1.25\linewidth") == set()


PARTICLES = ("에서는", "에서", "에는", "으로", "보다", "까지", "부터",
             "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "로", "도", "만")
UNITS = ("배", "억", "만", "천", "개", "종", "초", "판")
_AFTER_LATIN = re.compile(r"[A-Za-z0-9)\]]$")
_PARTICLE_START = re.compile("^(?:" + "|".join(PARTICLES + UNITS) + r")(?=[\s,.:;)]|$|이다|였다|이고|이며)")


def particle_line_starts(text: str) -> list[str]:
    """Lines of ``pdftotext -layout`` output that start with a particle or unit while the line
    before ends in a Latin word or a number: a line break between ``GPU`` and ``에서``.

    The particle must stand alone (a space or punctuation follows), so a line that merely
    starts with a word like ``초당`` is not taken for one. A page (``\\f``) starts afresh: the
    page number that ends the page before is no word of the text."""
    found = []
    for page in text.split("\f"):
        previous = ""
        for line in (raw.strip() for raw in page.split("\n")):
            if not line:
                continue
            if _AFTER_LATIN.search(previous) and _PARTICLE_START.match(line):
                found.append(f"{previous[-30:]!r} / {line[:30]!r}")
            previous = line
    return found


def test_no_korean_line_starts_with_a_particle_after_a_latin_word_or_number(built):
    project, _ = built
    assert particle_line_starts(pdf_text(project, "ko")) == []


_SPACED_PARTICLE = re.compile(r"[A-Za-z0-9)] (?:" + "|".join(PARTICLES) + r")(?=[\s,.:;)])")


def spaced_particles(text: str) -> list[str]:
    """A Latin word or number and the particle after it set apart by a visible space, as
    ``pdftotext`` reads it ("LLaMA 는"): the glue xetexko puts between them, stretched."""
    return [text[max(0, m.start() - 20):m.end()] for m in _SPACED_PARTICLE.finditer(text)]


def test_no_korean_particle_stands_apart_from_its_latin_word(built):
    project, _ = built
    assert spaced_particles(pdf_text(project, "ko")) == []


def test_the_spacing_check_finds_a_spaced_particle():
    assert spaced_particles("LLaMA 는 Meta 가 공개한 모델. GPU에서 8 배") == ["LLaMA 는", "LLaMA 는 Meta 가"]


def test_the_particle_check_finds_the_breaks_it_looks_for():
    text = ("위험이 있다. ChatGPT\n의 개인정보 정책도\n"
            "U-Net의 매개변수는 약 8\n억 6천만 개\n"
            "Stable Diffusion WebUI\n에서는 원하지 않는\n"
            "1.47배, LLaMA에서 0.27\n배이다. 가격\n"
            "20  25  30\n초당 반복 횟수 (it/s)\n"
            "                18\n\f이 비교에는 한계가 있다.\n")
    assert particle_line_starts(text) == [
        "'위험이 있다. ChatGPT' / '의 개인정보 정책도'", "'U-Net의 매개변수는 약 8' / '억 6천만 개'",
        "'Stable Diffusion WebUI' / '에서는 원하지 않는'", "'1.47배, LLaMA에서 0.27' / '배이다. 가격'"]


def test_the_korean_edition_follows_korean_conventions(built):
    project, _ = built
    text = pdf_text(project, "ko")
    flat = " ".join(text.split())
    # Bibliography: 및 and 외 for "and" and "et al.", 10판 for "10 edition".
    assert "Chelsea Voss, Alec Radford, Mark Chen 및" in flat and "정태인 및 최은아" in flat
    assert " 외." in flat and "10판" in flat
    references = flat[flat.index("참고 문헌"):]
    assert "Casey Chu and Mark Chen" not in references and "Casey Chu 및 Mark Chen" in references
    assert "et al." not in references and "edition" not in references
    # Product names are not hyphenated across lines.
    assert not re.search(r"(DALL|LLaMA|U)-\n", text)
    # Appendix B: Korean words for the backend, a whole version number.
    appendix = flat[flat.index("측정 기록의 실행 환경"):]
    assert "라이브러리: torch, numpy" in appendix and "library=" not in appendix
    assert "torch 2.13.0+cpu" in appendix


def test_the_korean_paper_names_each_concept_one_way(built):
    from gpusurvey.core.glossary import ALTERNATIVES, term

    project, _ = built
    flat = " ".join(pdf_text(project, "ko").split())
    for concept, alternatives in ALTERNATIVES.items():
        assert term(concept, "ko") in flat, concept
        for alternative in alternatives:
            assert alternative not in flat, (concept, alternative)


def test_particles_after_the_software_names_follow_their_pronunciation(built):
    """Every particle the Korean edition writes right after a later software's name is the one
    its last syllable takes (diffusers + torch.compile은, llama.cpp는, MLC LLM으로)."""
    from gpusurvey.core.glossary import PARTICLES, particle

    project, _ = built
    flat = " ".join(pdf_text(project, "ko").split())
    with open(project / "results/since/points.csv", encoding="utf-8", newline="") as fh:
        names = {row["software"] for row in csv.DictReader(fh)} - {"survey"}
    kinds = {p: kind for kind, pair in PARTICLES.items() for p in pair}
    found = 0
    for name in sorted(names, key=len, reverse=True):
        for match in re.finditer(re.escape(name) + r"( ?)(으로|은|는|이|가|을|를|로|과|와)(?=[\s,.)])", flat):
            space, written = match.groups()
            assert space == "", f"a space between {name} and {written}"
            assert written == particle(name, kinds[written]), (name, written)
            found += 1
    assert found >= 5


def test_particles_after_table_and_figure_numbers_follow_their_pronunciation(built):
    """A particle after a cross-reference (표 13은, 그림 2는) is the one its number takes read
    aloud: LaTeX picks it (kotex's particle macros), since the numbers change with the build."""
    from gpusurvey.core.glossary import PARTICLES, particle

    project, _ = built
    flat = " ".join(pdf_text(project, "ko").split())
    kinds = {p: kind for kind, pair in PARTICLES.items() for p in pair}
    found = 0
    mention = r"(?:표|그림|부록) ?([0-9A-Z]+)(으로|은|는|이|가|을|를|로|과|와)(?=[\s,.)])"
    for match in re.finditer(mention, flat):
        number, written = match.groups()
        assert written == particle(number, kinds[written]), match.group(0)
        found += 1
    assert found >= 10


def test_tables_1_and_2_are_set_upright_on_the_text_pages(built):
    project, _ = built
    for lang, caption in (("ko", "표 1: RTX 40 시리즈"), ("en", "Table 1: The RTX 40 series")):
        pages = pdf_text(project, lang).split("\f")
        page = next(p for p in pages if caption in p)
        # Upright: the header row reads left to right on one line, beside running text.
        assert re.search(r"RTX 4090\s+RTX 4080\s+RTX 4070 Ti", page), page[:2000]


@pytest.mark.parametrize("lang", LANGS)
def test_both_papers_have_the_since_section_and_the_rtx50_table(built, lang):
    project, _ = built
    text = pdf_text(project, lang)
    words = set(text.split())
    assert ("Since the survey" if lang == "en" else "서베이 이후") in text
    # Table 6: every known cell of the RTX 50 table, and the unknown ones as unknown.
    with open(project / "results/tables/table6.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cells = {v for row in rows for k, v in row.items() if k != "field" and v}
    assert cells - words == set()
    assert ("unknown" if lang == "en" else "미확인") in words and "n/a" not in words
    # Numbers of the section, from its macros (the leave-one-out errors among them).
    macros = dict(re.findall(r"\\newcommand\{\\(\w+)\}\{([^}]*)\}",
                             (project / "results/macros/since.tex").read_text(encoding="utf-8")))
    flat = " ".join(text.split())
    for name in ("SinceLlmSurveyValue", "SinceLlmBestValue", "SinceSdBestValue", "SinceLlmTopPredicted"):
        # Korean attaches the unit to the number (초당 196토큰): look for it as the text has it.
        assert (macros[name] in words) if lang == "en" else (macros[name] in flat), name
    if lang == "ko":
        assert f"초당 {macros['SinceLlmTopPredicted']}토큰" in flat
    # Each software's own leave-one-out error, never one pooled over software.
    for name in ("SinceLlmLooPredMedian", "SinceSdLooPredMedian", "SinceSdLooSurveyMedian"):
        assert f"{macros[name]}%" in flat, name
    # Every source of a later result is in the bibliography, and the comparison cites them.
    bib = (project / "results/paper/literature.bib").read_text(encoding="utf-8")
    for author in re.findall(r"author\s+= \{\{([^}]*)\}\}", bib):
        assert author.replace("{-}", "-") in flat, author
    assert re.search(r"(Sources|출처): diffusers \[\d+\]", flat)
    # The software measured on two cards of one bandwidth are listed as not testable.
    assert ("not testable" if lang == "en" else "검증 불가") in flat
    for software in ("ExLlama", "ExLlamaV2", "MLC LLM"):
        assert software in macros["SinceLlmUntestable"]


@pytest.mark.parametrize("lang", LANGS)
def test_both_papers_have_the_crowd_section_table7_and_where_the_survey_sits(built, lang):
    project, _ = built
    text = pdf_text(project, lang)
    flat = " ".join(text.split())
    assert ("What thousands of users measured" if lang == "en" else "수천 명의 사용자가 잰 결과") in text
    with open(project / "results/tables/table7.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 12 and all(row["gpu"] in flat for row in rows)
    macros = dict(re.findall(r"\\newcommand\{\\(\w+)\}\{([^}]*)\}",
                             (project / "results/macros/crowd.tex").read_text(encoding="utf-8")))
    for name in ("CrowdTopSurvey", "CrowdTopPTen", "CrowdTopPNinety", "CrowdSpearman", "CrowdLooMedian"):
        assert macros[name] in flat, name
    assert "mandic" in flat.lower() and "MIT" in flat


@pytest.mark.parametrize("lang", LANGS)
def test_both_papers_have_the_formats_table_and_its_numbers(built, lang):
    project, _ = built
    flat = " ".join(pdf_text(project, lang).split())
    with open(project / "results/tables/table10.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # Every format's GB per token, as the table prints it (two decimals).
    for row in rows:
        if row["source"] == "model":
            assert f"{float(row['gb_per_token']):.2f}" in flat, row["format"]
    macros = dict(re.findall(r"\\newcommand\{\\(\w+)\}\{([^}]*)\}",
                             (project / "results/macros/formats.tex").read_text(encoding="utf-8")))
    assert f"{macros['FormatGbQEightZero']} GB" in flat and macros["FormatEightOverFour"] in flat
    if "FormatCpuQFourZeroValue" in macros:  # the committed CPU records: their speed and efficiency
        assert macros["FormatCpuQFourZeroValue"] in flat
        assert f"{macros['FormatCpuQFourKMEfficiency']}%" in flat
