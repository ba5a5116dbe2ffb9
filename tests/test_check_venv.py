"""`make` checks that the virtual environment still satisfies the project and repairs it when
it does not, whatever its stamp file says: envs/check-venv.sh and the Makefile's `install`,
run against a throw-away venv (the project's own venv is only read)."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test creates a virtual environment or runs make

ROOT = Path(__file__).resolve().parents[1]
BROKEN = "broken_tool-1.0.dist-info"


@pytest.fixture
def venv(tmp_path) -> Path:
    """A venv without its own packages that sees the project's through a .pth file, so that
    it satisfies the project until a test breaks it."""
    path = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    (site,) = path.glob("lib/python*/site-packages")
    (site / "project.pth").write_text(f"{sysconfig.get_paths()['purelib']}\n{ROOT / 'workflow'}\n")
    return path


def _break(venv: Path) -> Path:
    """Install a distribution whose requirement nothing meets, as a tool that downgrades a
    dependency leaves the venv: pip check fails."""
    (site,) = venv.glob("lib/python*/site-packages")
    dist = site / BROKEN
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-tool\nVersion: 1.0\n"
                                   "Requires-Dist: jsonschema>=999\n")
    return dist


def _check(venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "envs/check-venv.sh"), str(venv), "all"],
                          capture_output=True, text=True, timeout=300)


def test_the_check_passes_on_a_venv_that_satisfies_the_project(venv):
    proc = _check(venv)
    assert proc.returncode == 0, proc.stderr


def test_the_check_fails_naming_an_unmet_requirement(venv):
    _break(venv)
    proc = _check(venv)
    assert proc.returncode == 1
    assert "pip check:" in proc.stderr and "broken-tool 1.0 has requirement jsonschema>=999" in proc.stderr


def test_the_check_fails_when_the_package_does_not_import(venv):
    (site,) = venv.glob("lib/python*/site-packages")
    (site / "project.pth").write_text(f"{sysconfig.get_paths()['purelib']}\n")  # no workflow/
    (site / "gpusurvey.py").write_text("raise ImportError('gpusurvey removed')\n")
    proc = _check(venv)
    assert proc.returncode == 1
    assert "the package does not import: ImportError: gpusurvey removed" in proc.stderr


def _make_install(venv: Path, pip_install: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "install", f"VENV={venv}",
                           f"PIP_INSTALL={pip_install}"], capture_output=True, text=True, timeout=300)


def test_make_trusts_a_stamp_only_while_the_venv_satisfies_the_project(venv, tmp_path):
    stamp = venv / ".installed-all"
    stamp.touch()  # newer than pyproject.toml: the stamp says the install is done
    marker = tmp_path / "reinstalled"
    proc = _make_install(venv, f"touch {marker}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not marker.exists()

    # Broken behind the stamp's back: make reinstalls (here: a stand-in for pip that repairs the
    # venv), then checks again.
    dist = _break(venv)
    proc = _make_install(venv, f"touch {marker} && rm -r {dist}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert marker.exists() and not dist.exists() and stamp.exists()
    assert "no longer satisfies the project; reinstalling" in proc.stdout
    assert "broken-tool 1.0 has requirement jsonschema>=999" in proc.stderr


def test_make_fails_when_the_reinstall_does_not_repair_the_venv(venv):
    (venv / ".installed-all").touch()
    _break(venv)
    proc = _make_install(venv, "true")
    assert proc.returncode != 0
    assert "broken-tool 1.0 has requirement jsonschema>=999" in proc.stderr
