"""Figure 1: milliseconds per 1000x1000 fp32 product, the survey's CPU and GPU bars beside one bar
per metric of each matmul record (CPU with torch and NumPy, GPU with torch CUDA)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from gpusurvey.inputs.record_selection import machine_folder
from gpusurvey.reports.figure_words import TEXT
from gpusurvey.reports.plotting import (
    COLUMN_WIDTH_IN,
    FRONT_COLOR,
    LABEL_SIZE,
    PUBLISHED_COLOR,
    legend_on_top,
    plain_ticks,
    pyplot,
)

MATMUL_METRICS = {
    "cpu_torch_fp32_ms": ("cpu", "torch"),
    "cpu_numpy_fp32_ms": ("cpu", "NumPy"),
    "cuda_fp32_ms": ("gpu", "torch CUDA"),
}
"""Matmul record metrics Figure 1 shows: milliseconds per 1000x1000 fp32 product."""


class MatmulBar(NamedTuple):
    """One bar of Figure 1."""

    label: str
    kind: str
    """``cpu`` or ``gpu``."""
    ms: float
    """Milliseconds per product (a record's mean)."""
    path: str | None
    """The record's path, or None for a bar of the survey."""
    folder: str | None = None
    """The record's machine folder where another record's bar has the same label (two machines
    with one CPU model or GPU), so that a reader tells them apart; else None."""


def matmul_bars(published: Sequence, records: Sequence[tuple[str, object]],
                lang: str) -> list[MatmulBar]:
    """Figure 1's bars, in order: the survey's, then each matmul record's, one per metric."""
    words = TEXT[lang]
    bars_ = [MatmulBar(f"{b.processor} ({words['survey']})", b.kind, b.value, None) for b in published]
    for path, record in records:
        env = record.environment
        for metric, (kind, library) in MATMUL_METRICS.items():
            if record.status != "ok" or metric not in record.metrics:
                continue
            if kind == "gpu":
                device = record.gpu or env.get("gpu_name") or "GPU"
            else:
                device = env.get("cpu_model", "CPU")
            bars_.append(MatmulBar(f"{device} ({library}) †", kind, record.metrics[metric].mean, str(path)))
    counts = Counter(bar.label for bar in bars_)
    machines = {str(path): record.machine for path, record in records}
    return [bar._replace(folder=machine_folder(bar.path, machines[bar.path]))
            if counts[bar.label] > 1 and bar.path else bar for bar in bars_]


def matmul(published: Sequence, records: Sequence[tuple[str, object]], lang: str):
    """Figure 1: milliseconds per 1000x1000 product, the survey's two bars and one bar per
    metric of each matmul record (CPU with torch and NumPy, GPU with torch CUDA); bars of two
    records with one label name their machine folders on a second line."""
    plt = pyplot()
    words = TEXT[lang]
    bars_ = matmul_bars(published, records, lang)
    lines = sum(2 if bar.folder else 1 for bar in bars_)
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 1.2 + 0.3 * len(bars_) + 0.12 * (lines - len(bars_))))
    ys = list(range(len(bars_)))[::-1]
    for y, bar in zip(ys, bars_, strict=True):
        ax.barh(y, bar.ms, color=PUBLISHED_COLOR if bar.kind == "cpu" else FRONT_COLOR, height=0.6,
                hatch="//" if bar.path is not None else None, edgecolor="white")
        ax.text(bar.ms * 1.05, y, f"{bar.ms:.3g} ms", va="center", fontsize=LABEL_SIZE)
    ax.set_yticks(ys, [f"{bar.label}\n{bar.folder}" if bar.folder else bar.label for bar in bars_])
    ax.set_xscale("log")
    plain_ticks(ax.xaxis, subs=(1,))
    ax.set_xlim(min(bar.ms for bar in bars_) / 2, max(bar.ms for bar in bars_) * 8)
    ax.set_xlabel(words["matmul"], loc="right")  # under the long bar names too, not past the right edge
    ax.grid(axis="y", visible=False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=PUBLISHED_COLOR, label=words["cpu"]),
               plt.Rectangle((0, 0), 1, 1, color=FRONT_COLOR, label=words["gpu"])]
    if any(bar.path is not None for bar in bars_):
        handles.append(plt.Rectangle((0, 0), 1, 1, facecolor="#999999", hatch="//", edgecolor="white",
                                     label=f"† {words['measured']}"))
    legend_on_top(fig, handles)
    return fig
