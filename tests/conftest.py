"""Shared fixtures: the repository root and a throw-away copy of it for real Snakemake runs.
Helper functions are in helpers.py.

Nothing here imports the reporting half's libraries (pylatex, nbformat and the like): a machine
that only measures, such as a borrowed GPU machine, lacks them and must still collect
``pytest -m gpu``. A test module that imports one of them at module level is skipped there
(see ``pytest_pycollect_makemodule``) instead of stopping the collection with an error.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, copy_project, snakemake, write_test_records

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


def pytest_collection_modifyitems(items):
    """Every test that runs Snakemake (``workflow``) or a cluster (``slurm``) is in the slow tier."""
    for item in items:
        if item.get_closest_marker("workflow") or item.get_closest_marker("slurm"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (code and data, no results) to run Snakemake in."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory) -> Path:
    """One clean build of `all` (both papers, every table, figure and notebook) per test session,
    in a copy holding the test records (``helpers.write_test_records``), without this machine's
    benchmarks. Tests that only read outputs share it; a test that changes a file works on
    ``helpers.copy_build`` of it. Under pytest-xdist the workers share it too: the first to ask
    builds it in the session's folder while the others wait on a lock."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's folder, above each worker's own
    project, built = base / "shared-build" / "project", base / "shared-build" / "built"
    with open(base / "shared-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not built.exists():
            shutil.rmtree(project.parent, ignore_errors=True)
            copy_project(project)
            write_test_records(project)
            snakemake(project, "--cores", "2", "all", "--config", "measure=False")
            built.touch()
    return project
