"""The validation's steps in priority order, their planned seconds and the time budget."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gpusurvey.registry import LLM_DECODE, MATMUL, SD_HIRES, SD_TXT2IMG

#: Planned seconds per step, each including its Python start and model set-up. full: the longest
#: each took on the H200 machines with 16 cores and torch 2.11 (validation.txt in
#: data/measurements/nvidia-h200-*/), rounded up: exllamav2's build 146 s (the checkpoint is
#: written beside it), decoding 67 s, text to image 74 s, upscaling 108 s, the matrix product
#: 25 s, the GPU tests 25 s; the unquantised transformers decode was killed after 120 s and 61 s,
#: so it is planned at no less than that.
#: smoke: tiny models on a shared 2-core CPU. A step runs only while its estimate fits what is left.
ESTIMATES_S: dict[str, dict[str, float]] = {
    "full": {
        "probe": 15, "llm-checkpoint": 150, "exllamav2-build": 150, LLM_DECODE: 75,
        "llm-gpu-tests": 30, SD_TXT2IMG: 80, SD_HIRES: 115, MATMUL: 30,
        "xformers-probe": 20, f"{SD_TXT2IMG}-xformers": 60, f"{SD_HIRES}-xformers": 180,
        f"{LLM_DECODE}-transformers": 150, f"{SD_TXT2IMG}-compile": 180,
    },
    "smoke": {
        "probe": 30, "llm-checkpoint": 20, "exllamav2-build": 240, LLM_DECODE: 40,
        "llm-gpu-tests": 60, SD_TXT2IMG: 40, SD_HIRES: 60, MATMUL: 30,
        "xformers-probe": 30, f"{SD_TXT2IMG}-xformers": 40, f"{SD_HIRES}-xformers": 60,
        f"{LLM_DECODE}-transformers": 40, f"{SD_TXT2IMG}-compile": 300,
    },
}
RESERVE_S = 10.0
"""Kept back from the budget for writing the summary and the variants' archive."""
DEFAULT_BUDGET_S = 500.0
"""Nine minutes less about 40 s for installing the carried wheels and starting Python."""
HEADLINE = (LLM_DECODE, SD_TXT2IMG, SD_HIRES, MATMUL)
"""Workloads whose records the tables read, each written as OUT/<machine>/<workload>.json."""
XFORMERS_STEPS = (f"{SD_TXT2IMG}-xformers", f"{SD_HIRES}-xformers")
"""The variants that run only where xformers' kernels load."""


class Budget:
    """Seconds left of a fixed allowance, from a monotonic clock (injectable for tests)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.start = clock()

    def elapsed(self) -> float:
        return self.clock() - self.start

    def left(self) -> float:
        """What a step may still use: the rest of the allowance less the reserve."""
        return self.seconds - RESERVE_S - self.elapsed()

    def fits(self, estimate_s: float) -> bool:
        return estimate_s <= self.left()

    def timeout(self, estimate_s: float) -> float:
        """How long a step that fits may run before it is killed."""
        return max(0.0, min(max(2 * estimate_s, estimate_s + 60), self.left()))


@dataclass
class Step:
    name: str
    command: list[str]
    record: Path | None = None
    """Where the step's measurement record lands (bench steps only)."""
    needs: tuple[str, ...] = ()
    background: bool = False
    """Started and left running; a later step that needs it waits for it."""
    skip: str | None = None
    """Why the step does not run here, decided before it would start."""
    status: str = "pending"
    reason: str = ""
    seconds: float = 0.0
    estimate_s: float = 0.0
    result: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None
    log: Path | None = None
    started: float = 0.0
    deadline: float = 0.0


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def bench(workload: str, out: Path, device: str, profile: str, *settings: str,
          strict: bool = True) -> list[str]:
    command = python("-m", "gpusurvey.cli", "bench", workload, "--device", device, "--profile",
                     profile, "--quiet", "--out", str(out))
    for setting in settings:
        command += ["--set", setting]
    return command + (["--strict"] if strict else [])


PROBE = """
import json, os, sys
import torch
info = {"python": sys.version.split()[0], "torch": torch.__version__, "cuda": torch.version.cuda,
        "cuda_available": torch.cuda.is_available(), "cpus": os.cpu_count()}
if info["cuda_available"]:
    info["gpu"] = torch.cuda.get_device_name(0)
    info["capability"] = "%d.%d" % torch.cuda.get_device_capability(0)
    info["memory_gib"] = round(torch.cuda.get_device_properties(0).total_memory / 2**30, 1)
    try:  # CUDA library headers from the pip packages, where the toolkit lacks them
        import nvidia
        folder = os.path.join(list(nvidia.__path__)[0], "cu" + torch.version.cuda.split(".")[0],
                              "include")
        info["nvidia_include"] = folder if os.path.isdir(folder) else None
    except ImportError:
        info["nvidia_include"] = None
print("PROBE " + json.dumps(info))
"""
XFORMERS_PROBE = """
from gpusurvey.bench.workloads.sd_models import xformers_problem
print("XFORMERS", xformers_problem("cuda") or "ok")
"""


def plan(device: str, profile: str, out: Path, variants: Path, weights: Path,
         scratch: Path) -> list[Step]:
    """Every step in priority order (the probe's findings are applied as it goes)."""
    record = {workload: out / f"{workload}.json" for workload in HEADLINE}
    gpu = device == "cuda"
    not_here = None if gpu else "exllamav2 needs a CUDA GPU"
    no_xformers = None if gpu else "xformers needs a CUDA GPU"
    preset = "llama-13b" if profile == "full" else "llama-tiny"
    checkpoint = f"checkpoint={weights}"
    llm_needs = ("llm-checkpoint", "exllamav2-build") if gpu else ("llm-checkpoint",)
    xformers = ("xformers-probe",)
    return [
        Step("probe", python("-c", PROBE)),
        Step("llm-checkpoint", python("-m", "gpusurvey.cli", "synth", f"{preset}-gptq", str(weights)),
             background=True),
        Step("exllamav2-build", python("-c", "import exllamav2; print('exllamav2', "
                                       "exllamav2.__version__, 'imported')"),
             needs=("probe",), skip=not_here),
        Step(LLM_DECODE, bench(LLM_DECODE, record[LLM_DECODE], device, profile,
                                 f"backend={'exllamav2' if gpu else 'auto'}", checkpoint),
             record=record[LLM_DECODE], needs=llm_needs),
        Step(SD_TXT2IMG, bench(SD_TXT2IMG, record[SD_TXT2IMG], device, profile,
                                 "attention=sdpa"), record=record[SD_TXT2IMG]),
        Step(SD_HIRES, bench(SD_HIRES, record[SD_HIRES], device, profile, "attention=sdpa"),
             record=record[SD_HIRES]),
        Step(MATMUL, bench(MATMUL, record[MATMUL], device, profile), record=record[MATMUL]),
        Step("llm-gpu-tests", python("-m", "pytest", "-q", "-m", "gpu", "-p", "no:cacheprovider",
                                     f"--basetemp={scratch / 'pytest'}", "tests/test_llm_gpu.py"),
             needs=("exllamav2-build",), skip=not_here),
        Step("xformers-probe", python("-c", XFORMERS_PROBE), skip=no_xformers),
        Step(f"{SD_TXT2IMG}-xformers",
             bench(SD_TXT2IMG, variants / f"{SD_TXT2IMG}-xformers.json", device, profile,
                   "attention=xformers", strict=False),
             record=variants / f"{SD_TXT2IMG}-xformers.json", needs=xformers, skip=no_xformers),
        Step(f"{SD_HIRES}-xformers",
             bench(SD_HIRES, variants / f"{SD_HIRES}-xformers.json", device, profile,
                   "attention=xformers", strict=False),
             record=variants / f"{SD_HIRES}-xformers.json", needs=xformers, skip=no_xformers),
        Step(f"{LLM_DECODE}-transformers",
             bench(LLM_DECODE, variants / f"{LLM_DECODE}-transformers.json", device, profile,
                   "backend=transformers", checkpoint, "warmup=1", "repetitions=5", strict=False),
             record=variants / f"{LLM_DECODE}-transformers.json", needs=("llm-checkpoint",)),
        Step(f"{SD_TXT2IMG}-compile",
             bench(SD_TXT2IMG, variants / f"{SD_TXT2IMG}-compile.json", device, profile,
                   "attention=sdpa", "compile=true", strict=False),
             record=variants / f"{SD_TXT2IMG}-compile.json"),
    ]
