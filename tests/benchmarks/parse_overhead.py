"""How much does parsing this workflow cost? (a benchmark script, not a test)

Times a no-op rerun of `snakemake --cores 1 table1` (everything up to date) against a
no-op rerun of a one-rule Snakefile in an empty folder, both in fresh copies, and prints
the ratio. Target: at most 1.5. Usage:

    .venv/bin/python tests/benchmarks/parse_overhead.py [--runs 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
ONE_RULE = 'rule one:\n    output: "one.txt"\n    shell: "echo 1 > {output}"\n'


def timed_runs(cwd: Path, target: str, runs: int) -> list[float]:
    cmd = [SNAKEMAKE, "--cores", "1", "--quiet", "all", "--", target]
    first = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)  # build once
    if first.returncode:
        sys.exit(f"{cwd}: {first.stderr}")
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        for name in ("Snakefile", "workflow", "data", "envs"):
            src = ROOT / name
            copy = shutil.copytree if src.is_dir() else shutil.copy2
            copy(src, project / name)
        minimal = Path(tmp) / "minimal"
        minimal.mkdir()
        (minimal / "Snakefile").write_text(ONE_RULE)
        ours = timed_runs(project, "table1", args.runs)
        base = timed_runs(minimal, "one", args.runs)
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"no-op table1:   median {statistics.median(ours):.3f} s over {args.runs} runs")
    print(f"no-op one rule: median {statistics.median(base):.3f} s over {args.runs} runs")
    print(f"ratio {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
