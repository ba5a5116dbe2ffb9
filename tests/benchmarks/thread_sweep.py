"""How llama.cpp's CPU decode scales with threads (a benchmark script, not a test).

Runs ``gpusurvey bench llm-decode --profile cpu`` on one GGUF file once per thread count
(1 to every CPU this process may use, or ``--threads``; the bandwidth probe on the same threads),
keeps each record under ``--records`` (``threads-<n>.json``), and writes a Markdown table of them
and of the records given with ``--with`` (a thread count already measured) to ``--table``:
decode tokens/s (mean ± standard deviation over the timed repetitions), the probe's median read
bandwidth with its range, the memory and arithmetic ceilings, which one binds and the efficiency
against it. Usage (a quiet machine):

    .venv/bin/python tests/benchmarks/thread_sweep.py results/weights/llama-13b-gguf-q4_0.gguf \\
        --records data/measurements/<machine>/threads --table docs/cpu-threads.md \\
        --with data/measurements/<machine>/formats/llm-decode-gguf-q4_0.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "workflow"))

from gpusurvey.bench.config import WorkloadConfig  # noqa: E402
from gpusurvey.bench.cpu_bandwidth import default_threads  # noqa: E402
from gpusurvey.core.atomic import write_text  # noqa: E402

HEADER = ("| threads | decode tokens/s | read GB/s (median, range) | memory bound | arithmetic bound "
          "| binds | efficiency | CV |\n|---:|---:|---:|---:|---:|---|---:|---:|")


def row(record: dict) -> str:
    """One line of the table from one record."""
    extra, metric = record["extra"], record["metrics"]["decode_tokens_per_s"]
    probe = extra["cpu_bandwidth_probe"]
    arithmetic = extra.get("arithmetic_bound_tokens_per_s")
    return (f"| {record['backend']['n_threads']} | {metric['mean']:.2f} ± {metric['std']:.2f} "
            f"| {probe['gbs']:.1f} ({probe['min_gbs']:.1f}-{probe['max_gbs']:.1f}) "
            f"| {extra['bandwidth_bound_tokens_per_s']:.2f} "
            f"| {'-' if arithmetic is None else f'{arithmetic:.2f}'} | {extra['binding']} "
            f"| {extra['efficiency']:.0%} | {metric['cv']:.1%} |")


def table(records: list[dict], checkpoint: str) -> str:
    first = records[0]
    env = first["environment"]
    lines = [
        "# llama.cpp on the CPU: decode speed by thread count",
        "",
        f"Written by `tests/benchmarks/thread_sweep.py` from the records in the folder it was given; "
        f"LLaMA-13B {first['backend']['weights']} (`{Path(checkpoint).name}`, "
        f"{first['weights']['kind']} weights), {first['params']['prompt_tokens']}-token prompt, "
        f"{first['params']['new_tokens']} new tokens, {first['repetitions']} timed repetitions after "
        f"the cold first call; {env['cpu_model']}, {env['cpu_count']} CPUs, llama-cpp-python "
        f"{env['packages'].get('llama-cpp-python')}, {env['utc_time'][:10]}.",
        "",
        HEADER,
        *(row(r) for r in records),
        "",
        "Read GB/s: the median of the bandwidth probe's samples taken before the model loaded and "
        "before every call (two kernels on the same threads; `gpusurvey.bench.cpu_bandwidth`). "
        "Memory bound: that bandwidth over the bytes one token reads; arithmetic bound: the rate "
        "at which the run's prefill multiplied weights (its tokens share one read of the weights) "
        "over the weights one decoded token multiplies "
        "(`gpusurvey.models.roofline.prefill_arithmetic_bound`). Efficiency is against the lower "
        "of the two.",
        "",
    ]
    return "\n".join(lines)


def wait_quiet(limit_s: float = 600) -> None:
    """Until the 1-minute load average per CPU is below the harness's default threshold (the
    previous run's own threads still count in it for a minute or two)."""
    threshold = WorkloadConfig().max_load_per_cpu * (os.cpu_count() or 1)
    waited = 0.0
    while os.getloadavg()[0] > threshold * 0.9 and waited < limit_s:
        time.sleep(10)
        waited += 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", help="a LLaMA-13B .gguf file")
    parser.add_argument("--records", type=Path, required=True, help="folder for threads-<n>.json")
    parser.add_argument("--table", type=Path, required=True, help="the Markdown table to write")
    parser.add_argument("--threads", type=int, nargs="+", default=None,
                        help="thread counts to run (default: 1 to every CPU this process may use)")
    parser.add_argument("--with", dest="measured", type=Path, nargs="*", default=[],
                        help="records of the same file and settings already measured (their thread "
                             "counts are not run again)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="another llm-decode setting for every run")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "workflow")}
    records = [json.loads(p.read_text(encoding="utf-8")) for p in args.measured]
    done = {r["backend"]["n_threads"] for r in records}
    for threads in args.threads or range(1, default_threads() + 1):
        if threads in done:
            continue
        out = args.records / f"threads-{threads}.json"
        command = [sys.executable, "-m", "gpusurvey.cli", "bench", "llm-decode", "--device", "cpu",
                   "--profile", "cpu", "--out", str(out), "--quiet", "--strict",
                   "--set", "backend=llama.cpp", "--set", f"checkpoint={args.checkpoint}",
                   "--set", f"threads={threads}", *(f"--set={item}" for item in args.set)]
        wait_quiet()
        print(" ".join(command), flush=True)
        subprocess.run(command, check=True, env=env)
        records.append(json.loads(out.read_text(encoding="utf-8")))
        print(row(records[-1]), flush=True)
    records.sort(key=lambda r: r["backend"]["n_threads"])
    write_text(args.table, table(records, args.checkpoint))
    print(f"wrote {args.table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
