"""Shared fixtures: the repository root and a throw-away copy of it for real Snakemake runs.
Helper functions are in helpers.py.

Nothing here imports the reporting half's libraries (pylatex, nbformat and the like): a machine
that only measures, such as a borrowed GPU machine, lacks them and must still collect
``pytest -m gpu``. A test module that imports one of them at module level is skipped there
(see ``pytest_pycollect_makemodule``) instead of stopping the collection with an error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, copy_project

#: Packages only the reporting half (tables, paper, notebooks) needs.
REPORTING_PACKAGES = frozenset({"pylatex", "nbformat", "nbclient", "nbconvert", "bokeh", "playwright"})


class _TestModule(pytest.Module):
    """A test module that is skipped, not an error, when a reporting package is missing."""

    def collect(self):
        try:
            return super().collect()
        except self.CollectError as exc:
            missing = exc.__cause__  # pytest raises the import's error as the cause
            if (isinstance(missing, ModuleNotFoundError)
                    and (missing.name or "").partition(".")[0] in REPORTING_PACKAGES):
                pytest.skip(f"{self.path.name} needs {missing.name}, which is not installed "
                            "(the reporting half's extras)", allow_module_level=True)
            raise


def pytest_pycollect_makemodule(module_path: Path, parent):
    return _TestModule.from_parent(parent, path=module_path)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (code and data, no results) to run Snakemake in."""
    return copy_project(tmp_path / "project")
