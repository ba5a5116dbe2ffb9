"""The bibliography of the results published since the survey: generated from data/literature.csv,
one entry per source document, and cited wherever the section shows a later number."""

from __future__ import annotations

import re

from gpusurvey.inputs.gpus import load_gpus
from gpusurvey.inputs.literature import load_literature
from gpusurvey.reports import literature_bib
from gpusurvey.reports.prediction_fragments import comparison_fragment
from gpusurvey.reports.predictions import load_inputs, measured_points


def _rows(root):
    return load_literature(root / "data/literature.csv", load_gpus(root / "data/gpus.csv"))


def test_every_source_document_has_one_entry_with_its_address(root):
    rows = _rows(root)
    bib = literature_bib.entries(rows)
    keys = re.findall(r"@misc\{(\w+),", bib)
    documents = {literature_bib.document(r.source) for r in rows}
    assert len(keys) == len(set(keys)) == len(documents)
    for row in rows:
        assert f"@misc{{{literature_bib.key(row.source)}," in bib
        assert rf"\url{{{literature_bib.document(row.source)}}}" in bib
    # The same data gives the same bytes; another address another key.
    assert literature_bib.entries(rows) == bib
    assert literature_bib.key("https://example.org/a#L1 (note)") == literature_bib.key("https://example.org/a#L9")
    assert literature_bib.key("https://example.org/a") != literature_bib.key("https://example.org/b")
    # No pictograph or straight quote reaches LaTeX; titles keep their case.
    assert '"' not in bib.split("howpublished")[0] and "\U0001f999" not in bib
    assert "title        = {{diffusers docs" in bib


def test_the_comparison_cites_each_later_softwares_sources(root):
    gpus, published, literature = load_inputs(root / "data/gpus.csv", root / "data/literature.csv",
                                               {"sd-txt2img": root / "data/published/table3.csv",
                                                "llm-decode": root / "data/published/table5.csv"})
    text = comparison_fragment(measured_points(gpus, published, literature), "en", literature)
    for row in literature:
        if row.comparable:
            cited = re.search(rf"{re.escape(row.software_group)}~\\cite{{([^}}]*)}}", text)
            assert cited and literature_bib.key(row.source) in cited.group(1).split(","), row.software_group


def test_desktop_sources_have_one_entry_per_document(root):
    from gpusurvey.inputs.desktop_memory import load_desktop_memory

    desktops = load_desktop_memory(root / "data/desktop_memory.csv")
    bib = literature_bib.entries(desktops)
    documents = {d.source for d in desktops}
    assert bib.count("@misc{") == len(documents) < len(desktops)  # the two DDR rows share a page
    ddr = next(d for d in desktops if d.kind == "ddr5")
    entry = bib.split(f"@misc{{{literature_bib.key(ddr.source)},")[1].split("@misc")[0]
    assert ddr.source in entry and "year         = {2026}" in entry
