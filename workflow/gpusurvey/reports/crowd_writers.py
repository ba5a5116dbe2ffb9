"""The crowd section's files: every row with its fate (``results/crowd/rows.csv``), each
submitter's vote per card (``results/crowd/votes.csv``, what the figure and the notebook draw)
and Table 7 (``results/tables/table7.{csv,ko.tex,en.tex}``). Everything is read and checked
before the first file is written; the counts by reason go to the log and the terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

import pandas as pd

from gpusurvey.core import atomic
from gpusurvey.inputs.crowd import KEPT, Bounds, counts, load_crowd
from gpusurvey.inputs.gpus import load_gpus
from gpusurvey.inputs.published import load_published_table
from gpusurvey.reports import crowd_table


def survey_values(gpus_path: str | os.PathLike, table3: str | os.PathLike) -> dict[str, float]:
    """Table 3's printed value by canonical card."""
    return {row.gpu: row.value for row in load_published_table(table3, load_gpus(gpus_path), "it/s")}


def votes_frame(rows: pd.DataFrame, bounds: Mapping[str, float]) -> pd.DataFrame:
    """One line per card and submitter: the median of their kept rows at batch 1 and 4, their
    rows, and the card's compute bound."""
    kept = rows[rows["status"] == KEPT]
    grouped = kept.groupby(["gpu", "submitter"], sort=True)
    frame = pd.DataFrame({"rate_b1": grouped["rate_b1"].median(), "rate_b4": grouped["rate_b4"].median(),
                          "rows": grouped.size()}).reset_index()
    frame["bound"] = frame["gpu"].map(bounds).round(3)
    frame["rate_b1"] = frame["rate_b1"].round(4)
    frame["rate_b4"] = frame["rate_b4"].round(4)
    return frame


def summary_lines(rows: pd.DataFrame) -> list[str]:
    """``kept N`` and ``<reason> N`` lines, in ``REASONS`` order."""
    return [f"{name}: {n}" for name, n in counts(rows).items()]


def write_crowd(dumps: Sequence[str | os.PathLike], gpus_path: str | os.PathLike, table3: str | os.PathLike,
                min_submitters: int, outputs: Mapping[str, str | os.PathLike]) -> pd.DataFrame:
    """``rows``, ``votes`` and Table 7 (``table_csv``, ``table_ko``, ``table_en``)."""
    bounds = Bounds.load(gpus_path)
    rows = load_crowd(dumps, gpus_path)
    table = crowd_table.card_table(rows, survey_values(gpus_path, table3), bounds.bound, min_submitters)
    texts = {
        "rows": rows.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%dT%H:%M:%S.%fZ"),
        "votes": votes_frame(rows, bounds.bound).to_csv(index=False, lineterminator="\n"),
        "table_csv": crowd_table.csv_text(table),
        "table_ko": crowd_table.latex(table, "ko"),
        "table_en": crowd_table.latex(table, "en"),
    }
    for name, text in texts.items():
        atomic.write_text(outputs[name], text)
    lines = [f"crowd: {len(rows)} rows in {len(dumps)} dump(s)", *summary_lines(rows),
             f"Table 7: {len(table)} cards with at least {min_submitters} submitters"]
    for line in lines:
        print(line, file=sys.stderr)
        if sys.__stderr__ is not None and sys.__stderr__ is not sys.stderr:
            print(line, file=sys.__stderr__)
    return table
