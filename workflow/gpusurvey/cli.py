"""The ``gpusurvey`` command: run a benchmark, print the environment, write synthetic weights,
submit records, validate a CUDA machine.

    gpusurvey bench matmul --device auto --profile smoke --out results/measurements/x/matmul.json
    gpusurvey plan --measure auto
    gpusurvey env
    gpusurvey synth llama-13b-gptq results/weights/llama-13b-gptq
    gpusurvey submit results/measurements/*/*.json
    gpusurvey synth llama-13b-gguf-q4_k_m results/weights/llama-13b-gguf-q4_k_m.gguf
    gpusurvey crowd data/crowd/*.json
    gpusurvey fit --gpu "RTX 4060 Ti 16GB" --model qwen2.5-14b --format q4_k_m --context 8192
    gpusurvey validate /tmp/validation --budget 500

Snakemake's bench rules call this command; on a GPU machine without Snakemake, run it directly.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

from gpusurvey.bench import workloads
from gpusurvey.bench.config import PROFILES
from gpusurvey.bench.validation import command as validate_command
from gpusurvey.registry import WORKLOADS
from gpusurvey.reports import fit_cli

SYNTH_GPTQ = ["llama-13b-gptq", "llama-tiny-gptq"]
SYNTH_GGUF = [f"{preset}-{fmt}" for preset in ("llama-13b", "llama-tiny")
              for fmt in ("gguf-q4_0", "gguf-q4_k_m", "gguf-q8_0")]
SYNTH_CHECKPOINTS = SYNTH_GPTQ + SYNTH_GGUF


def _parse_set(items: list[str]) -> dict[str, str]:
    overrides = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"--set: expected KEY=VALUE, got '{item}'")
        overrides[key.strip()] = value.strip()
    return overrides


def check_out(path: Path) -> None:
    """Fail now, before any work, when the record could not be written to ``path``: its folder
    is created and a scratch file written there and removed."""
    if path.is_dir():
        raise OSError(f"--out {path}: is a folder; expected the record's file path (JSON)")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".gpusurvey-write-test-"):
            pass
    except OSError as exc:
        raise OSError(f"--out {path}: cannot write into {folder} "
                      f"({exc.strerror or type(exc).__name__})") from None


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def console_progress(label: str, verbose: bool):
    """A harness Progress that tells the console the run's estimate and, when ``verbose``, each
    call and each step inside it."""
    from tqdm import tqdm

    from gpusurvey.bench.harness import Progress

    class Console(Progress):
        bar = None
        current = ""

        def estimate(self, seconds: float, calls: int, method: str) -> None:
            _say(f"{label}: about {_duration(seconds)} for {calls} calls ({method})")

        def call(self, phase: str, index: int, total: int) -> None:
            self.current = f"{label} {phase} {index}/{total}"

        def step(self, done: int, total: int) -> None:
            if not verbose:
                return
            if self.bar is None:
                self.bar = tqdm(total=total, desc=self.current, unit="step", file=sys.stderr)
            self.bar.update(done - self.bar.n)

        def call_done(self, phase: str, index: int, total: int, seconds: float) -> None:
            if self.bar is not None:
                self.bar.close()
                self.bar = None
            if verbose:
                _say(f"{self.current}: {seconds:.3g} s")

    return Console()


def cmd_bench(args: argparse.Namespace) -> int:
    check_out(args.out)
    from gpusurvey.bench import harness
    from gpusurvey.core.record import save

    harness.offline()
    cls = workloads.get(args.workload)
    config = cls.CONFIG.for_profile(args.profile, **_parse_set(args.set))
    device = harness.resolve_device(args.device)
    workload = cls(config, device)
    label = f"{args.workload} [{device}]"
    why = " (auto: torch sees no CUDA GPU)" if args.device == "auto" and device == "cpu" else ""
    _say(f"{label}{why}, profile {args.profile}: setup, calibration where the workload has one, "
         f"a first call, {config.warmup} warm-up and {config.repetitions} timed repetitions; "
         f"record to {args.out}")
    progress = console_progress(label, verbose=not args.quiet)
    record = harness.measure(workload, args.profile, gpu=args.gpu_model, progress=progress)
    save(record, args.out)
    summary = {"workload": record.workload, "status": record.status, "unit": record.unit,
               "value": record.value, "out": str(args.out)}
    if record.status == "ok":
        metric = record.metrics[record.primary_metric]
        summary.update(std=metric.std, cv=metric.cv, high_cv=metric.high_cv)
    else:
        summary["error"] = record.error
    print(json.dumps(summary))
    return 1 if args.strict and record.status != "ok" else 0


def cmd_plan(args: argparse.Namespace) -> int:
    from gpusurvey.bench.plan import bench_plan, describe
    from gpusurvey.core.machine import gpu_name, machine_slug

    measure = {"auto": "auto", "true": True, "false": False}[args.measure]
    wanted = args.workloads or list(WORKLOADS)
    unknown = sorted(set(wanted) - set(WORKLOADS))
    if unknown:
        raise ValueError(f"unknown workloads {unknown}; expected some of {sorted(WORKLOADS)}")
    print(describe(bench_plan(wanted, measure, gpu_name()), machine_slug()))
    return 0


def cmd_env(args: argparse.Namespace) -> int:
    from gpusurvey.bench import environment, harness

    device = harness.resolve_device(args.device)
    env = environment.capture(device)
    if args.cpu_bandwidth:
        from gpusurvey.bench import cpu_bandwidth

        env["cpu_read_bandwidth"] = cpu_bandwidth.measure(args.threads or cpu_bandwidth.default_threads())
    print(json.dumps(env, indent=2))
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    if args.checkpoint in SYNTH_GGUF:
        from gpusurvey.bench.synth import llama_gguf

        preset, _, fmt = args.checkpoint.partition("-gguf-")
        path = llama_gguf.write(preset, f"gguf-{fmt}", args.folder, progress=not args.quiet)
        print(json.dumps({"checkpoint": args.checkpoint, "path": str(path)}))
        return 0
    from gpusurvey.bench.synth import llama_gptq

    preset = args.checkpoint.removesuffix("-gptq")
    folder = llama_gptq.write(preset, args.folder)
    print(json.dumps({"checkpoint": args.checkpoint, "folder": str(folder)}))
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    """Check records with the build's rules, copy them (all or none) into this machine's folder
    of ``data/measurements/`` and print the git commands that commit them."""
    from gpusurvey.inputs.submit import submit

    for line in submit(args.records, args.gpus, args.to, args.name):
        print(line)
    return 0


def cmd_crowd(args: argparse.Namespace) -> int:
    from gpusurvey.reports.crowd_console import report

    print(report(args.dumps, args.gpus))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gpusurvey", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    bench = sub.add_parser("bench", help="run one workload and write its measurement record")
    bench.add_argument("workload", choices=sorted(WORKLOADS))
    bench.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    bench.add_argument("--profile", default="full", choices=PROFILES,
                       help="full: the survey's settings; smoke: tiny models, seconds on a CPU; "
                            "cpu: full architectures, fewer steps and repetitions")
    bench.add_argument("--out", type=Path, required=True, help="record path (JSON)")
    bench.add_argument("--gpu-model", default=None,
                       help="GPU label for the record (default: the name the driver reports)")
    bench.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override one workload setting (see `gpusurvey settings WORKLOAD`)")
    bench.add_argument("--strict", action="store_true",
                       help="exit non-zero when the record's status is oom or error")
    bench.add_argument("--quiet", action="store_true",
                       help="no progress per call and step (what runs and the estimate are still "
                            "printed)")
    bench.set_defaults(func=cmd_bench)

    plan = sub.add_parser("plan", help="which workloads `measure` runs on this machine, which it "
                                       "skips and why")
    plan.add_argument("workloads", nargs="*", metavar="WORKLOAD",
                      help=f"workloads to consider (default: all of {sorted(WORKLOADS)})")
    plan.add_argument("--measure", default="auto", choices=["auto", "true", "false"],
                      help="the `measure` key of workflow/config.yaml")
    plan.set_defaults(func=cmd_plan)

    settings = sub.add_parser("settings", help="list a workload's settings with their help")
    settings.add_argument("workload", choices=sorted(WORKLOADS))
    settings.add_argument("--profile", default="full", choices=PROFILES)
    settings.set_defaults(func=cmd_settings)

    synth = sub.add_parser("synth", help="write a synthetic checkpoint (real shapes, seeded values) "
                                         "once; an existing complete one is reused")
    synth.add_argument("checkpoint", choices=SYNTH_CHECKPOINTS,
                       help="llama-13b-gptq: LLaMA-13B's shapes, GPTQ 4-bit group 128 (7.3 GB); "
                            "llama-13b-gguf-{q4_0,q4_k_m,q8_0}: one GGUF file in llama.cpp's "
                            "mixture (7.3, 7.8, 13.7 GB); llama-tiny-*: the same format at toy "
                            "size, for tests")
    synth.add_argument("folder", type=Path,
                       help="output folder (GPTQ) or .gguf file (GGUF), written atomically")
    synth.add_argument("--quiet", action="store_true", help="no progress bar")
    synth.set_defaults(func=cmd_synth)

    submit = sub.add_parser("submit", help="check records with the build's rules, copy them into "
                                           "data/measurements/<machine>-<id>/ and print what to commit")
    submit.add_argument("records", nargs="+", help="record files (JSON), such as "
                                                   "results/measurements/*/*.json")
    submit.add_argument("--name", default=None,
                        help="the machine's name in the folder instead of the records' "
                             "environment.machine_id (needed for records without one)")
    submit.add_argument("--gpus", default="data/gpus.csv", help="the GPU table the records resolve in")
    submit.add_argument("--to", type=Path, default=Path("data/measurements"),
                        help="folder of the committed records")
    submit.set_defaults(func=cmd_submit)

    crowd = sub.add_parser("crowd", help="parse dumps of the crowd's Stable Diffusion database and "
                                         "print rows kept and dropped by reason, without building")
    crowd.add_argument("dumps", nargs="+", help="JSON dumps, such as data/crowd/*.json")
    crowd.add_argument("--gpus", default="data/gpus.csv", help="the GPU table the cards resolve in")
    crowd.set_defaults(func=cmd_crowd)

    env = sub.add_parser("env", help="print the environment record of this machine")
    env.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    env.add_argument("--cpu-bandwidth", action="store_true",
                     help="also measure the CPU's memory read bandwidth (a 2 GB buffer, seconds)")
    env.add_argument("--threads", type=int, default=None,
                     help="threads for --cpu-bandwidth (default: every CPU this process may use)")
    env.set_defaults(func=cmd_env)

    fit_cli.add_parser(sub)
    validate_command.add_parser(sub)
    return parser


def cmd_settings(args: argparse.Namespace) -> int:
    cls = workloads.get(args.workload)
    config = cls.CONFIG.for_profile(args.profile)
    for f in dataclasses.fields(config):
        print(f"{f.name} = {getattr(config, f.name)!r}\n    {f.metadata.get('help', '')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, KeyError, RuntimeError, OSError) as exc:
        print(f"gpusurvey: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
