"""Shared fixtures: the repository root and a throw-away copy of it for real Snakemake runs.
Helper functions are in helpers.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import COPIED, ROOT


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (code and data, no results) to run Snakemake in."""
    dest = tmp_path / "project"
    dest.mkdir()
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest
