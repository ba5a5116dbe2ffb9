"""LLaMA-13B on the desktops a reader may own, predicted from this pipeline's CPU records.

For each committed CPU decode record of LLaMA-13B in a GGUF format (the format table's
measured rows, ``gpusurvey.reports.format_table``) the machine's **efficiency against its memory
ceiling** is its decode tokens/s over the tokens/s its measured read bandwidth allows for the
bytes one token reads: the format table's memory bound, the median of the record's probe samples
over the roofline model's bytes per token (never a bound the record states itself). A desktop of
``data/desktop_memory.csv`` is then predicted to decode

    tokens/s = desktop GB/s / GB per token x that efficiency

(the median over the machines that ran the format). Where arithmetic, not bandwidth, binds on
the measuring machine (``extra.binding``), the efficiency against the memory ceiling is lower
than the desktop's with more cores would be: the prediction is then by the desktop's bandwidth
at this machine's share of it, which the text says.

The interval is the prediction times the smallest and largest leave-one-out ratio
(``gpusurvey.models.prediction``): of the format's own cases across CPU machines where there are
at least ``MIN_OWN_CASES``, else of every predicting group's cases of the section on later
results (``results/since/loo.csv``), pooled. Every value here is predicted (``kind``).
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from gpusurvey.core.errors import DataError
from gpusurvey.core.record import Record
from gpusurvey.inputs.desktop_memory import Desktop
from gpusurvey.models import prediction as model
from gpusurvey.registry import LLM_DECODE
from gpusurvey.reports.cpu_compare import Card, cheapest_and_fastest
from gpusurvey.reports.format_table import MODEL, is_format_record, measured_row

CPU_WORKLOAD = f"{LLM_DECODE} (CPU)"
"""The workload name of the CPU machines' points in the leave-one-out model."""
REFERENCE_KIND = "ddr5"
"""The memory of the desktop the survey's cards are compared with (its fastest predicted row)."""


@dataclass(frozen=True)
class FormatRun:
    """One CPU record of LLaMA-13B in one format, against its memory ceiling."""

    machine: str
    format: str
    path: str
    tokens_per_s: float
    gb_per_token: float
    memory_bound: float
    """Tokens/s the machine's measured read bandwidth allows."""
    binding: str
    """Which of the format table's ceilings binds (``memory bandwidth``, ``arithmetic``)."""

    @property
    def efficiency(self) -> float:
        return self.tokens_per_s / self.memory_bound


def format_run(path: str, record: Record) -> FormatRun:
    """The run of one CPU decode record (see the module's docstring)."""
    row = measured_row(path, record, gpus_path="")
    bound = float(row["memory_bound_tokens_per_s"])
    run = FormatRun(record.machine, row["format"], path, float(row["tokens_per_s"]),
                    float(row["gb_per_token"]), bound, row["binding"])
    if run.efficiency > 1:
        raise DataError(path, f"decodes {run.tokens_per_s:.3g} tokens/s above its memory ceiling of "
                        f"{bound:.3g}; expected at most the ceiling")
    return run


def format_runs(records: Sequence[tuple[str, Record]]) -> list[FormatRun]:
    """The runs of every CPU record of LLaMA-13B in a format that succeeded, by format and path."""
    runs = [format_run(p, r) for p, r in records
            if r.gpu is None and r.status == "ok" and is_format_record(r) and r.params.get("model") == MODEL]
    return sorted(runs, key=lambda r: (r.format, r.path))


def pooled_cases(loo_csv: str | os.PathLike, summary_csv: str | os.PathLike) -> list[model.Case]:
    """The leave-one-out cases of every group that predicts, from the later-results section."""
    loo, summary = pd.read_csv(loo_csv), pd.read_csv(summary_csv)
    for path, frame, columns in ((loo_csv, loo, ("workload", "software", "gpu", "value", "predicted")),
                                 (summary_csv, summary, ("workload", "software", "predicts"))):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DataError(path, f"missing column(s) {missing}; expected {list(columns)}", line=1)
    predicting = {(r.workload, r.software) for r in summary.itertuples() if bool(r.predicts)}
    return [model.Case(r.workload, r.software, r.gpu, float(r.value), float(r.predicted))
            for r in loo.itertuples() if (r.workload, r.software) in predicting]


def interval_cases(runs: Sequence[FormatRun], fmt: str,
                   pooled: Sequence[model.Case]) -> tuple[list[model.Case], str]:
    """The cases ``fmt``'s interval rests on: its own across CPU machines, else ``pooled``."""
    points = [model.Point(CPU_WORKLOAD, r.format, r.machine, r.tokens_per_s, r.memory_bound) for r in runs]
    own = [c for c in model.leave_one_out(points) if c.software == fmt]
    if len(own) >= model.MIN_OWN_CASES:
        return own, "own"
    return list(pooled), "pooled"


COLUMNS = ("kind", "desktop", "label", "label_ko", "memory", "bandwidth_gbs", "format", "gb_per_token",
           "bound_tokens_per_s", "efficiency", "machines", "predicted_tokens_per_s", "predicted_low",
           "predicted_high", "interval_from", "cases", "arithmetic_binds", "source")


def desktop_table(runs: Sequence[FormatRun], desktops: Sequence[Desktop],
                  pooled: Sequence[model.Case]) -> pd.DataFrame:
    """One row per desktop and measured format, every one predicted (see the module)."""
    rows = []
    formats = list(dict.fromkeys(r.format for r in runs))
    for desktop in desktops:
        for fmt in formats:
            mine = [r for r in runs if r.format == fmt]
            cases, source = interval_cases(runs, fmt, pooled)
            if not cases:
                raise DataError("results/since/loo.csv", "no leave-one-out case of a predicting group; "
                                f"expected some to give the interval of {desktop.id} in {fmt}")
            gb = statistics.median(r.gb_per_token for r in mine)
            efficiency = statistics.median(r.efficiency for r in mine)
            bound = desktop.bandwidth_gbs / gb
            value = bound * efficiency
            ratios = [c.ratio for c in cases]
            rows.append({
                "kind": "predicted", "desktop": desktop.id, "label": desktop.label,
                "label_ko": desktop.label_ko, "memory": desktop.kind, "bandwidth_gbs": desktop.bandwidth_gbs,
                "format": fmt, "gb_per_token": gb, "bound_tokens_per_s": bound, "efficiency": efficiency,
                "machines": len({r.machine for r in mine}),
                "predicted_tokens_per_s": value, "predicted_low": value * min(ratios),
                "predicted_high": value * max(ratios),
                "interval_from": source, "cases": len(cases),
                "arithmetic_binds": any(r.binding == "arithmetic" for r in mine), "source": desktop.source})
    return pd.DataFrame(rows, columns=list(COLUMNS))


@dataclass(frozen=True)
class DesktopVersus:
    """The reference desktop's fastest predicted format beside the survey's cheapest and fastest card."""

    row: pd.Series
    cheapest: Card
    fastest: Card

    def times(self, card: Card) -> float:
        return card.value / float(self.row["predicted_tokens_per_s"])


def fastest_row(table: pd.DataFrame, kind: str = REFERENCE_KIND) -> pd.Series | None:
    """The fastest predicted row (desktop and format) of memory ``kind`` (None without one)."""
    rows = table[table["memory"] == kind]
    if rows.empty:
        return None
    return rows.loc[rows["predicted_tokens_per_s"].astype(float).idxmax()]


def versus_cards(table: pd.DataFrame, table5: str | os.PathLike) -> DesktopVersus | None:
    """The reference desktop against Table 5's cheapest and fastest published card."""
    row = fastest_row(table)
    if row is None:
        return None
    return DesktopVersus(row, *cheapest_and_fastest(table5))
