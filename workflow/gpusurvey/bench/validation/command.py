"""The ``gpusurvey validate`` subcommand: its options, their checks, and one budgeted run.

    PYTHONPATH=workflow python3 -m gpusurvey.cli validate [OUT] [--budget 500]
        [--device cuda|cpu] [--profile full|smoke] [--steps NAME,...] [--estimate NAME=SECONDS ...]

Exit status 1 when a step failed or timed out, or a table's record was not made; 2 when an
option is wrong (the message names it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from gpusurvey.bench.environment import REPO_ROOT
from gpusurvey.bench.validation.steps import DEFAULT_BUDGET_S, ESTIMATES_S

STEP_NAMES = sorted(ESTIMATES_S["full"])


def estimate(text: str) -> tuple[str, float]:
    name, sep, seconds = text.partition("=")
    if not sep or name not in ESTIMATES_S["full"]:
        raise argparse.ArgumentTypeError(f"expected NAME=SECONDS with NAME one of {STEP_NAMES}, "
                                         f"got '{text}'")
    return name, float(seconds)


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help="CUDA: every GPU workload in the full profile within one "
                                        "time budget, records and a summary under OUT")
    p.add_argument("out", nargs="?", type=Path, default=None,
                   help="folder for the records and the summary (default: $OUT)")
    p.add_argument("--budget", type=float, default=DEFAULT_BUDGET_S,
                   help=f"seconds the whole run may take (default {DEFAULT_BUDGET_S:.0f})")
    p.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    p.add_argument("--profile", choices=["full", "smoke"], default="full",
                   help="smoke: tiny models, a rehearsal of the same steps on any machine")
    p.add_argument("--steps", type=lambda s: [n for n in s.split(",") if n], default=None,
                   help="run only these steps (comma-separated; the probe always runs)")
    p.add_argument("--estimate", type=estimate, action="append", default=[],
                   metavar="NAME=SECONDS", help="replace a step's planned seconds")
    p.add_argument("--weights", type=Path, default=None,
                   help="synthetic LLaMA checkpoint folder (default: a shared temporary one)")
    p.set_defaults(func=run)


def output_folder(out: Path | None, given: str | None) -> Path:
    """The folder the run writes to: ``out``, else ``given`` ($OUT); never one inside the
    checkout other than ``given`` itself (the device machine's own return folder)."""
    if out is None and not given:
        raise ValueError("validate: no output folder: give OUT or set $OUT")
    folder = Path(out if out is not None else given).resolve()
    if folder.is_relative_to(REPO_ROOT) and not (given and folder == Path(given).resolve()):
        raise ValueError(f"validate: {folder}: inside the checkout; write the records elsewhere "
                         "and copy them into data/measurements/<machine>/ "
                         "(data/measurements/README.md)")
    return folder


def check_steps(steps: list[str] | None) -> None:
    unknown = sorted(set(steps or ()) - set(STEP_NAMES))
    if unknown:
        raise ValueError(f"validate: --steps: unknown {unknown}; expected names from {STEP_NAMES}")


def run(args: argparse.Namespace) -> int:
    sys.dont_write_bytecode = True  # nothing more of this run lands in the checkout
    from gpusurvey.bench.validation.runner import Runner
    from gpusurvey.bench.validation.steps import Budget

    args.out = output_folder(args.out, os.environ.get("OUT"))
    check_steps(args.steps)
    args.estimate = dict(args.estimate)
    budget = Budget(args.budget)
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="gpusurvey-validation-"))
    try:
        return Runner(args, args.out, scratch, budget).run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
