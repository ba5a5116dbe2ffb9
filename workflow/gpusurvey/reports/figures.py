"""The figures: a bar chart per table, value per dollar against price, the LLM decode roofline
and Figure 1 (matrix product, CPU against GPU: ``gpusurvey.reports.matmul_figure``), each in
Korean and in English.

Figures read the regenerated table CSVs (so a measured row appears in them exactly as in the
tables); style, colours, label placement and saving are ``gpusurvey.reports.plotting``'s, the
words ``gpusurvey.reports.figure_words``'.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from gpusurvey.models.roofline import bound_tokens_per_s
from gpusurvey.registry import TABLES
from gpusurvey.reports.cpu_figure import cpu_workloads
from gpusurvey.reports.cpu_roofline import cpu_extent, draw_cpu_formats
from gpusurvey.reports.figure_words import TEXT
from gpusurvey.reports.matmul_figure import matmul
from gpusurvey.reports.plotting import (
    BASELINE_COLOR,
    BOUND_STYLES,
    COLUMN_WIDTH_IN,
    FRONT_COLOR,
    LABEL_SIZE,
    MEASURED_COLOR,
    PAGE_WIDTH_IN,
    PUBLISHED_COLOR,
    legend_on_top,
    place_labels,
    plain_ticks,
    pyplot,
)


def _label(row, lang: str, baseline: str | None = None) -> str:
    name = row["gpu"] + (" †" if row["source"] == "measured" else "")
    if baseline is not None and row["gpu"] == baseline and row["source"] == "published":
        name += f" ({TEXT[lang]['baseline']})"
    return name


def spread(row) -> tuple[float, float] | None:
    """(value - smallest, largest - value) of a measured row of several records that ran, else None."""
    if row["source"] != "measured" or row["status"] != "ok" or not row["n_records"] > 1:
        return None
    return row["value"] - row["value_min"], row["value_max"] - row["value"]


def _value_label(row) -> str:
    """The value as printed; for several records, their count (and a double dagger when one lies
    far from the others)."""
    label = str(row["value_text"])
    if spread(row) is not None:
        label += f" (n={row['n_records']:.0f}{', ‡' if row['outliers'] > 0 else ''})"
    return label


def bars(table: pd.DataFrame, baseline: str, lang: str):
    """One table as horizontal bars in the table's order; the baseline's published bar is
    highlighted, measured bars are hatched, failed runs are labelled (OOM, error); a measured
    row of several records has an error bar from their smallest to their largest value."""
    plt = pyplot()
    words = TEXT[lang]
    n = len(table)
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 1.2 + 0.24 * n))
    ys = list(range(n))[::-1]
    top = max(table["value"].max(), table["value_max"].max(skipna=True) if table["value_max"].notna().any()
              else 0.0)
    for y, (_, row) in zip(ys, table.iterrows(), strict=True):
        measured = row["source"] == "measured"
        is_base = row["gpu"] == baseline and not measured
        color = BASELINE_COLOR if is_base else MEASURED_COLOR if measured else PUBLISHED_COLOR
        value = row["value"] if row["status"] == "ok" else 0.0
        ax.barh(y, value, color=color, hatch="//" if measured else None, edgecolor="white", height=0.7)
        errors = spread(row)
        if errors is not None:
            ax.errorbar(value, y, xerr=[[errors[0]], [errors[1]]], fmt="none", ecolor="black",
                        elinewidth=0.8, capsize=2)
        end = value + (errors[1] if errors is not None else 0.0)
        ax.text(end + top * 0.01, y, _value_label(row), va="center", fontsize=LABEL_SIZE)
    ax.set_yticks(ys, [_label(row, lang, baseline) for _, row in table.iterrows()])
    ax.set_xlabel(words[table["unit"].iloc[0]])
    ax.set_xlim(0, top * 1.15)
    ax.set_ylim(-0.6, n - 0.4)
    ax.grid(axis="y", visible=False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=PUBLISHED_COLOR, label=words["published"]),
               plt.Rectangle((0, 0), 1, 1, color=BASELINE_COLOR, label=f"{baseline} ({words['baseline']})")]
    if (table["source"] == "measured").any():
        handles.append(plt.Rectangle((0, 0), 1, 1, facecolor=MEASURED_COLOR, hatch="//",
                                     edgecolor="white", label=f"† {words['measured']}"))
    legend_on_top(fig, handles)
    return fig


def pareto_front(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats: none is at most as expensive and at least
    as fast with one of the two strictly better. Sorted by price."""
    front = []
    for i, (price, value) in enumerate(points):
        beaten = any(p <= price and v >= value and (p < price or v > value)
                     for j, (p, v) in enumerate(points) if j != i)
        if not beaten:
            front.append(i)
    return sorted(front, key=lambda i: points[i])


def value_per_dollar(tables: Mapping[int, pd.DataFrame], lang: str):
    """Value per dollar against launch price, one panel per table, with the Pareto front
    (the fastest GPU at or below each price) drawn through its GPUs."""
    plt = pyplot()
    words = TEXT[lang]
    # One panel per row at the full text width: each panel as wide as the page allows.
    fig, axes = plt.subplots(len(tables), 1, figsize=(PAGE_WIDTH_IN, 0.4 + 2.7 * len(tables)), squeeze=False)
    for ax, (number, table) in zip(axes[:, 0], sorted(tables.items()), strict=True):
        shown = table[(table["status"] == "ok") & table["price_usd"].notna()].reset_index(drop=True)
        for source, color, marker in (("published", PUBLISHED_COLOR, "o"), ("measured", MEASURED_COLOR, "^")):
            part = shown[shown["source"] == source]
            if not part.empty:
                ax.scatter(part["price_usd"], part["value_per_dollar"], color=color, marker=marker, s=22,
                           zorder=3, label=words[source])
        front = pareto_front(list(zip(shown["price_usd"], shown["value"], strict=True)))
        ax.plot(shown.loc[front, "price_usd"], shown.loc[front, "value_per_dollar"], color=FRONT_COLOR,
                linewidth=1.2, zorder=2, label=words["front"])
        unit = table["unit"].iloc[0]
        ax.set_title(words[TABLES[number].workload])
        ax.set_xlabel(words["price"])
        ax.set_ylabel(words["per_dollar"].format(unit=unit))
        low, high = shown["value_per_dollar"].min(), shown["value_per_dollar"].max()
        ax.set_ylim(low - (high - low) * 0.12, high + (high - low) * 0.18)
        ax.set_xlim(shown["price_usd"].min() - 150, shown["price_usd"].max() + 250)
        place_labels(ax, shown["price_usd"], shown["value_per_dollar"],
                      [_label(row, lang) for _, row in shown.iterrows()])
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, bbox_to_anchor=(0.5, -0.04))
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig


def roofline(table: pd.DataFrame, lang: str, formats: pd.DataFrame | None = None):
    """Table 5 on the decode roofline: tokens/s against memory bandwidth, with the bound
    bandwidth / bytes per token as a line for each distinct ``bytes_per_token`` of the table
    (a measured row reads the KV cache as well as the survey's model's weights); published and
    measured points, a measured row of several records with an error bar over their range. The
    y axis reaches the bound at the largest bandwidth, so the gap between the points and the
    line is the figure's message. With ``formats`` (the formats table), the CPU's runs in each
    weight format and their two ceilings (``gpusurvey.reports.cpu_roofline``)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH_IN, 4.4))
    ok = table[table["status"] == "ok"]
    low, high = table["memory_bandwidth_gbs"].min(), table["memory_bandwidth_gbs"].max()
    bottom = ok["value"].min()
    cpu = cpu_extent(formats)
    if cpu is not None:
        low, bottom = min(low, cpu[0]), min(bottom, cpu[2])
    top = roofline_axes(ax, table, lang, (low * 0.8, high * 1.5))  # room right of the cluster for labels
    xs, ys, names = draw_cpu_formats(ax, formats, lang)
    ax.set_ylim(bottom * 0.5, max(top, cpu[3] if cpu else 0) * 1.25)  # room below the points for labels
    place_labels(ax, [*ok["memory_bandwidth_gbs"], *xs], [*ok["value"], *ys],
                 [*(_label(row, lang).removeprefix("RTX ") for _, row in ok.iterrows()), *names])
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), borderaxespad=0, ncol=2)
    return fig


def roofline_axes(ax, table: pd.DataFrame, lang: str, xlim: tuple[float, float],
                  points: bool = True) -> float:
    """Draw Table 5's bound lines over ``xlim`` and (with ``points``) its points into ``ax`` (log
    axes, plain ticks, axis titles); return the highest bound drawn, for the caller's y limits."""
    words = TEXT[lang]
    ok = table[table["status"] == "ok"]
    top = 0.0
    for i, per_token in enumerate(sorted(table["bytes_per_token"].dropna().unique())):
        ys = [bound_tokens_per_s(x, per_token) for x in xlim]
        top = max(top, *ys)
        ax.plot(xlim, ys, color=BASELINE_COLOR, linewidth=1.2, linestyle=BOUND_STYLES[i % len(BOUND_STYLES)],
                label=words["bound"].format(gb=per_token / 1e9))
    for source, color, marker in (("published", PUBLISHED_COLOR, "o"), ("measured", MEASURED_COLOR, "^")):
        part = ok[ok["source"] == source]
        if points and not part.empty:
            ax.scatter(part["memory_bandwidth_gbs"], part["value"], color=color, marker=marker, s=18,
                       zorder=3, label=words[source])
    for _, row in ok.iterrows() if points else ():
        errors = spread(row)
        if errors is not None:
            ax.errorbar(row["memory_bandwidth_gbs"], row["value"], yerr=[[errors[0]], [errors[1]]],
                        fmt="none", ecolor=MEASURED_COLOR, elinewidth=0.8, capsize=2, zorder=2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(*xlim)
    plain_ticks(ax.xaxis, subs=(1, 2, 3, 5, 7))
    plain_ticks(ax.yaxis, subs=(1, 2, 3, 5, 7))
    ax.set_xlabel(words["bandwidth"])
    ax.set_ylabel(words["decode"])
    return top


@dataclass(frozen=True)
class FigureInputs:
    """What a figure's rule hands its drawing function (``gpusurvey.registry.FIGURES`` says which)."""

    tables: Mapping[int, pd.DataFrame]
    """Regenerated tables by number."""
    baseline: str | None = None
    """The baseline GPU's canonical name."""
    published: Sequence = ()
    """The survey's Figure 1 bars."""
    records: Sequence[tuple[str, object]] = ()
    """(path, record) of the records the figure shows."""
    cpu: object = None
    """This CPU against the survey's cards (``gpusurvey.reports.cpu_compare.CpuComparison``)."""
    formats: pd.DataFrame | None = None
    """The formats table of the CPU's decode records (``gpusurvey.reports.format_table``)."""

    @property
    def table(self) -> pd.DataFrame:
        """The one table of a figure that reads one."""
        (table,) = self.tables.values()
        return table


DRAWERS: dict[str, Callable[[FigureInputs, str], object]] = {
    "matmul": lambda inputs, lang: matmul(inputs.published, inputs.records, lang),
    "bars": lambda inputs, lang: bars(inputs.table, inputs.baseline, lang),
    "value_per_dollar": lambda inputs, lang: value_per_dollar(inputs.tables, lang),
    "roofline": lambda inputs, lang: roofline(inputs.table, lang, inputs.formats),
    "cpu_workloads": lambda inputs, lang: cpu_workloads(inputs.cpu, lang),
}
"""Drawing functions by the name a registry entry gives (``Figure.draw``)."""
