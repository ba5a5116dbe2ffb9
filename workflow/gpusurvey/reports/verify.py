"""Compare regenerated tables with the survey's tables as printed (``data/expected``).

Every difference is reported as one readable line; an empty list means the table
reproduces every printed cell.
"""

from __future__ import annotations

import csv
import os

import pandas as pd

from gpusurvey.core.csv_rows import read_table
from gpusurvey.inputs.gpus import GpuTable
from gpusurvey.registry import TABLES
from gpusurvey.reports.perf_tables import COLUMNS, CV_COLUMNS


def read_expected(path: str | os.PathLike) -> list[list[str]]:
    """The printed table as rows of cells (header row first)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [row for row in csv.reader(fh) if row]


def compare_spec_table(table: pd.DataFrame, expected_path: str | os.PathLike,
                       gpus: GpuTable, name: str) -> list[str]:
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


PERF_COLUMNS = ("value_text", "price_usd", "value_per_dollar", "relative_to_baseline")
"""The columns of a regenerated Table 3-5 that match the printed columns 2-5, in order."""


def compare_perf_table(table: pd.DataFrame, expected_path: str | os.PathLike,
                       gpus: GpuTable, name: str) -> list[str]:
    """Differences between a regenerated Table 3/4/5 (its published rows, in order) and the
    printed one: GPU (the printed spelling must name the same GPU), value, price, value per
    dollar and relative to the baseline, cell by cell."""
    printed = read_expected(expected_path)
    body = printed[1:]
    ours = table[table["source"] == "published"].reset_index(drop=True)
    diffs = []
    if len(ours) != len(body):
        diffs.append(f"{name}: {len(ours)} published rows, the survey prints {len(body)}")
    for i, (cells, row) in enumerate(zip(body, ours.itertuples(index=False), strict=False)):
        if gpus.resolve(cells[0]) != row.gpu:
            diffs.append(f"{name} row {i + 1}: ours {row.gpu!r}, printed {cells[0]!r}")
        for j, column in enumerate(PERF_COLUMNS, start=1):
            mine = getattr(row, column)
            if mine != cells[j]:
                diffs.append(f"{name} {row.gpu} / {column}: ours {mine!r}, printed {cells[j]!r} "
                             f"(row {i + 1}, column {j + 1} '{printed[0][j]}')")
    return diffs


def check_measured_cv(table: pd.DataFrame, name: str) -> list[str]:
    """Every measured row that ran reports its coefficient of variation and the 5 % flag."""
    from gpusurvey.core.record import HIGH_CV

    problems = []
    measured = table[(table["source"] == "measured") & (table["status"] == "ok")]
    for row in measured.itertuples(index=False):
        if row.cv == "" or row.high_cv not in ("true", "false"):
            problems.append(f"{name} {row.gpu} ({row.reference}): CV or its flag missing "
                            f"(cv {row.cv!r}, high_cv {row.high_cv!r})")
        elif (float(row.cv) > HIGH_CV) != (row.high_cv == "true"):
            problems.append(f"{name} {row.gpu} ({row.reference}): high_cv {row.high_cv} disagrees "
                            f"with cv {row.cv} (threshold {HIGH_CV})")
    return problems


def verify_tables(tables: dict[int, str | os.PathLike], expected: dict[int, str | os.PathLike],
                  gpus: GpuTable) -> tuple[list[str], int]:
    """Compare every regenerated table with its printed twin.

    Returns the differences (one readable line each) and the number of printed cells checked.
    """
    diffs: list[str] = []
    cells = 0
    for number in sorted(expected):
        name = f"table{number}"
        if number not in tables:
            diffs.append(f"{name}: not regenerated")
            continue
        printed = read_expected(expected[number])
        cells += sum(len(row) - 1 for row in printed[1:])
        if TABLES[number].workload is None:
            table = pd.read_csv(tables[number], dtype=str, keep_default_na=False, index_col="field")
            diffs += compare_spec_table(table, expected[number], gpus, name)
        else:
            columns = [*COLUMNS, *CV_COLUMNS]
            table = pd.DataFrame(read_table(tables[number], columns), columns=columns)
            diffs += compare_perf_table(table, expected[number], gpus, name)
            diffs += check_measured_cv(table, name)
    return diffs, cells
