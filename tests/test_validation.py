"""``gpusurvey validate`` rehearsed on the CPU (smoke profile), its time budget, its summary, and
``pytest -m gpu`` collecting on a machine without the reporting half's packages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import time

import pytest
from conftest import REPORTING_PACKAGES, ROOT
from gpusurvey import cli
from gpusurvey.bench.validation import command, runner, steps
from gpusurvey.core import record as rec

PRIORITY = ["probe", "llm-checkpoint", "exllamav2-build", "llm-decode", "sd-txt2img", "sd-hires", "matmul",
            "llm-gpu-tests", "xformers-probe", "sd-txt2img-xformers", "sd-hires-xformers",
            "llm-decode-transformers", "sd-txt2img-compile"]
IGNORED = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}


def validate(*args: str, env: dict, **kwargs) -> subprocess.CompletedProcess:
    """The documented device command: ``python3 -m gpusurvey.cli validate`` from the checkout's
    ``workflow`` folder on PYTHONPATH, nothing installed."""
    env = {**env, "PYTHONPATH": str(ROOT / "workflow")}
    return subprocess.run([sys.executable, "-m", "gpusurvey.cli", "validate", *args], env=env,
                          capture_output=True, text=True, **kwargs)


def test_steps_run_in_priority_order_each_with_an_estimate(tmp_path):
    planned = steps.plan("cuda", "full", tmp_path / "out", tmp_path / "variants",
                         tmp_path / "weights", tmp_path)
    assert [step.name for step in planned] == PRIORITY
    for profile, estimates in steps.ESTIMATES_S.items():
        assert set(estimates) == set(PRIORITY), profile
    gpu_tests = next(step for step in planned if step.name == "llm-gpu-tests")
    assert gpu_tests.command[-4:] == ["-p", "no:cacheprovider", f"--basetemp={tmp_path / 'pytest'}",
                                      "tests/test_llm_gpu.py"]
    decode = next(step for step in planned if step.name == "llm-decode")
    assert "backend=exllamav2" in decode.command and decode.needs == ("llm-checkpoint",
                                                                      "exllamav2-build")


def test_the_budget_skips_what_would_not_fit_and_caps_what_runs():
    now = [0.0]
    budget = steps.Budget(1000, clock=lambda: now[0])
    usable = 1000 - steps.RESERVE_S
    assert budget.fits(usable) and not budget.fits(usable + 1)
    assert budget.timeout(10) == 70  # at least estimate + 60 s
    assert budget.timeout(100) == 200  # twice the estimate
    now[0] = 950
    assert budget.left() == usable - 950
    assert budget.fits(usable - 950) and not budget.fits(usable - 949)
    assert budget.timeout(20) == usable - 950  # never past the budget's end
    now[0] = 2000
    assert budget.timeout(5) == 0 and not budget.fits(0)


def test_the_output_folder_is_out_by_default_and_never_inside_the_checkout(tmp_path):
    assert command.output_folder(None, str(tmp_path)) == tmp_path.resolve()
    assert command.output_folder(tmp_path / "a", None) == (tmp_path / "a").resolve()
    with pytest.raises(ValueError, match="no output folder"):
        command.output_folder(None, None)
    with pytest.raises(ValueError, match="inside the checkout"):
        command.output_folder(ROOT / "results" / "validation", None)
    # The device machine's own return folder may lie inside the checkout it runs from.
    assert command.output_folder(None, str(ROOT / "out")) == ROOT / "out"


def test_only_the_selected_steps_decide_the_exit_status(tmp_path, monkeypatch):
    """``--steps probe``: the tables' records were not asked for, so none missing fails the run."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    out = tmp_path / "out"
    status = cli.main(["validate", str(out), "--device", "cpu", "--profile", "smoke", "--steps", "probe"])
    steps = {s["name"]: s for s in json.loads((out / "summary.json").read_text())["steps"]}
    assert steps["probe"]["status"] == "ok" and steps["sd-txt2img"]["reason"] == runner.NOT_SELECTED
    assert status == 0


def test_wrong_options_fail_before_anything_runs_naming_the_option(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("OUT", raising=False)
    assert cli.main(["validate"]) == 2
    assert "no output folder: give OUT or set $OUT" in capsys.readouterr().err
    assert cli.main(["validate", str(tmp_path / "out"), "--steps", "probe,sd-hirez"]) == 2
    assert "--steps: unknown ['sd-hirez']" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["validate", str(tmp_path / "out"), "--estimate", "matmul:30"])
    assert "expected NAME=SECONDS" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_summary_reads_one_line_per_step():
    data = {"machine": "nvidia-h200", "device": "cuda", "profile": "full", "elapsed_s": 312.4,
            "budget_s": 500.0, "finished": False,
            "steps": [{"name": "sd-txt2img", "status": "ok", "seconds": 58.31, "estimate_s": 60.0,
                       "reason": "", "value": 47.1234, "unit": "it/s"},
                      {"name": "sd-hires", "status": "skipped", "seconds": 0.0, "estimate_s": 180.0,
                       "reason": "would not fit: estimate 180 s, 120 s left"},
                      {"name": "llm-gpu-tests", "status": "ok", "seconds": 40.0, "estimate_s": 45.0,
                       "reason": "", "pytest": "3 passed in 38.2s"}]}
    assert runner.summary_text(data).splitlines() == [
        "nvidia-h200 (cuda, full): 312 of 500 s, still running",
        "sd-txt2img               ok         58.3 s (est. 60) 47.12 it/s",
        "sd-hires                 skipped     0.0 s (est. 180) would not fit: estimate 180 s, 120 s left",
        "llm-gpu-tests            ok         40.0 s (est. 45)  3 passed in 38.2s",
    ]
    assert "still running" not in runner.summary_text({**data, "finished": True})


def new_files(since: float) -> list[str]:
    """Files under the checkout changed since ``since`` (caches and the venv left out)."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in IGNORED]
        found += [os.path.join(folder, f) for f in files
                  if os.stat(os.path.join(folder, f)).st_mtime >= since]
    return found


@pytest.mark.slow
def test_cpu_rehearsal_writes_only_under_the_folder_given(tmp_path):
    """The whole command on tiny models: records and summary under OUT only, within the device
    tool's limits on what comes back; a step whose estimate exceeds what is left is skipped
    and the next ones still run."""
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "OMP_NUM_THREADS": "1"}
    env.pop("OUT", None)
    start = time.time()
    proc = validate(str(out), "--device", "cpu", "--profile", "smoke", "--budget", "900",
                    "--estimate", "sd-hires=5000", "--estimate", "sd-txt2img-compile=5000",
                    cwd=tmp_path, env=env, timeout=900)
    summary = json.loads((out / "summary.json").read_text())
    steps = {step["name"]: step for step in summary["steps"]}
    assert summary["finished"] and summary["device"] == "cpu", proc.stdout + proc.stderr
    for name in ("probe", "llm-checkpoint", "llm-decode", "sd-txt2img", "matmul",
                 "llm-decode-transformers"):
        assert steps[name]["status"] == "ok", (name, steps[name], proc.stdout[-3000:])
    for name in ("sd-hires", "sd-txt2img-compile"):
        assert steps[name]["status"] == "skipped" and "would not fit" in steps[name]["reason"]
    for name in ("exllamav2-build", "llm-gpu-tests", "sd-txt2img-xformers"):
        assert steps[name]["status"] == "skipped" and "CUDA" in steps[name]["reason"]
    assert proc.returncode == 1  # a table's record (sd-hires) was not made

    machine = summary["machine"]
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == sorted(["summary.json", "summary.txt", "steps.log", "variants.tar",
                            *(f"{machine}/{w}.json" for w in ("llm-decode", "sd-txt2img", "matmul"))])
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", part) for f in files for part in f.split("/"))
    for name in ("llm-decode", "sd-txt2img", "matmul"):
        record = rec.load(out / machine / f"{name}.json")
        assert (record.status, record.profile, record.machine) == ("ok", "smoke", machine)
        assert steps[name]["record"] == f"{machine}/{name}.json"
        assert steps[name]["value"] == record.value
    with tarfile.open(out / "variants.tar") as tar:
        assert tar.getnames() == [f"{machine}/variants/llm-decode-transformers.json"]
    assert "llm-decode" in (out / "summary.txt").read_text()

    assert new_files(start) == []
    # The run's own scratch folder is gone; the synthetic checkpoint stays for the next run.
    assert not list(scratch.glob("gpusurvey-validation-*"))
    assert (scratch / "gpusurvey-weights/llama-tiny-gptq/config.json").is_file()


@pytest.mark.slow
def test_gpu_tests_collect_without_the_reporting_packages():
    """The GPU machine's Python has no pylatex or nbformat: ``pytest -m gpu`` must still collect
    the GPU tests there (modules that need those packages are skipped, not errors)."""
    code = f"""
import importlib.abc, sys
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] in {sorted(REPORTING_PACKAGES)!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Missing())
import pytest
sys.exit(pytest.main(["--collect-only", "-q", "-m", "gpu", "-p", "no:cacheprovider", "tests"]))
"""
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "tests/test_llm_gpu.py::test_exllamav2_logits_match_the_dequantised_reference" in output
    assert "error" not in output.splitlines()[-1].lower()
    assert "pylatex" in output  # the skip says which package was missing


@pytest.mark.slow
def test_without_a_gpu_a_cuda_run_stops_after_the_probe(tmp_path):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    out = tmp_path / "out"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = validate(str(out), env=env, timeout=300)
    summary = json.loads((out / "summary.json").read_text())
    probe, *rest = summary["steps"]
    assert proc.returncode == 1
    assert (probe["status"], probe["reason"]) == ("failed", "torch sees no CUDA GPU")
    assert all(step["status"] == "skipped" for step in rest)
    assert sorted(p.name for p in out.iterdir()) == ["steps.log", "summary.json", "summary.txt"]
