"""The CPU's decode runs on the roofline figure: each weight format measured without a GPU (the
formats table's measured CPU rows, ``gpusurvey.reports.format_table``) at the median of its
bandwidth probe, a horizontal bar over the probe's range, and its two ceilings as marks straight
above it: the memory ceiling (that bandwidth over the format's bytes per token) and, where it was
measured, the arithmetic ceiling. A reader sees which one binds and how far the run is from it."""

from __future__ import annotations

import pandas as pd

from gpusurvey.reports.figure_words import TEXT
from gpusurvey.reports.plotting import FRONT_COLOR

CEILING_MARKS = {"memory_bound_tokens_per_s": ("cpu_memory", "_"),
                 "arithmetic_bound_tokens_per_s": ("cpu_arithmetic", "x")}


def cpu_rows(formats: pd.DataFrame | None) -> pd.DataFrame:
    """The measured CPU rows of the formats table that ran."""
    if formats is None or formats.empty:
        return pd.DataFrame()
    return formats[(formats["source"] == "measured") & (formats["device"] == "cpu")
                   & (formats["status"] == "ok")]


def draw_cpu_formats(ax, formats: pd.DataFrame | None, lang: str) -> tuple[list, list, list]:
    """Draw the CPU rows into ``ax``; return their (x, y, label) for the caller's label placement."""
    rows = cpu_rows(formats)
    if rows.empty:
        return [], [], []
    words = TEXT[lang]
    x, y = rows["bandwidth_gbs"].astype(float), rows["tokens_per_s"].astype(float)
    xerr = [x - rows["bandwidth_min_gbs"].astype(float), rows["bandwidth_max_gbs"].astype(float) - x]
    ax.errorbar(x, y, xerr=xerr, fmt="s", color=FRONT_COLOR, markersize=4, elinewidth=0.8, capsize=2,
                zorder=3, label=words["cpu_decode"])
    for column, (word, marker) in CEILING_MARKS.items():
        ceiling = pd.to_numeric(rows[column], errors="coerce")
        shown = ceiling.notna()
        if shown.any():
            ax.scatter(x[shown], ceiling[shown], marker=marker, color=FRONT_COLOR, s=36, linewidths=1.2,
                       zorder=3, label=words[word])
    return list(x), list(y), [str(f) for f in rows["format"]]


def cpu_extent(formats: pd.DataFrame | None) -> tuple[float, float, float, float] | None:
    """(lowest bandwidth, highest bandwidth, lowest value, highest ceiling) of the CPU rows."""
    rows = cpu_rows(formats)
    if rows.empty:
        return None
    ceilings = pd.concat([pd.to_numeric(rows[c], errors="coerce") for c in CEILING_MARKS]).dropna()
    return (float(rows["bandwidth_min_gbs"].min()), float(rows["bandwidth_max_gbs"].max()),
            float(rows["tokens_per_s"].min()), float(ceilings.max()))
