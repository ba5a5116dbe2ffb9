"""The environment a record was measured in: hardware, driver, library versions, git state."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from gpusurvey.core.machine import cpu_model, machine_id

PACKAGES = ("torch", "diffusers", "transformers", "exllamav2", "xformers", "numpy", "nvidia-ml-py")
REPO_ROOT = Path(__file__).resolve().parents[3]


def package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def git_state(root: Path = REPO_ROOT) -> tuple[str | None, bool | None]:
    """(commit, dirty) of the checkout this package runs from; (None, None) outside git."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit, bool(status.strip())


def gpu_info(device: str) -> dict[str, Any]:
    """GPU name, memory, driver and CUDA version; all None on the CPU."""
    info: dict[str, Any] = {"gpu_name": None, "gpu_memory_bytes": None, "driver": None,
                            "cuda": None}
    if device != "cuda":
        return info
    import torch

    props = torch.cuda.get_device_properties(0)
    info.update(gpu_name=props.name, gpu_memory_bytes=int(props.total_memory),
                cuda=torch.version.cuda)
    info["driver"] = driver_version()
    return info


def driver_version() -> str | None:
    """The NVIDIA driver version from NVML, else from ``nvidia-smi``; None when neither answers."""
    try:
        import pynvml

        pynvml.nvmlInit()
        try:
            return pynvml.nvmlSystemGetDriverVersion()
        finally:
            pynvml.nvmlShutdown()
    except Exception:  # noqa: BLE001 - no nvidia-ml-py, or NVML not permitted: ask nvidia-smi
        pass
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.strip().splitlines()
    return lines[0].strip() if lines and lines[0].strip() else None


def capture(device: str, packages: tuple[str, ...] = PACKAGES) -> dict[str, Any]:
    """Everything the record's ``environment`` holds."""
    commit, dirty = git_state()
    names = dict.fromkeys((*PACKAGES, *packages))
    return {
        "utc_time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count() or 1,
        "packages": {name: package_version(name) for name in names},
        "git_commit": commit,
        "git_dirty": dirty,
        "machine_id": machine_id(),
        **gpu_info(device),
    }
