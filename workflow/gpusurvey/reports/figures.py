"""The figures: a bar chart per table, value per dollar against price, the LLM decode roofline
and Figure 1 (matrix product, CPU against GPU), each in Korean and in English.

Figures read the regenerated table CSVs (so a measured row appears in them exactly as in the
tables) and share one style file. Output is byte-reproducible: Agg backend, fonts embedded,
no creation date in the PDF. A label whose glyph is missing from the fonts is an error, not
a box in the paper.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gpusurvey.core import atomic
from gpusurvey.core.glossary import term
from gpusurvey.models.roofline import bound_tokens_per_s
from gpusurvey.registry import TABLES

STYLE = Path(__file__).resolve().parent / "styles" / "gpusurvey.mplstyle"

EXTS = ("pdf", "png")

PUBLISHED_COLOR = "#4c72b0"
MEASURED_COLOR = "#dd8452"
BASELINE_COLOR = "#c44e52"
FRONT_COLOR = "#55a868"
BOUND_STYLES = ("-", "--", ":", "-.")
"""Line styles of the roofline's bound lines, one per bytes-per-token value."""

COLUMN_WIDTH_IN = 4.3
"""Width of a figure the paper sets at its default 0.66 of the text width (166 mm): drawn at
the size it is printed, so the style's 8-9 pt type stays 8-9 pt on the page."""
PAGE_WIDTH_IN = 6.5
"""Width of a figure the paper sets at the full text width."""
LABEL_SIZE = 7
"""Point labels and bar values, in pt at print size."""

TEXT = {
    "ko": {
        "it/s": "초당 반복 횟수 (it/s)",
        "tokens/s": "초당 토큰 수 (tokens/s)",
        "published": "서베이 발표값",
        "measured": "본 파이프라인의 측정값",
        "baseline": "기준",
        "price": "출시 가격 (USD)",
        "per_dollar": term("value_per_dollar", "ko") + " ({unit}/USD)",
        "front": "파레토 전선 (같은 가격 이하에서 가장 빠른 GPU)",
        "sd-txt2img": "Stable Diffusion 512x512",
        "sd-hires": "Stable Diffusion 고해상도 업스케일링",
        "llm-decode": "LLaMA-13B 4비트 디코딩",
        "bandwidth": "메모리 대역폭 (GB/s, 로그 축)",
        "decode": term("decoding", "ko") + " 속도 (tokens/s, 로그 축)",
        "bound": "대역폭 상한: 대역폭 / 토큰당 {gb:.2f} GB",
        "matmul": "1000x1000 행렬곱 1회 시간 (ms, 로그 축)",
        "survey": "서베이",
        "cpu": "CPU",
        "gpu": "GPU",
    },
    "en": {
        "it/s": "Iterations per second (it/s)",
        "tokens/s": "Tokens per second",
        "published": "Published in the survey",
        "measured": "Measured by this pipeline",
        "baseline": "baseline",
        "price": "Launch price (USD)",
        "per_dollar": term("value_per_dollar", "en").capitalize() + " ({unit}/USD)",
        "front": "Pareto front (fastest GPU at or below each price)",
        "sd-txt2img": "Stable Diffusion 512x512",
        "sd-hires": "Stable Diffusion high-resolution upscaling",
        "llm-decode": "LLaMA-13B 4-bit decoding",
        "bandwidth": "Memory bandwidth (GB/s, log scale)",
        "decode": "Decode speed (tokens/s, log scale)",
        "bound": "Bandwidth bound: bandwidth / {gb:.2f} GB per token",
        "matmul": "Time per 1000x1000 matrix product (ms, log scale)",
        "survey": "survey",
        "cpu": "CPU",
        "gpu": "GPU",
    },
}

MATMUL_METRICS = {
    "cpu_torch_fp32_ms": ("cpu", "torch"),
    "cpu_numpy_fp32_ms": ("cpu", "NumPy"),
    "cuda_fp32_ms": ("gpu", "torch CUDA"),
}
"""Matmul record metrics Figure 1 shows: milliseconds per 1000x1000 fp32 product."""


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.style.use(STYLE)
    return plt


def save(fig, outputs: Mapping[str, str | os.PathLike]) -> None:
    """Write ``fig`` to each ``{ext: path}`` atomically and deterministically.

    Raises ValueError when a label needed a glyph the fonts lack.
    """
    import logging

    import matplotlib.pyplot as plt

    # fontTools reports every TrueType table it cannot subset (hinting tables it drops).
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    try:
        for ext, path in outputs.items():
            metadata = {"CreationDate": None} if ext == "pdf" else {}
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with atomic.atomic_path(path) as tmp:
                    fig.savefig(tmp, format=ext, metadata=metadata)
            missing = sorted({str(w.message) for w in caught if "missing from font" in str(w.message)})
            if missing:
                Path(path).unlink(missing_ok=True)
                raise ValueError(f"{path}: {'; '.join(missing)}")
    finally:
        plt.close(fig)


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
    plt = _pyplot()
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


def legend_on_top(fig, handles, ncol: int = 2) -> None:
    """The legend above the axes, from the figure's left edge (never over a bar or its value),
    and the axes fitted below it, everything within the figure's width: a figure drawn at its
    printed width prints its type at the size it was drawn."""
    legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1), ncol=ncol, borderaxespad=0,
                        handlelength=1.2, columnspacing=1.0)
    fig.canvas.draw()
    height = legend.get_window_extent().height / fig.bbox.height
    fig.tight_layout(rect=(0, 0, 1, 1 - height - 0.02))


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
    plt = _pyplot()
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


LABEL_ITERATIONS = 1000
"""Steps of ``adjustText`` at most (it stops earlier once no label overlaps)."""


def place_labels(ax, xs, ys, names, avoid=((), ())) -> None:
    """Label each point with its name, moved (with a leader line) off every other label and
    point, and off the unlabelled points ``avoid`` (xs, ys); ``adjustText`` finds the positions,
    deterministically: it stops after ``LABEL_ITERATIONS`` steps, never after a time limit (its
    default, one second, would place the labels by the machine's speed)."""
    from adjustText import adjust_text

    xs, ys = list(xs), list(ys)
    texts = [ax.text(x, y, name, fontsize=LABEL_SIZE, zorder=4)
             for x, y, name in zip(xs, ys, names, strict=True)]
    if texts:
        # Boxes grown by ``expand`` keep clear of the markers around each point, not only its centre.
        adjust_text(texts, x=xs + list(avoid[0]), y=ys + list(avoid[1]), ax=ax, expand=(1.4, 2.0),
                    force_static=(0.3, 0.5), ensure_inside_axes=True, iter_lim=LABEL_ITERATIONS,
                    arrowprops={"arrowstyle": "-", "color": "#777777", "linewidth": 0.5})


def roofline(table: pd.DataFrame, lang: str):
    """Table 5 on the decode roofline: tokens/s against memory bandwidth, with the bound
    bandwidth / bytes per token as a line for each distinct ``bytes_per_token`` of the table
    (a measured row reads the KV cache as well as the survey's model's weights); published and
    measured points, a measured row of several records with an error bar over their range. The
    y axis reaches the bound at the largest bandwidth, so the gap between the points and the
    line is the figure's message."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 4.4))
    ok = table[table["status"] == "ok"]
    low, high = table["memory_bandwidth_gbs"].min() * 0.8, table["memory_bandwidth_gbs"].max() * 1.15
    top = roofline_axes(ax, table, lang, (low, high))
    ax.set_ylim(ok["value"].min() * 0.5, top * 1.25)  # room below the points for their labels
    place_labels(ax, ok["memory_bandwidth_gbs"], ok["value"],
                 [_label(row, lang).removeprefix("RTX ") for _, row in ok.iterrows()])
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), borderaxespad=0)
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
    _plain_ticks(ax.xaxis, subs=(1, 2, 3, 5, 7))
    _plain_ticks(ax.yaxis, subs=(1, 2, 3, 5, 7))
    ax.set_xlabel(words["bandwidth"])
    ax.set_ylabel(words["decode"])
    return top


def _plain_ticks(axis, subs: Sequence[float] = (1, 2, 5)) -> None:
    """Log-axis ticks at ``subs`` times powers of ten, as plain numbers (``200``, not ``2 x 10^2``)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(subs=subs))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def matmul(published: Sequence, records: Sequence[tuple[str, object]], lang: str):
    """Figure 1: milliseconds per 1000x1000 product, the survey's two bars and one bar per
    metric of each matmul record (CPU with torch and NumPy, GPU with torch CUDA)."""
    plt = _pyplot()
    words = TEXT[lang]
    bars_ = [(f"{b.processor} ({words['survey']})", b.kind, b.value, False) for b in published]
    for _, record in records:
        env = record.environment
        for metric, (kind, library) in MATMUL_METRICS.items():
            if record.status != "ok" or metric not in record.metrics:
                continue
            if kind == "gpu":
                device = record.gpu or env.get("gpu_name") or "GPU"
            else:
                device = env.get("cpu_model", "CPU")
            bars_.append((f"{device} ({library}) †", kind, record.metrics[metric].mean, True))
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 1.2 + 0.3 * len(bars_)))
    ys = list(range(len(bars_)))[::-1]
    for y, (_, kind, value, measured) in zip(ys, bars_, strict=True):
        ax.barh(y, value, color=PUBLISHED_COLOR if kind == "cpu" else FRONT_COLOR, height=0.6,
                hatch="//" if measured else None, edgecolor="white")
        ax.text(value * 1.05, y, f"{value:.3g} ms", va="center", fontsize=LABEL_SIZE)
    ax.set_yticks(ys, [label for label, *_ in bars_])
    ax.set_xscale("log")
    _plain_ticks(ax.xaxis, subs=(1,))
    ax.set_xlim(min(b[2] for b in bars_) / 2, max(b[2] for b in bars_) * 8)
    ax.set_xlabel(words["matmul"], loc="right")  # under the long bar names too, not past the right edge
    ax.grid(axis="y", visible=False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=PUBLISHED_COLOR, label=words["cpu"]),
               plt.Rectangle((0, 0), 1, 1, color=FRONT_COLOR, label=words["gpu"])]
    if any(b[3] for b in bars_):
        handles.append(plt.Rectangle((0, 0), 1, 1, facecolor="#999999", hatch="//", edgecolor="white",
                                     label=f"† {words['measured']}"))
    legend_on_top(fig, handles)
    return fig


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

    @property
    def table(self) -> pd.DataFrame:
        """The one table of a figure that reads one."""
        (table,) = self.tables.values()
        return table


def _cpu_workloads(comparison, lang: str):
    from gpusurvey.reports.cpu_figure import cpu_workloads  # it imports this module's helpers

    return cpu_workloads(comparison, lang)


DRAWERS: dict[str, Callable[[FigureInputs, str], object]] = {
    "matmul": lambda inputs, lang: matmul(inputs.published, inputs.records, lang),
    "bars": lambda inputs, lang: bars(inputs.table, inputs.baseline, lang),
    "value_per_dollar": lambda inputs, lang: value_per_dollar(inputs.tables, lang),
    "roofline": lambda inputs, lang: roofline(inputs.table, lang),
    "cpu_workloads": lambda inputs, lang: _cpu_workloads(inputs.cpu, lang),
}
"""Drawing functions by the name a registry entry gives (``Figure.draw``)."""
