"""``gpusurvey crowd FILE...``: parse dumps of the crowd database without building anything,
and print the rows kept and dropped by reason, the kept rows and submitters per card, and the
first example of each reason (its dump, position and id)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from gpusurvey.inputs.crowd import KEPT, REASONS, load_crowd
from gpusurvey.reports.crowd_writers import summary_lines


def _example(row: pd.Series) -> str:
    device = row.get("device")
    what = f", device '{device}'" if isinstance(device, str) and device else ""
    rate = row.get("rate_b1")
    rate_text = f", batch-1 {rate:g} it/s" if isinstance(rate, float) and rate == rate else ""
    ident = row.get("id")
    ident_text = "" if ident is None or pd.isna(ident) else f" id {ident}"
    return f"{row['dump']} position {row['position']}{ident_text}{what}{rate_text}"


def report(paths: Sequence[str | os.PathLike], gpus_path: str | os.PathLike) -> str:
    """The text ``gpusurvey crowd`` prints."""
    rows = load_crowd(paths, gpus_path)
    lines = [f"{len(rows)} rows in {len(paths)} dump(s)", *summary_lines(rows), "", "kept rows by card:"]
    kept = rows[rows["status"] == KEPT]
    per_card = kept.groupby("gpu").agg(rows=("id", "size"), submitters=("submitter", "nunique"))
    for gpu, line in per_card.sort_values("rows", ascending=False).iterrows():
        lines.append(f"  {gpu}: {line['rows']} rows, {line['submitters']} submitters")
    lines += ["", "first example of each reason:"]
    for reason in REASONS:
        found = rows[rows["reason"] == reason]
        if len(found):
            lines.append(f"  {reason}: {_example(found.iloc[0])}")
    return "\n".join(lines)
