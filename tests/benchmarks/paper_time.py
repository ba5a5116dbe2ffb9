"""How long does the README's main job take? (a benchmark script, not a test)

Clones this checkout's committed state into a fresh folder (no results/, no .snakemake/) and
times `snakemake --cores 1 paper` there with the installed dependencies (this venv, the
system's TeX Live), once per run, each in its own clean clone. Target: 60 s on a 2-core
machine. Usage:

    .venv/bin/python tests/benchmarks/paper_time.py [--runs 3]

Where the clone has no rule yet for Tables 3-5 or the figures, the script says so and puts the
test stand-ins (tests/paper_fixtures.py) in their place, with `measure=False`; the figure it
prints is then the paper's own cost (macros, appendix, two XeLaTeX builds).
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
TARGET_S = 60.0

sys.path[:0] = [str(ROOT / "workflow"), str(ROOT / "tests")]  # this checkout's package wins
from paper_fixtures import stand_in_missing  # noqa: E402


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd / "workflow")}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)


def clean_clone(dest: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(dest)], check=True)
    return dest


def timed_run(tmp: Path, index: int) -> tuple[float, list[str]]:
    clone = clean_clone(tmp / f"clone{index}")
    cmd = [SNAKEMAKE, "--cores", "1", "paper"]
    stood_in = []
    if run([SNAKEMAKE, "--dry-run", "--quiet", "paper"], clone).returncode != 0:
        stood_in = stand_in_missing(clone, SNAKEMAKE)
        cmd = [SNAKEMAKE, "--cores", "1", "--config", "measure=False", "--", "paper"]
    start = time.perf_counter()
    proc = run(cmd, clone)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed in {clone}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    for lang in ("ko", "en"):
        if not (clone / f"results/paper/survey-{lang}.pdf").is_file():
            sys.exit(f"{clone}: results/paper/survey-{lang}.pdf was not built")
    return elapsed, stood_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            elapsed, stood_in = timed_run(Path(tmp), i)
            samples.append(elapsed)
            note = f" (stand-ins for {', '.join(stood_in)})" if stood_in else ""
            print(f"run {i + 1}: {elapsed:.1f} s{note}")
    median = statistics.median(samples)
    print(f"snakemake --cores 1 paper from a clean clone: median {median:.1f} s over {args.runs} runs "
          f"on {os.cpu_count()} cores (target <= {TARGET_S:.0f} s): "
          f"{'met' if median <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
