"""Check and measure a CUDA machine in one call that stops itself within a time budget.

Runs, in this order, each step as a subprocess with a timeout, and keeps what finished:

1. ``probe``: torch, CUDA and the GPU (nothing else runs without a GPU when the device is cuda);
2. ``llm-checkpoint``, in the background: the synthetic LLaMA-13B GPTQ checkpoint, written
   once into ``llama_gptq.scratch_folder`` (where tests/benchmarks/llm_roofline.py finds it),
   while ``exllamav2-build`` imports exllamav2, which compiles its CUDA extension into a fresh
   ``TORCH_EXTENSIONS_DIR`` of this run (a build killed midway leaves no stale lock behind for
   a later run);
3. ``llm-decode`` (exllamav2), then ``llm-gpu-tests`` (``pytest -m gpu tests/test_llm_gpu.py``);
4. ``sd-txt2img`` and ``sd-hires`` with PyTorch's SDPA attention, then ``matmul``;
5. variants, which no table reads: the xformers runs only when ``xformers-probe`` finds its
   compiled kernels loading beside this torch, the unquantised transformers LLM backend, and
   ``torch.compile`` last.

Budget: ``ESTIMATES_S`` below holds each step's planned seconds. Before a step starts, the
script compares its estimate with what is left of ``--budget`` (less ``RESERVE_S`` for the
summary) and skips a step that would not fit, going on with the next; a step that runs is
killed, with its process group, when it outlives ``2 x estimate`` (at least estimate + 60 s) or
the budget's end, whichever comes first. A step that needs an earlier one (a record of
exllamav2 needs its build) is skipped when that one did not succeed.

Output, under OUT (default ``$OUT``; another folder inside the checkout is refused), flat
enough to come back from a machine that returns at most 8 files, 2 folders down at most:

    OUT/summary.json, OUT/summary.txt   every step: status, seconds, estimate, record, value
    OUT/steps.log                       every step's own output
    OUT/<machine>/<workload>.json       the records the tables read (4 at most)
    OUT/variants.tar                    <machine>/variants/<name>.json, the variants' records

The summary is rewritten after every step, so a call cut short still brings back what ran.
Copy the records unchanged into the repository (data/measurements/README.md):

    cp OUT/<machine>/*.json data/measurements/<machine>/
    tar -xf OUT/variants.tar -C data/measurements/

Usage (exit status 1 when a step failed or timed out, or a table's record was not made):

    python3 tests/benchmarks/gpu_validation.py [OUT] [--budget 500] [--device cuda|cpu]
        [--profile full|smoke] [--steps NAME,...] [--estimate NAME=SECONDS ...]

``--device cpu --profile smoke`` rehearses the same steps on tiny models on any machine
(tests/test_gpu_validation.py runs it). On a GPU machine without network or Snakemake, whose
own torch must stay, carry the missing packages as wheels; see data/measurements/README.md for
the wheels and the exact command of a borrowed GPU machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "workflow"))
sys.dont_write_bytecode = True  # nothing of this run lands in the checkout

from gpusurvey.bench.synth.llama_gptq import scratch_folder  # noqa: E402
from gpusurvey.core.atomic import atomic_path, write_text  # noqa: E402
from gpusurvey.core.machine import machine_slug  # noqa: E402

#: Planned seconds per step, each including its Python start and model set-up. full: an H200
#: with 16 cores; exllamav2's build took 7.5 min on 2 cores (compiled for one architecture here);
#: sd-txt2img is 13 calls of 100 steps at about 50 it/s, sd-hires 7 repetitions of 3 images with
#: 25 steps at 2048x1152; llm-decode 13 generations of 400 tokens plus loading 7.3 GB. smoke:
#: tiny models on a shared 2-core CPU. A step runs only while its estimate fits what is left.
ESTIMATES_S: dict[str, dict[str, float]] = {
    "full": {
        "probe": 20, "llm-checkpoint": 90, "exllamav2-build": 180, "llm-decode": 75,
        "llm-gpu-tests": 45, "sd-txt2img": 60, "sd-hires": 180, "matmul": 30,
        "xformers-probe": 20, "sd-txt2img-xformers": 60, "sd-hires-xformers": 180,
        "llm-decode-transformers": 60, "sd-txt2img-compile": 180,
    },
    "smoke": {
        "probe": 30, "llm-checkpoint": 20, "exllamav2-build": 240, "llm-decode": 40,
        "llm-gpu-tests": 60, "sd-txt2img": 40, "sd-hires": 60, "matmul": 30,
        "xformers-probe": 30, "sd-txt2img-xformers": 40, "sd-hires-xformers": 60,
        "llm-decode-transformers": 40, "sd-txt2img-compile": 300,
    },
}
RESERVE_S = 10.0
"""Kept back from the budget for writing the summary and the variants' archive."""
DEFAULT_BUDGET_S = 500.0
"""Nine minutes less about 40 s for installing the carried wheels and starting Python."""
HEADLINE = ("llm-decode", "sd-txt2img", "sd-hires", "matmul")
"""Workloads whose records the tables read, each written as OUT/<machine>/<workload>.json."""


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
        Step("llm-decode", bench("llm-decode", record["llm-decode"], device, profile,
                                 f"backend={'exllamav2' if gpu else 'auto'}", checkpoint),
             record=record["llm-decode"], needs=llm_needs),
        Step("llm-gpu-tests", python("-m", "pytest", "-q", "-m", "gpu", "-p", "no:cacheprovider",
                                     f"--basetemp={scratch / 'pytest'}", "tests/test_llm_gpu.py"),
             needs=("exllamav2-build",), skip=not_here),
        Step("sd-txt2img", bench("sd-txt2img", record["sd-txt2img"], device, profile,
                                 "attention=sdpa"), record=record["sd-txt2img"]),
        Step("sd-hires", bench("sd-hires", record["sd-hires"], device, profile, "attention=sdpa"),
             record=record["sd-hires"]),
        Step("matmul", bench("matmul", record["matmul"], device, profile), record=record["matmul"]),
        Step("xformers-probe", python("-c", XFORMERS_PROBE), skip=no_xformers),
        Step("sd-txt2img-xformers",
             bench("sd-txt2img", variants / "sd-txt2img-xformers.json", device, profile,
                   "attention=xformers", strict=False),
             record=variants / "sd-txt2img-xformers.json", needs=xformers, skip=no_xformers),
        Step("sd-hires-xformers",
             bench("sd-hires", variants / "sd-hires-xformers.json", device, profile,
                   "attention=xformers", strict=False),
             record=variants / "sd-hires-xformers.json", needs=xformers, skip=no_xformers),
        Step("llm-decode-transformers",
             bench("llm-decode", variants / "llm-decode-transformers.json", device, profile,
                   "backend=transformers", checkpoint, "warmup=1", "repetitions=5", strict=False),
             record=variants / "llm-decode-transformers.json", needs=("llm-checkpoint",)),
        Step("sd-txt2img-compile",
             bench("sd-txt2img", variants / "sd-txt2img-compile.json", device, profile,
                   "attention=sdpa", "compile=true", strict=False),
             record=variants / "sd-txt2img-compile.json"),
    ]


def tail(path: Path, lines: int = 12) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Runner:
    def __init__(self, args: argparse.Namespace, out: Path, scratch: Path, budget: Budget):
        self.args = args
        self.out = out
        self.scratch = scratch
        self.budget = budget
        self.machine = machine_slug()  # as the harness names it in each record
        self.records = out / self.machine
        self.variants = scratch / "variants" / self.machine / "variants"
        self.weights = args.weights or scratch_folder("llama-13b" if args.profile == "full"
                                                      else "llama-tiny")
        self.steps = plan(args.device, args.profile, self.records, self.variants, self.weights,
                          scratch)
        estimates = {**ESTIMATES_S[args.profile], **args.estimate}
        for step in self.steps:
            step.estimate_s = float(estimates[step.name])
        self.probe: dict = {}
        self.env = self.environment()
        self.started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        paths = [str(ROOT / "workflow"), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
        env.update(PYTHONPATH=os.pathsep.join(paths), PYTHONUNBUFFERED="1",
                   PYTHONDONTWRITEBYTECODE="1",
                   TORCH_EXTENSIONS_DIR=str(self.scratch / "torch_extensions"))
        env.setdefault("MAX_JOBS", str(os.cpu_count() or 1))
        return env

    # -- steps ------------------------------------------------------------------------------

    def run(self) -> int:
        selected = set(self.args.steps) if self.args.steps else None
        for step in self.steps:
            if selected is not None and step.name not in selected and step.name != "probe":
                step.status, step.reason = "skipped", "not selected (--steps)"
                continue
            self.start_or_skip(step)
            if step.process is not None and not step.background:
                self.finish(step)
            if step.name == "probe" and step.status != "ok":  # nothing can run without it
                for other in self.steps[1:]:
                    other.skip = other.skip or f"probe {step.status}"
            self.write_summary()
        for step in self.steps:
            if step.process is not None:
                self.finish(step)
        self.write_variants()
        self.write_summary(final=True)
        print((self.out / "summary.txt").read_text(encoding="utf-8"), end="", flush=True)
        return self.exit_status()

    def start_or_skip(self, step: Step) -> None:
        reason = step.skip or self.unmet(step)
        if reason is None and step.name == "llm-checkpoint" and (self.weights / "config.json").exists():
            step.status, step.reason = "ok", f"reused {self.weights}"
            return
        if reason is None and not self.budget.fits(step.estimate_s):
            reason = (f"would not fit: estimate {step.estimate_s:.0f} s, "
                      f"{max(0.0, self.budget.left()):.0f} s left")
        if reason is not None:
            step.status, step.reason = "skipped", reason
            print(f"== {step.name}: skipped ({reason})", flush=True)
            return
        if step.record is not None:
            step.record.unlink(missing_ok=True)
            step.record.parent.mkdir(parents=True, exist_ok=True)
        step.log = self.scratch / f"{step.name}.log"
        print(f"== {step.name} (estimate {step.estimate_s:.0f} s, "
              f"{self.budget.left():.0f} s left)", flush=True)
        with open(step.log, "w", encoding="utf-8") as log:
            step.process = subprocess.Popen(step.command, cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        step.started = time.monotonic()
        step.deadline = step.started + self.budget.timeout(step.estimate_s)
        step.status = "running"

    def unmet(self, step: Step) -> str | None:
        for name in step.needs:
            other = self.step(name)
            if other.process is not None:  # a background step: wait for it now
                self.finish(other)
            if other.status != "ok":
                return f"needs {name}, which ended {other.status}"
        return None

    def finish(self, step: Step) -> None:
        """Wait for a started step until its deadline, then record how it ended."""
        process = step.process
        try:
            code = process.wait(timeout=max(0.0, step.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            stop(process)
            step.status = "timeout"
            step.reason = f"killed after {time.monotonic() - step.started:.0f} s"
        else:
            step.status = "ok" if code == 0 else "failed"
            step.reason = "" if code == 0 else f"exit status {code}"
        step.process = None
        step.seconds = round(time.monotonic() - step.started, 1)
        self.read_result(step)
        with open(self.out / "steps.log", "a", encoding="utf-8") as log:
            log.write(f"===== {step.name}: {step.status} {step.reason} ({step.seconds} s)\n")
            log.write(step.log.read_text(encoding="utf-8", errors="replace"))
        print(tail(step.log), flush=True)
        print(f"== {step.name}: {step.status} {step.reason} in {step.seconds} s", flush=True)

    def read_result(self, step: Step) -> None:
        output = step.log.read_text(encoding="utf-8", errors="replace")
        if step.name == "probe":
            lines = [line for line in output.splitlines() if line.startswith("PROBE ")]
            self.probe = json.loads(lines[-1][6:]) if lines else {}
            self.apply_probe(step)
        elif step.name == "xformers-probe":
            lines = [line for line in output.splitlines() if line.startswith("XFORMERS ")]
            verdict = lines[-1][9:] if lines else f"the probe ended {step.status}"
            step.result = {"xformers": verdict}
            if verdict != "ok":
                for name in ("sd-txt2img-xformers", "sd-hires-xformers"):
                    self.step(name).skip = f"xformers cannot run: {verdict}"
        elif step.name == "llm-gpu-tests":
            lines = output.strip().splitlines()
            step.result = {"pytest": lines[-1] if lines else ""}
        if step.record is not None and step.record.exists():
            data = json.loads(step.record.read_text(encoding="utf-8"))
            metric = data["metrics"].get(data["primary_metric"]) or {}
            step.result = {"record_status": data["status"], "metric": data["primary_metric"],
                           "value": metric.get("mean"), "cv": metric.get("cv"),
                           "unit": data["unit"], "error": data["error"],
                           "attention": data["backend"].get("attention")}
            if "efficiency" in data["extra"]:
                step.result["efficiency"] = data["extra"]["efficiency"]
            if step.status == "ok" and data.get("status") != "ok":
                step.status, step.reason = "failed", f"record status {data.get('status')}"

    def apply_probe(self, step: Step) -> None:
        """No GPU on a cuda run fails the probe (and so ends the run); a GPU sets the build's
        target and the CUDA headers."""
        if self.args.device == "cuda" and step.status == "ok" and not self.probe.get("cuda_available"):
            step.status, step.reason = "failed", "torch sees no CUDA GPU"
        if step.status != "ok":
            return
        if self.probe.get("capability"):
            self.env.setdefault("TORCH_CUDA_ARCH_LIST", self.probe["capability"])
        include = self.probe.get("nvidia_include")
        if include:
            self.env["CPATH"] = os.pathsep.join(filter(None, [include, self.env.get("CPATH")]))

    def step(self, name: str) -> Step:
        return next(step for step in self.steps if step.name == name)

    # -- output -----------------------------------------------------------------------------

    def write_variants(self) -> None:
        records = sorted(self.variants.glob("*.json")) if self.variants.is_dir() else []
        if not records:
            return
        with atomic_path(self.out / "variants.tar") as tmp, tarfile.open(tmp, "w") as tar:
            for path in records:
                tar.add(path, arcname=f"{self.machine}/variants/{path.name}")

    def summary(self, final: bool) -> dict:
        return {
            "machine": self.machine, "device": self.args.device, "profile": self.args.profile,
            "started_utc": self.started, "budget_s": self.budget.seconds,
            "elapsed_s": round(self.budget.elapsed(), 1), "finished": final, "probe": self.probe,
            "steps": [{"name": s.name, "status": s.status, "reason": s.reason,
                       "seconds": s.seconds, "estimate_s": s.estimate_s,
                       "record": self.record_name(s), **s.result} for s in self.steps],
        }

    def record_name(self, step: Step) -> str | None:
        """Where the step's record is under OUT (a variant's: inside variants.tar)."""
        if step.record is None:
            return None
        if step.record.is_relative_to(self.out):
            return str(step.record.relative_to(self.out))
        return f"variants.tar:{self.machine}/variants/{step.record.name}"

    def write_summary(self, final: bool = False) -> None:
        data = self.summary(final)
        write_text(self.out / "summary.json", json.dumps(data, indent=2) + "\n")
        lines = [f"{self.machine} ({self.args.device}, {self.args.profile}): "
                 f"{data['elapsed_s']:.0f} of {self.budget.seconds:.0f} s"
                 + ("" if final else ", still running")]
        for step in data["steps"]:
            value = ""
            if step.get("value") is not None:
                value = f" {step['value']:.4g} {step['unit']}"
            detail = step.get("pytest") or step.get("xformers") or ""
            lines.append(f"{step['name']:<24} {step['status']:<8} {step['seconds']:>6.1f} s "
                         f"(est. {step['estimate_s']:.0f}){value} {step['reason']} {detail}".rstrip())
        write_text(self.out / "summary.txt", "\n".join(lines) + "\n")

    def exit_status(self) -> int:
        broken = any(s.status in ("failed", "timeout") and s.name != "xformers-probe"
                     for s in self.steps)
        missing = any(self.step(name).status != "ok" for name in HEADLINE)
        return 1 if broken or missing else 0


def stop(process: subprocess.Popen) -> None:
    """End a step and everything it started (its own process group)."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def estimate(text: str) -> tuple[str, float]:
    name, sep, seconds = text.partition("=")
    known = ESTIMATES_S["full"]
    if not sep or name not in known:
        raise argparse.ArgumentTypeError(f"expected NAME=SECONDS with NAME one of {sorted(known)}, "
                                         f"got '{text}'")
    return name, float(seconds)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=os.environ.get("OUT") or None,
                        help="folder for the records and the summary (default: $OUT)")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET_S,
                        help=f"seconds the whole run may take (default {DEFAULT_BUDGET_S:.0f})")
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--profile", choices=["full", "smoke"], default="full")
    parser.add_argument("--steps", type=lambda s: [n for n in s.split(",") if n], default=None,
                        help="run only these steps (comma-separated; the probe always runs)")
    parser.add_argument("--estimate", type=estimate, action="append", default=[],
                        metavar="NAME=SECONDS", help="replace a step's planned seconds")
    parser.add_argument("--weights", type=Path, default=None,
                        help="synthetic LLaMA checkpoint folder (default: a shared temporary one)")
    args = parser.parse_args(argv)
    if args.out is None:
        parser.error("no output folder: give OUT or set $OUT")
    args.out = Path(args.out).resolve()
    given = os.environ.get("OUT")  # the device machine's own return folder is always fine
    if args.out.is_relative_to(ROOT) and not (given and args.out == Path(given).resolve()):
        parser.error(f"{args.out}: inside the checkout; write the records elsewhere and copy them "
                     "into data/measurements/<machine>/ (data/measurements/README.md)")
    unknown = sorted(set(args.steps or ()) - set(ESTIMATES_S["full"]))
    if unknown:
        parser.error(f"--steps: unknown {unknown}; expected names from {sorted(ESTIMATES_S['full'])}")
    args.estimate = dict(args.estimate)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    budget = Budget(args.budget)
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="gpusurvey-validation-"))
    try:
        return Runner(args, args.out, scratch, budget).run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
