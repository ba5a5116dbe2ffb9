"""The numbers of the papers' paragraph on weight formats, as macros (``results/macros/formats.tex``)
from the formats table (``results/tables/table10.csv``, ``gpusurvey.reports.format_table``), so
that the prose and the table show the same values.

``\\FormatGb<Format>``: the roofline model's weight GB per token of LLaMA-13B in each format;
``\\FormatEightOverFour``: Q8_0's bytes over Q4_0's. For the formats measured on a machine
without a GPU (the fastest row of each): ``\\FormatCpu<Format>Value`` (tokens/s), ``...Cv`` (%),
``...Bound`` (the lower ceiling) and ``...Efficiency`` (%, against it), ``...MemBound`` and
``...MemEfficiency`` (the memory-bandwidth ceiling), ``...ArithBound`` (the arithmetic ceiling,
``-`` where none was measured), ``...PeakGb``, ``...Threads``, ``...Bandwidth``, ``...BandwidthMin``
and ``...BandwidthMax`` (GB/s: the median and range of the run's probe), with the switches
``\\ifFormatCpu<Format>`` (a row exists) and ``\\ifFormatCpu<Format>Arithmetic`` (the arithmetic
ceiling binds) and ``\\ifFormatCpu<Format>AboveEstimate`` (the decode ran faster than the
arithmetic ceiling its prefill estimated); the switch ``\\ifFormatCpuBoth`` says Q4_0 and
Q4_K_M both have one.
"""

from __future__ import annotations

import os

import pandas as pd

from gpusurvey.core import atomic
from gpusurvey.core.errors import DataError
from gpusurvey.paper.cpu_macros import significant
from gpusurvey.paper.macros import Macros
from gpusurvey.reports.format_table import LABELS

NAMES = {"Q4_0": "QFourZero", "Q4_K_M": "QFourKM", "Q8_0": "QEightZero", LABELS["gptq-4bit-g128"]: "Gptq"}
"""The table's format label -> its part of a macro name (letters only)."""


def format_macros(macros: Macros, table: pd.DataFrame, path: str) -> None:
    """Every number of the paragraph; see the module's docstring."""
    model = table[table["source"] == "model"].set_index("format")["gb_per_token"]
    for label, name in NAMES.items():
        if label not in model.index:
            raise DataError(path, f"no model row for format '{label}'", column="format")
        macros.set(f"FormatGb{name}", f"{float(model[label]):.2f}")
    macros.set("FormatEightOverFour", f"{float(model['Q8_0'] / model['Q4_0']):.2f}")
    cpu = table[(table["source"] == "measured") & (table["device"] == "cpu") & (table["status"] == "ok")]
    found = {}
    for label, name in NAMES.items():
        rows = cpu[cpu["format"] == label]
        macros.switch(f"FormatCpu{name}", not rows.empty)
        if rows.empty:
            continue
        best = rows.loc[rows["tokens_per_s"].astype(float).idxmax()]
        found[label] = best
        macros.set(f"FormatCpu{name}Value", significant(float(best["tokens_per_s"])))
        macros.set(f"FormatCpu{name}Cv", f"{float(best['cv']) * 100:.1f}")
        macros.set(f"FormatCpu{name}Bound", significant(float(best["bound_tokens_per_s"])))
        macros.set(f"FormatCpu{name}Efficiency", f"{float(best['efficiency']) * 100:.0f}")
        macros.set(f"FormatCpu{name}MemBound", significant(float(best["memory_bound_tokens_per_s"])))
        macros.set(f"FormatCpu{name}MemEfficiency", f"{float(best['memory_efficiency']) * 100:.0f}")
        arithmetic = best["arithmetic_bound_tokens_per_s"]
        macros.set(f"FormatCpu{name}ArithBound",
                   "-" if pd.isna(arithmetic) else significant(float(arithmetic)))
        macros.switch(f"FormatCpu{name}Arithmetic", best["binding"] == "arithmetic")
        # The arithmetic ceiling is the prefill's batched rate: a decode faster than it (its
        # single-token kernels beat the batched ones) shows the estimate, not the bound, is low.
        macros.switch(f"FormatCpu{name}AboveEstimate", float(best["efficiency"]) > 1)
        peak = best["peak_memory_gb"]
        macros.set(f"FormatCpu{name}PeakGb", "-" if pd.isna(peak) else f"{float(peak):.1f}")
        macros.set(f"FormatCpu{name}Threads", "-" if pd.isna(best["threads"]) else str(int(best["threads"])))
        for key, column in (("Bandwidth", "bandwidth_gbs"), ("BandwidthMin", "bandwidth_min_gbs"),
                            ("BandwidthMax", "bandwidth_max_gbs")):
            macros.set(f"FormatCpu{name}{key}", f"{float(best[column]):.1f}")
    macros.switch("FormatCpuBoth", {"Q4_0", "Q4_K_M"} <= set(found))


def write_format_macros(out: str | os.PathLike, table: str | os.PathLike) -> None:
    macros = Macros()
    format_macros(macros, pd.read_csv(table), str(table))
    atomic.write_text(out, macros.render())
