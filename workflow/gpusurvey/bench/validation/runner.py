"""Running the validation's steps within the budget, and writing the summary after each."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import tarfile
import time
from datetime import UTC, datetime
from pathlib import Path

from gpusurvey.bench.environment import REPO_ROOT
from gpusurvey.bench.synth.llama_gptq import scratch_folder
from gpusurvey.bench.validation.steps import ESTIMATES_S, HEADLINE, XFORMERS_STEPS, Budget, Step, plan
from gpusurvey.core.atomic import atomic_path, write_text
from gpusurvey.core.machine import machine_slug

PACKAGE_PARENT = Path(__file__).resolve().parents[3]
"""The folder that holds the ``gpusurvey`` package, put on each step's PYTHONPATH."""
NOT_SELECTED = "not selected (--steps)"
"""Why a step left out by ``--steps`` was skipped; a table's record left out so fails nothing."""


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
        paths = [str(PACKAGE_PARENT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
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
                step.status, step.reason = "skipped", NOT_SELECTED
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
            step.process = subprocess.Popen(step.command, cwd=REPO_ROOT, env=self.env, stdout=log,
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
                for name in XFORMERS_STEPS:
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
        write_text(self.out / "summary.txt", summary_text(data))

    def exit_status(self) -> int:
        broken = any(s.status in ("failed", "timeout") and s.name != "xformers-probe"
                     for s in self.steps)
        missing = any(self.step(name).status != "ok" and self.step(name).reason != NOT_SELECTED
                      for name in HEADLINE)
        return 1 if broken or missing else 0


def summary_text(data: dict) -> str:
    """The summary as one line per step, under a line naming the machine and the time used."""
    lines = [f"{data['machine']} ({data['device']}, {data['profile']}): "
             f"{data['elapsed_s']:.0f} of {data['budget_s']:.0f} s"
             + ("" if data["finished"] else ", still running")]
    for step in data["steps"]:
        value = ""
        if step.get("value") is not None:
            value = f" {step['value']:.4g} {step['unit']}"
        detail = step.get("pytest") or step.get("xformers") or ""
        lines.append(f"{step['name']:<24} {step['status']:<8} {step['seconds']:>6.1f} s "
                     f"(est. {step['estimate_s']:.0f}){value} {step['reason']} {detail}".rstrip())
    return "\n".join(lines) + "\n"


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
