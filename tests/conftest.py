"""Shared fixtures: the repository root and a throw-away copy of it for real Snakemake runs.

Nothing here imports the reporting half's libraries (pylatex, nbformat and the like): a machine
that only measures, such as a borrowed GPU machine, lacks them and must still collect
``pytest -m gpu``. A test module that imports one of them at module level is skipped there
(see ``pytest_pycollect_makemodule``) instead of stopping the collection with an error.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: Packages only the reporting half (tables, paper, notebooks) needs.
REPORTING_PACKAGES = frozenset({"pylatex", "nbformat", "nbclient", "nbconvert"})
COPIED = ["Snakefile", "workflow", "data", "paper", "notebooks", "envs", "pyproject.toml"]


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


def loaded_modules(imports: str, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` a fresh interpreter has in sys.modules after running ``imports``."""
    code = f"import sys; {imports}; print(sorted(m for m in {names!r} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT / "workflow"), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    return ast.literal_eval(proc.stdout.strip().splitlines()[-1])


def snakemake(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the venv's snakemake in ``project``; on failure show its output."""
    env = {**os.environ, "PYTHONPATH": str(project / "workflow")}
    proc = subprocess.run([str(BIN / "snakemake"), *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=1800)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc
