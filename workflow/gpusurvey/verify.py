"""Compare regenerated tables with the survey's tables as printed (``data/expected``).

Every difference is reported as one readable line; an empty list means the table
reproduces every printed cell.
"""

from __future__ import annotations

import csv
import os

import pandas as pd

from .data import GpuCatalog


def read_expected(path: str | os.PathLike) -> list[list[str]]:
    """The printed table as rows of cells (header row first)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [row for row in csv.reader(fh) if row]


def compare_spec_table(table: pd.DataFrame, expected_path: str | os.PathLike,
                       gpus: GpuCatalog, name: str) -> list[str]:
    """Differences between a regenerated Table 1/2 and the printed one, cell by cell.

    The printed header names GPUs by the survey's spelling, so a column matches when the
    printed name is the GPU's ``survey_name`` in ``data/gpus.csv``; rows match by position.
    """
    printed = read_expected(expected_path)
    header, body = printed[0][1:], printed[1:]
    diffs = []
    if len(header) != len(table.columns):
        diffs.append(f"{name}: {len(table.columns)} GPU columns, the survey prints {len(header)}")
    if len(body) != len(table.index):
        diffs.append(f"{name}: {len(table.index)} rows, the survey prints {len(body)}")
    for j, (printed_gpu, gpu) in enumerate(zip(header, table.columns, strict=False)):
        survey_name = gpus.table.at[gpu, "survey_name"]
        if survey_name != printed_gpu:
            diffs.append(f"{name} column {j + 1}: {gpu} (survey name {survey_name!r}) "
                         f"where the survey prints {printed_gpu!r}")
    for i, (row, field) in enumerate(zip(body, table.index, strict=False)):
        for j, (cell, gpu) in enumerate(zip(row[1:], table.columns, strict=False)):
            ours = table.iat[i, j]
            if ours != cell:
                diffs.append(f"{name} {field} / {gpu}: ours {ours!r}, printed {cell!r} "
                             f"(row {i + 1} '{row[0]}', column {j + 1})")
    return diffs
