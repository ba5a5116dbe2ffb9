"""The same inputs give the same bytes: two clean builds of the paper, in two copies of the
project, write byte-identical tables (the survey's and those of the section since it), macros,
figures (PNG and PDF) and PDFs."""

from __future__ import annotations

import shutil

import pytest
from helpers import copy_project, snakemake

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
def test_two_clean_builds_are_byte_identical(tmp_path):
    builds = []
    for name in ("first", "second"):
        project = copy_project(tmp_path / name)
        assert not (project / "results").exists()
        snakemake(project, "--cores", "1", "--config", "measure=False", "--", "paper")
        builds.append(_outputs(project))
    first, second = builds
    assert {"results/paper/survey-en.pdf", "results/paper/survey-ko.pdf"} <= set(first)
    assert any(name.endswith(".png") for name in first) and any(
        name.startswith("results/figures/") and name.endswith(".pdf") for name in first)
    assert sorted(first) == sorted(second)
    differ = sorted(name for name in first if first[name] != second[name])
    assert differ == [], f"{len(differ)} of {len(first)} files differ: {differ}"
