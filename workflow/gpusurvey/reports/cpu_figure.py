"""The "without a GPU" figure: Figure 1 carried from one matrix product to the real workloads.

One panel per workload this CPU has a record of (a Stable Diffusion step, a LLaMA-13B token):
seconds per unit on a log axis for the CPU, the survey's cheapest card and its fastest, each
card labelled with how many times faster it is; the Stable Diffusion panel marks the CPU's
compute bound (its peak GEMM rate over the step's FLOPs). Without CPU records it says so.
"""

from __future__ import annotations

from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG
from gpusurvey.reports.cpu_compare import CpuComparison, CpuWorkload
from gpusurvey.reports.plotting import FRONT_COLOR, PAGE_WIDTH_IN, PUBLISHED_COLOR, plain_ticks, pyplot

TEXT = {
    "ko": {SD_TXT2IMG: "Stable Diffusion 512x512 한 단계 (초, 로그 축)",
           LLM_DECODE: "LLaMA-13B 토큰 하나 (초, 로그 축)",
           "cheap": "가장 싼 카드", "fast": "가장 빠른 카드", "times": "{x}배 빠름",
           "bound": "CPU 연산 상한", "none": "CPU 기록 없음 (data/measurements/*/cpu/)"},
    "en": {SD_TXT2IMG: "Stable Diffusion 512x512, one step (s, log scale)",
           LLM_DECODE: "LLaMA-13B, one token (s, log scale)",
           "cheap": "cheapest card", "fast": "fastest card", "times": "{x}x faster",
           "bound": "CPU compute bound", "none": "no CPU records (data/measurements/*/cpu/)"},
}


def short(value: float) -> str:
    """Three significant digits, whole numbers from 100 on (``1280``, not ``1.28e+03``)."""
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def panel_bars(item: CpuWorkload, lang: str) -> list[tuple[str, float, float | None, str]]:
    """One panel's bars, in order: (label, seconds per unit, times faster than the CPU or None
    for the CPU's own bar, colour)."""
    words = TEXT[lang]
    cpu_name = item.record.environment.get("cpu_model") or "CPU"
    return [(f"CPU: {cpu_name}", item.seconds_per_unit, None, PUBLISHED_COLOR),
            (f"{item.cheapest.gpu} ({words['cheap']})", 1 / item.cheapest.value,
             item.times(item.cheapest), FRONT_COLOR),
            (f"{item.fastest.gpu} ({words['fast']})", 1 / item.fastest.value,
             item.times(item.fastest), FRONT_COLOR)]


def _panel(ax, item: CpuWorkload, lang: str, bound_s: float | None) -> None:
    words = TEXT[lang]
    bars = panel_bars(item, lang)
    ys = list(range(len(bars)))[::-1]
    for y, (_, seconds, times, color) in zip(ys, bars, strict=True):
        ax.barh(y, seconds, color=color, height=0.6)
        label = f"{short(seconds)} s" + (f"  ({words['times'].format(x=short(times))})" if times else "")
        ax.text(seconds * 1.15, y, label, va="center", fontsize=7)
    ax.set_yticks(ys, [label for label, *_ in bars])
    ax.set_xscale("log")
    low = min(b[1] for b in bars)
    if bound_s is not None:
        ax.axvline(bound_s, color="#444444", linestyle="--", linewidth=1, label=words["bound"])
        ax.legend(loc="lower right", fontsize=7)
        low = min(low, bound_s)
    ax.set_xlim(low / 3, max(b[1] for b in bars) * 6)
    plain_ticks(ax.xaxis)
    ax.set_xlabel(words[item.workload])
    ax.grid(axis="y", visible=False)


def cpu_workloads(comparison: CpuComparison, lang: str):
    """The figure (see the module's docstring)."""
    plt = pyplot()
    items = [item for item in (comparison.sd, comparison.llm) if item is not None]
    # Drawn at the full text width it is printed at, so its type prints at the size drawn.
    fig, axes = plt.subplots(max(1, len(items)), 1, figsize=(PAGE_WIDTH_IN, 0.6 + 1.7 * max(1, len(items))),
                             squeeze=False)
    if not items:
        axes[0][0].text(0.5, 0.5, TEXT[lang]["none"], ha="center", va="center")
        axes[0][0].set_axis_off()
        return fig
    for ax, item in zip(axes[:, 0], items, strict=True):
        bound = comparison.bound
        _panel(ax, item, lang, 1 / bound.bound_it_per_s if bound and item.workload == SD_TXT2IMG
               else None)
    fig.tight_layout(h_pad=1.5)  # each panel's axis title clear of the panel below
    return fig
