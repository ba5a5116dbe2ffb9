"""The ``gpusurvey`` command: run a benchmark, print the environment, write synthetic weights.

    gpusurvey bench matmul --device auto --profile smoke --out results/measurements/x/matmul.json
    gpusurvey env
    gpusurvey synth llama-13b-gptq results/weights/llama-13b-gptq
    gpusurvey synth llama-13b-gguf-q4_k_m results/weights/llama-13b-gguf-q4_k_m.gguf

Snakemake's bench rules call this command; on a GPU machine without Snakemake, run it directly.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from .bench import workloads

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


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import harness
    from .record import save

    harness.offline()
    cls = workloads.get(args.workload)
    config = cls.CONFIG.for_profile(args.profile, **_parse_set(args.set))
    device = harness.resolve_device(args.device)
    workload = cls(config, device)

    bar = None
    if not args.quiet:
        from tqdm import tqdm

        # Every call counts (cold, warm-up, timed), so the estimate of the time left is the run's.
        bar = tqdm(total=1 + config.warmup + config.repetitions, desc=f"{args.workload} [{device}]",
                   unit="call", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.update(done - bar.n)

    record = harness.measure(workload, args.profile, gpu=args.gpu_model, progress=progress)
    if bar is not None:
        bar.close()
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


def cmd_env(args: argparse.Namespace) -> int:
    from .bench import environment, harness

    device = harness.resolve_device(args.device)
    env = environment.capture(device)
    if args.cpu_bandwidth:
        from .bench import cpu_bandwidth

        env["cpu_read_bandwidth"] = cpu_bandwidth.measure(args.threads or cpu_bandwidth.default_threads())
    print(json.dumps(env, indent=2))
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    if args.checkpoint in SYNTH_GGUF:
        from .bench.synth import llama_gguf

        preset, _, fmt = args.checkpoint.partition("-gguf-")
        path = llama_gguf.write(preset, f"gguf-{fmt}", args.folder, progress=not args.quiet)
        print(json.dumps({"checkpoint": args.checkpoint, "path": str(path)}))
        return 0
    from .bench.synth import llama_gptq

    preset = args.checkpoint.removesuffix("-gptq")
    folder = llama_gptq.write(preset, args.folder)
    print(json.dumps({"checkpoint": args.checkpoint, "folder": str(folder)}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gpusurvey", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    bench = sub.add_parser("bench", help="run one workload and write its measurement record")
    bench.add_argument("workload", choices=sorted(workloads.WORKLOADS))
    bench.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    bench.add_argument("--profile", default="full", choices=["full", "smoke"],
                       help="full: the survey's settings; smoke: tiny models, seconds on a CPU")
    bench.add_argument("--out", type=Path, required=True, help="record path (JSON)")
    bench.add_argument("--gpu-model", default=None,
                       help="GPU label for the record (default: the name the driver reports)")
    bench.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override one workload setting (see `gpusurvey settings WORKLOAD`)")
    bench.add_argument("--strict", action="store_true",
                       help="exit non-zero when the record's status is oom or error")
    bench.add_argument("--quiet", action="store_true", help="no progress bar")
    bench.set_defaults(func=cmd_bench)

    settings = sub.add_parser("settings", help="list a workload's settings with their help")
    settings.add_argument("workload", choices=sorted(workloads.WORKLOADS))
    settings.add_argument("--profile", default="full", choices=["full", "smoke"])
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

    env = sub.add_parser("env", help="print the environment record of this machine")
    env.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    env.add_argument("--cpu-bandwidth", action="store_true",
                     help="also measure the CPU's memory read bandwidth (a 2 GB buffer, seconds)")
    env.add_argument("--threads", type=int, default=None,
                     help="threads for --cpu-bandwidth (default: every CPU this process may use)")
    env.set_defaults(func=cmd_env)
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
