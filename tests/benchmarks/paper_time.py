"""How long does the README's main job take? (a benchmark script, not a test)

Clones this checkout's committed state into a fresh folder (no results/, no .snakemake/) and
times `snakemake --cores 1 paper` there with the installed dependencies (this venv, the
system's TeX Live), once per run, each in its own clean clone. Target: 45 s on a 2-core
machine. Usage:

    .venv/bin/python tests/benchmarks/paper_time.py [--runs 3]

`--no-measure` adds `--config measure=False`: the published data and committed records only,
without this machine's benchmarks (the paper's own cost: tables, figures, macros, two XeLaTeX
builds).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
TARGET_S = 45.0


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd / "workflow")}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)


def clean_clone(dest: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(dest)], check=True)
    return dest


def timed_run(tmp: Path, index: int, measure: bool) -> float:
    clone = clean_clone(tmp / f"clone{index}")
    cmd = [SNAKEMAKE, "--cores", "1", "paper"]
    if not measure:
        cmd = [SNAKEMAKE, "--cores", "1", "--config", "measure=False", "--", "paper"]
    start = time.perf_counter()
    proc = run(cmd, clone)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed in {clone}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    for lang in ("ko", "en"):
        if not (clone / f"results/paper/survey-{lang}.pdf").is_file():
            sys.exit(f"{clone}: results/paper/survey-{lang}.pdf was not built")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-measure", action="store_true",
                        help="add --config measure=False (no benchmarks of this machine)")
    args = parser.parse_args()
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            samples.append(timed_run(Path(tmp), i, measure=not args.no_measure))
            print(f"run {i + 1}: {samples[-1]:.1f} s")
    median = statistics.median(samples)
    what = "paper --config measure=False" if args.no_measure else "paper"
    print(f"snakemake --cores 1 {what} from a clean clone: median {median:.1f} s over {args.runs} runs "
          f"on {os.cpu_count()} cores (target <= {TARGET_S:.0f} s): "
          f"{'met' if median <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
