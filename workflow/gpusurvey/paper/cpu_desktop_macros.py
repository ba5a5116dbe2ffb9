"""The numbers of the papers' paragraph on desktops predicted (``results/macros/desktops.tex``),
from the table of ``gpusurvey.reports.cpu_desktops``, so that the prose and the table agree.

``\\ifCpuDesktop``: a desktop is predicted at all. For each memory kind (``DdrFour``,
``DdrFive``, ``Unified``; switch ``\\ifCpuDesktop<Kind>``), its fastest predicted row:
``\\CpuDesktop<Kind>Label`` (the English label; ``...LabelKo`` the Korean), ``...Gbs``,
``...Format``, ``...Value``, ``...Low``, ``...High`` (tokens/s) and ``...Efficiency`` (%, this
machine's against its memory ceiling). ``\\CpuDesktopCases`` and ``\\ifCpuDesktopPooled``: what
the DDR5 desktop's interval rests on; ``\\CpuDesktopCites``: the bibliography keys of the
bandwidths' sources; ``\\ifCpuDesktopArithmetic``: arithmetic bound a measured run. Against
the DDR5 desktop: ``\\CpuDesktopCheapGpu``, ``...CheapTimes``, ``...FastGpu``, ``...FastTimes``.
"""

from __future__ import annotations

import os

import pandas as pd

from gpusurvey.core import atomic
from gpusurvey.paper.cpu_macros import significant
from gpusurvey.paper.macros import Macros
from gpusurvey.reports.cpu_desktop_table import Desktops
from gpusurvey.reports.cpu_desktops import DesktopVersus, fastest_row
from gpusurvey.reports.literature_bib import key

KINDS = {"ddr4": "DdrFour", "ddr5": "DdrFive", "unified": "Unified"}


def desktop_macros(macros: Macros, table: pd.DataFrame, versus: DesktopVersus | None) -> None:
    """Every number of the paragraph; ``versus``: ``cpu_desktops.versus_cards``'s result or None."""
    macros.switch("CpuDesktop", not table.empty)
    for kind, name in KINDS.items():
        row = fastest_row(table, kind) if not table.empty else None
        macros.switch(f"CpuDesktop{name}", row is not None)
        if row is None:
            continue
        prefix = f"CpuDesktop{name}"
        macros.text(f"{prefix}Label", str(row["label"]))
        macros.text(f"{prefix}LabelKo", str(row["label_ko"]))
        macros.set(f"{prefix}Gbs", f"{float(row['bandwidth_gbs']):g}")
        macros.text(f"{prefix}Format", str(row["format"]))
        for suffix, column in (("Value", "predicted_tokens_per_s"), ("Low", "predicted_low"),
                               ("High", "predicted_high")):
            macros.set(f"{prefix}{suffix}", significant(float(row[column])))
        macros.set(f"{prefix}Efficiency", f"{float(row['efficiency']) * 100:.0f}")
    if not table.empty:
        macros.set("CpuDesktopCites", ",".join(dict.fromkeys(key(s) for s in table["source"])))
    reference = fastest_row(table) if not table.empty else None
    if reference is not None:
        macros.set("CpuDesktopCases", str(int(reference["cases"])))
    macros.switch("CpuDesktopPooled", reference is not None and reference["interval_from"] == "pooled")
    macros.switch("CpuDesktopArithmetic", not table.empty and bool(table["arithmetic_binds"].any()))
    macros.switch("CpuDesktopVersus", versus is not None)
    if versus is not None:
        for label, card in (("Cheap", versus.cheapest), ("Fast", versus.fastest)):
            macros.text(f"CpuDesktop{label}Gpu", card.gpu)
            macros.set(f"CpuDesktop{label}Times", significant(versus.times(card)))


def write_desktop_macros(out: str | os.PathLike, desktops: Desktops) -> None:
    macros = Macros()
    desktop_macros(macros, desktops.table, desktops.versus)
    atomic.write_text(out, macros.render())
