"""How fast is the crowd's parser? (a benchmark script, not a test)

Parses and summarises (every row's reason, Table 7) the committed dumps of ``data/crowd/``,
then a synthetic dump of ``--rows`` rows (the snapshot repeated with new ids), each in a fresh
process, and prints the wall time (and the CPU time, which a busy machine does not inflate) and
the peak resident memory of each; the targets are on the wall time. Targets: the snapshot
in at most 2 s; 200,000 rows in at most 30 s and 2 GB. Usage:

    .venv/bin/python tests/benchmarks/crowd_parse.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"snapshot": (2.0, None), "synthetic": (30.0, 2.0)}
"""Seconds and GB each run may take."""


def summarise(paths: list[str]) -> dict:
    """Parse and summarise ``paths`` in this process; the time and this process's peak memory."""
    sys.path.insert(0, str(ROOT / "workflow"))
    from gpusurvey.inputs.crowd import counts, load_crowd
    from gpusurvey.reports.crowd_table import card_table
    from gpusurvey.reports.crowd_writers import survey_values

    gpus = ROOT / "data/gpus.csv"
    start, cpu = time.perf_counter(), time.process_time()
    rows = load_crowd(paths, gpus)
    table = card_table(rows, survey_values(gpus, ROOT / "data/published/table3.csv"), {}, 5)
    kept = int(counts(rows).get("kept", 0))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9  # Linux: KiB
    return {"rows": len(rows), "kept": kept, "cards": len(table), "seconds": seconds,
            "cpu_seconds": cpu_seconds, "peak_gb": peak_gb}


def synthetic(path: Path, n_rows: int) -> None:
    """The snapshot's rows repeated, each copy with new ids, up to ``n_rows`` rows."""
    source = []
    for dump in sorted((ROOT / "data/crowd").glob("*.json")):
        source += json.loads(dump.read_text(encoding="utf-8"))
    out = []
    for i in range(n_rows):
        row = list(source[i % len(source)])
        row[0] = i + 1
        out.append(row)
    path.write_text(json.dumps(out), encoding="utf-8")


def run_child(paths: list[str]) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *paths], capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr)
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(summarise(args.child)))
        return 0
    ok = True
    snapshot = [str(p) for p in sorted((ROOT / "data/crowd").glob("*.json"))]
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "synthetic.json"
        synthetic(big, args.rows)
        for name, paths in (("snapshot", snapshot), ("synthetic", [str(big)])):
            result = run_child(paths)
            seconds, gb = TARGETS[name]
            passed = result["seconds"] <= seconds and (gb is None or result["peak_gb"] <= gb)
            ok &= passed
            print(f"{name}: {result['rows']} rows, {result['kept']} kept, {result['cards']} cards in "
                  f"{result['seconds']:.2f} s ({result['cpu_seconds']:.2f} s of CPU), "
                  f"peak {result['peak_gb']:.2f} GB "
                  f"(target {seconds:g} s{'' if gb is None else f', {gb:g} GB'}: "
                  f"{'met' if passed else 'MISSED'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
