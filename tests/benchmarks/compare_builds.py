"""Compare two builds of the pipeline's outputs, file by file, and the papers' text line by line.

    python tests/benchmarks/compare_builds.py BEFORE/results AFTER/results

Tables (CSV, LaTeX), the macros and the figures are compared byte for byte; the PDFs through
``pdftotext -layout`` (their bytes carry the git commit of the records' appendix), with the
lines that differ printed. Exits non-zero when anything but the papers' text differs, or when a
file is missing on one side.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import subprocess
import sys
from pathlib import Path

BYTE_EXACT = ("tables/*.csv", "tables/*.tex", "macros/*.tex", "figures/*.pdf", "figures/*.png",
              "paper/errata.*.tex")
PAPERS = ("paper/survey-ko.pdf", "paper/survey-en.pdf")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _text(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.splitlines()


def compare(before: Path, after: Path) -> tuple[list[str], list[str]]:
    """(files that differ or are missing, differing lines of the papers' text)."""
    problems = []
    for pattern in BYTE_EXACT:
        names = {p.relative_to(before) for p in before.glob(pattern)}
        names |= {p.relative_to(after) for p in after.glob(pattern)}
        for name in sorted(names):
            a, b = before / name, after / name
            if not (a.exists() and b.exists()):
                problems.append(f"{name}: only in {'after' if b.exists() else 'before'}")
            elif _digest(a) != _digest(b):
                problems.append(f"{name}: bytes differ")
    text_diffs = []
    for name in PAPERS:
        a, b = before / name, after / name
        if not (a.exists() and b.exists()):
            problems.append(f"{name}: missing on one side")
            continue
        diff = difflib.unified_diff(_text(a), _text(b), f"before/{name}", f"after/{name}", n=0,
                                    lineterm="")
        text_diffs += [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    return problems, text_diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="results/ of the first build")
    parser.add_argument("after", type=Path, help="results/ of the second build")
    args = parser.parse_args(argv)
    problems, text_diffs = compare(args.before, args.after)
    checked = sum(len(list(args.after.glob(p))) for p in BYTE_EXACT)
    print(f"{checked} files compared byte for byte: {len(problems)} differ or are missing")
    for line in problems:
        print(f"  {line}")
    print(f"papers' text (pdftotext -layout): {len(text_diffs)} line(s) differ")
    for line in text_diffs:
        print(f"  {line}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
