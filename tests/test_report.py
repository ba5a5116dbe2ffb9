"""`snakemake --report`: every table, figure, notebook and both PDFs are in the report, with a
caption and a category, as a real browser (Debian's headless Chromium) loads it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from gpusurvey.registry import FIGURES, LANGS, NOTEBOOKS, TABLES
from helpers import copy_build, snakemake

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.workflow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (bash envs/system-packages.sh test)"),
    pytest.mark.skipif(shutil.which("latexmk") is None, reason="needs latexmk and XeLaTeX"),
]

EXPECTED = {
    "Tables": [f"results/tables/{TABLES[n].name}.csv" for n in TABLES],
    "Figures": [f"results/figures/{name}.{lang}.png" for name in FIGURES for lang in LANGS],
    "Notebooks": [f"results/notebooks/{name}.html" for name in NOTEBOOKS],
    "Paper": [f"results/paper/survey-{lang}.pdf" for lang in LANGS],
}


def _json_after(dom: str, name: str) -> dict:
    """The object literal the report's page assigns to ``name`` (``var results = {...};``)."""
    start = re.search(rf"\bvar {name} = (?=\{{)", dom)
    assert start, f"no '{name} = ' in the page the browser loaded"
    value, _ = json.JSONDecoder().raw_decode(dom, start.end())
    return value


def test_the_report_holds_every_table_figure_notebook_and_pdf(shared_build, tmp_path):
    project = copy_build(shared_build, tmp_path / "project")
    snakemake(project, "--cores", "1", "--config", "measure=False", "--report", "report.html")
    proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--user-data-dir={tmp_path / 'chromium'}", "--virtual-time-budget=15000",
                           "--dump-dom", (project / "report.html").as_uri()],
                          capture_output=True, text=True, timeout=300)
    dom = proc.stdout
    assert proc.returncode == 0 and dom, proc.stderr[-2000:]
    # What the page's script rendered (not its source): the menu names each category.
    rendered = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", dom, flags=re.S)
    assert "Please enable Javascript" in rendered  # the noscript text is kept in the DOM ...
    for category in EXPECTED:
        assert re.search(rf"\b{category}\b", rendered), f"category {category} not rendered"
    # ... and the data the page renders from: each item in its category, with a caption.
    categories = _json_after(dom, "categories")
    results = _json_after(dom, "results")
    for category, paths in EXPECTED.items():
        listed = sorted(p for files in categories.get(category, {}).values() for p in files)
        assert listed == sorted(paths), category
        for path in paths:
            assert results[path]["caption"].strip(), f"{path} has no caption"
    assert "Tables 3, 4, 5 of the survey" in results["results/tables/table3.csv"]["caption"]
