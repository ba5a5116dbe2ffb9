"""Helpers the tests share (one module; fixtures live in conftest.py): the repository root, a
real Snakemake run in a copy of the project, a fresh interpreter's imports, measurement records
built with the record contract's own types, and tables written by the production writers."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from gpusurvey.core.record import Metric, Record, save
from gpusurvey.models.profile_settings import PROFILE_SETTINGS, profile_settings
from gpusurvey.registry import TABLES, WORKLOADS

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COPIED = ["Snakefile", "workflow", "data", "paper", "notebooks", "envs", "pyproject.toml"]
"""What a copy of the project holds (code and data, no results)."""


def copy_project(dest: Path, gpu_records: bool = False) -> Path:
    """Copy the project (code and data, no results) into ``dest`` to run Snakemake there. The
    committed GPU records (the folders of ``data/measurements/`` whose records are rows of Tables
    3-5) stay behind unless ``gpu_records``: a workflow test counts the rows of the records it
    writes itself. The CPU machines' folders (records only in ``cpu/``, ``formats/``) come along."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    if not gpu_records:
        for folder in (dest / "data/measurements").iterdir():
            if folder.is_dir() and any(folder.glob("*.json")):
                shutil.rmtree(folder)
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


def planned_jobs(project: Path, *args: str) -> dict[str, int]:
    """The jobs a dry run of ``snakemake args`` in ``project`` would run, by rule."""
    out = snakemake(project, "-n", *args).stdout
    if "Nothing to be done" in out:
        return {}
    stats = out[out.index("Job stats:"):]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, re.MULTILINE) if m[1] != "total"}


def make_record(workload: str = "sd-txt2img", gpu: str | None = "NVIDIA GeForce RTX 4060",
                samples=(12.4, 12.6, 12.5, 12.45, 12.55), *, profile: str = "full", status: str = "ok",
                machine: str = "nvidia-geforce-rtx-4060", metrics: dict[str, Metric] | None = None,
                weights: str = "synthetic") -> Record:
    unit, primary = WORKLOADS[workload].unit, WORKLOADS[workload].primary_metric
    if metrics is None:
        metrics = {primary: Metric(unit=unit, samples=list(samples))} if status == "ok" else {}
    params, backend = {"profile": profile}, {}
    if workload.startswith("sd-"):  # what the compute bound reads: the full profile's step
        params.update(architecture="sd15", width=512, height=512, batch=1, guidance_scale=7.5)
    if workload == "sd-hires":
        params.update(width=768, height=432, hires_width=2048, hires_height=1152, images=1)
    if workload == "llm-decode":  # what the roofline model reads: LLaMA-13B, GPTQ 4-bit, 128 + 400 tokens
        params.update(model="llama-13b", prompt_tokens=128, new_tokens=400, backend="exllamav2")
        backend = {"library": "exllamav2", "weights": "gptq int4 group 128"}
    if workload in PROFILE_SETTINGS:  # the settings of the profile, which the bound assumes
        params.update(profile_settings(workload, profile))
    return Record(
        workload=workload, profile=profile, device="cuda" if gpu else "cpu", machine=machine,
        params=params, primary_metric=primary, unit=unit, status=status,
        error=None if status == "ok" else "CUDA out of memory. Tried to allocate 2.00 GiB",
        gpu=gpu, weights={"kind": weights, "name": None, "sha256": None}, backend=backend, warmup=1,
        repetitions=len(samples), metrics=metrics,
        environment={"utc_time": "2026-11-20T09:30:00+00:00", "python": "3.11.2", "platform": "Linux",
                     "cpu_model": "Test CPU 9000", "cpu_count": 16, "packages": {"torch": "2.13.0"},
                     "git_commit": "0" * 40, "git_dirty": False, "gpu_name": gpu},
    )


def write_record(path: Path, record: Record) -> Path:
    """Save a valid record (validated on the way, like the harness does)."""
    save(record, path)
    return path


def write_broken(path: Path, record: Record, changes: dict) -> Path:
    """Write a record that ``save()`` would refuse: a valid one's dict with ``changes`` applied
    (keys like ``metrics/it_per_s/samples`` reach into nested dicts)."""
    data = record.to_dict()
    for key, value in changes.items():
        *parents, last = key.split("/")
        target = data
        for part in parents:
            target = target[part]
        target[last] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def build_table(root: Path, out: Path, number: int, records=(), profiles=("full",),
                baseline: str = "RTX 3060") -> dict[str, Path]:
    """Write Table ``number`` (3-5) with the production writer from ``root``'s committed data plus
    ``records`` into ``out``; return its files by extension."""
    from gpusurvey.reports.writers import write_perf_table

    name = TABLES[number].name
    paths = {ext: out / f"{name}.{ext}" for ext in ("csv", "ko.tex", "en.tex")}
    write_perf_table(root / "data/gpus.csv", root / f"data/published/{name}.csv",
                     [str(r) for r in records], number, baseline, list(profiles),
                     paths["csv"], paths["ko.tex"], paths["en.tex"])
    return paths


def write_tables(root: Path, out: Path) -> dict[int, Path]:
    """Tables 1-6 from ``root``'s committed data, written by the production writers into ``out``;
    the CSV of each by number. A section's tables (Table 7) come from that section's writer."""
    from gpusurvey.reports.writers import write_spec_table

    csvs = {}
    for number, spec in TABLES.items():
        if spec.section is not None:
            continue  # written by its section's own rule
        if spec.workload is None:
            files = {ext: out / f"{spec.name}.{ext}" for ext in ("csv", "ko.tex", "en.tex")}
            write_spec_table(root / "data/gpus.csv", number, files["csv"], files["ko.tex"], files["en.tex"])
        else:
            files = build_table(root, out, number)
        csvs[number] = files["csv"]
    return csvs


def write_matmul_record(path: Path, samples=(12.5, 12.7, 12.4, 12.9, 12.6), cuda_samples=None) -> None:
    """A valid matmul record for the appendix and the macros: CPU only, or with ``cuda_samples``
    a CUDA machine's record holding both metrics. Its environment has what the appendix must
    escape and list (an underscore, absent packages, a driver)."""
    metrics = {"cpu_torch_fp32_ms": Metric(unit="ms", samples=list(samples), first_call=20.0)}
    gpu = None
    if cuda_samples:
        metrics["cuda_fp32_ms"] = Metric(unit="ms", samples=list(cuda_samples), first_call=90.0)
        gpu = "NVIDIA H100 80GB HBM3"
    record = make_record("matmul", gpu, samples, metrics=metrics, weights="none",
                         machine="nvidia-h100-80gb-hbm3" if gpu else "cpu-test-cpu-model")
    record.environment.update(
        platform="Linux-6.1.0-x86_64-with-glibc2.36", cpu_model="Test CPU Model_X 9000",
        cpu_count=2, git_commit="0123456789abcdef0123456789abcdef01234567",
        packages={"torch": "2.13.0+cpu", "numpy": "2.3.0", "diffusers": None},
        gpu_memory_bytes=85_000_000_000 if gpu else None, driver="580.65" if gpu else None,
        cuda="13.0" if gpu else None, utc_time="2026-11-25T10:00:00Z")
    record.backend = {"library": "torch and numpy", "dtype": "float32"}
    write_record(path, record)


def write_test_records(project: Path) -> None:
    """The records of the shared build (conftest's ``shared_build``): a CPU-only and a CUDA
    machine's matmul records (the appendix and the macros that quote our own measurements), and
    measured rows, one ok and one oom, in Tables 3-5, so that the tables, the paper and the
    notebooks all show records of this pipeline."""
    records = project / "data/measurements"
    write_matmul_record(records / "cpu-test-cpu-model/matmul.json")
    write_matmul_record(records / "nvidia-h100-80gb-hbm3/matmul.json",
                        samples=(30.0, 30.2, 29.8, 30.1, 29.9), cuda_samples=(0.2, 0.21, 0.19, 0.2, 0.2))
    write_record(records / "test-rtx-4090/sd-txt2img.json",
                 make_record("sd-txt2img", "NVIDIA GeForce RTX 4090", (30.2, 30.4, 30.3, 30.1, 30.5),
                             machine="test-rtx-4090"))
    write_record(records / "test-rtx-4060/sd-hires.json",
                 make_record("sd-hires", "NVIDIA GeForce RTX 4060", status="oom", machine="test-rtx-4060"))
    write_record(records / "test-h100/llm-decode.json",
                 make_record("llm-decode", "NVIDIA H100 80GB HBM3", (95.0, 96.0, 95.5, 95.2, 95.8),
                             machine="test-h100"))


def copy_build(build: Path, dest: Path) -> Path:
    """A copy of a built project, results and Snakemake's metadata included (modification times
    kept, so that Snakemake finds nothing to do), for a test that changes files."""
    shutil.copytree(build, dest, symlinks=True)
    return dest


def macro_values(text: str) -> dict[str, str]:
    """The ``\\newcommand`` macros of a generated ``.tex`` file, by name."""
    return dict(re.findall(r"\\newcommand\{\\(\w+)\}\{(.*)\}", text))


def switches(text: str) -> dict[str, bool]:
    """The ``\\newif`` switches of a generated ``.tex`` file, by name."""
    return {name: value == "true" for name, value in re.findall(r"\\(\w+?)(true|false)$", text, re.M)}


def fake_nvidia_smi(project: Path, monkeypatch, name: str = "NVIDIA H100 80GB HBM3") -> str:
    """Put an ``nvidia-smi`` that reports ``name`` and a UUID (the fields ``machine.gpus`` asks
    for) first on PATH (Snakemake then names this machine after that GPU); returns its slug."""
    from gpusurvey.core.machine import slug

    fake_bin = project / "fake-bin"
    fake_bin.mkdir()
    smi = fake_bin / "nvidia-smi"
    smi.write_text(f"#!/bin/sh\necho '{name}, GPU-{slug(name)}'\n")
    smi.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_bin}:{os.environ['PATH']}")
    return slug(name)


def machine_id_here() -> str:
    """This machine's id as a subprocess started now would compute it (with what PATH holds
    now, a fake ``nvidia-smi`` included); the caches are left empty for the next test."""
    from gpusurvey.core import machine

    caches = (machine.gpus, machine.machine_id)
    for cached in caches:
        cached.cache_clear()
    try:
        return machine.machine_id()
    finally:
        for cached in caches:
            cached.cache_clear()

