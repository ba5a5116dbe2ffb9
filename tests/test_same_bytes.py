"""The same inputs give the same bytes: two clean builds of the paper, in two copies of the
project (the session's shared build and a fresh one with the same records), write
byte-identical tables (the survey's and those of the sections beyond it), macros, figures (PNG
and PDF) and PDFs."""

from __future__ import annotations

import shutil

import pytest
from helpers import copy_project, snakemake, write_test_records

COMPARED = ("results/tables", "results/since", "results/macros", "results/figures", "results/paper")
SUFFIXES = (".csv", ".tex", ".png", ".pdf")


def _outputs(project) -> dict[str, bytes]:
    files = {}
    for folder in COMPARED:
        for path in sorted((project / folder).rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES:
                files[str(path.relative_to(project))] = path.read_bytes()
    return files


@pytest.mark.workflow
@pytest.mark.skipif(shutil.which("latexmk") is None, reason="needs latexmk and XeLaTeX "
                                                          "(envs/system-packages.sh)")
def test_two_clean_builds_are_byte_identical(shared_build, tmp_path):
    project = copy_project(tmp_path / "second")
    assert not (project / "results").exists()
    write_test_records(project)
    snakemake(project, "--cores", "2", "--config", "measure=False", "--", "paper")
    first, second = _outputs(shared_build), _outputs(project)
    assert {"results/paper/survey-en.pdf", "results/paper/survey-ko.pdf"} <= set(second)
    assert any(name.endswith(".png") for name in second) and any(
        name.startswith("results/figures/") and name.endswith(".pdf") for name in second)
    assert sorted(set(second) - set(first)) == []
    differ = sorted(name for name in second if first[name] != second[name])
    assert differ == [], f"{len(differ)} of {len(second)} files differ: {differ}"
