"""The crowd's figure: for every card of Table 7, each submitter's median batch-1 rate as a
point, with its box (quartiles, whiskers at the 10th and 90th percentiles), on a log scale;
cards sorted by their compute bound, the bound and the survey's Table 3 value marked."""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from gpusurvey.reports import plotting

TEXT = {
    "ko": {"rate": "배치 1 속도 (it/s, 로그 축)", "votes": "제출자별 중앙값",
           "survey": "서베이 표 3 (샘플러만, 100스텝)", "bound": "연산 상한",
           "cards": "GeForce RTX (연산 상한 순)"},
    "en": {"rate": "Batch-1 rate (it/s, log scale)", "votes": "one submitter's median",
           "survey": "survey, Table 3 (sampler only, 100 steps)", "bound": "compute bound",
           "cards": "GeForce RTX (by compute bound)"},
}
POINT_COLOR = "#8c8c8c"
JITTER = 0.28
"""Half the width, in card slots, over which a card's points spread."""


def distributions(votes: pd.DataFrame, table7: pd.DataFrame, lang: str):
    """The figure from ``results/crowd/votes.csv`` and Table 7's CSV."""
    plt = plotting.pyplot()
    words = TEXT[lang]
    cards = table7.sort_values(["bound", "gpu"], ascending=[True, True])
    fig, ax = plt.subplots(figsize=(plotting.PAGE_WIDTH_IN, 3.8))
    rng = np.random.default_rng(0)
    data = []
    for i, gpu in enumerate(cards["gpu"]):
        values = votes.loc[votes["gpu"] == gpu, "rate_b1"].dropna().to_numpy(dtype=float)
        data.append(values)
        xs = i + rng.uniform(-JITTER, JITTER, len(values))
        ax.scatter(xs, values, s=3, color=POINT_COLOR, alpha=0.55, linewidths=0, zorder=2,
                   label=words["votes"] if i == 0 else None)
    ax.boxplot(data, positions=range(len(data)), widths=0.62, whis=(10, 90), showfliers=False,
               patch_artist=False, zorder=3,
               medianprops={"color": plotting.PUBLISHED_COLOR, "linewidth": 1.4},
               boxprops={"linewidth": 0.8}, whiskerprops={"linewidth": 0.8}, capprops={"linewidth": 0.8})
    positions = np.arange(len(cards))
    ax.scatter(positions, cards["bound"], marker="_", s=140, linewidths=1.6, color=plotting.BASELINE_COLOR,
               zorder=4, label=words["bound"])
    surveyed = cards["survey"].notna().to_numpy()
    ax.scatter(positions[surveyed], cards["survey"][surveyed], marker="D", s=16,
               color=plotting.MEASURED_COLOR, edgecolors="black", linewidths=0.4, zorder=5,
               label=words["survey"])
    ax.set_yscale("log")
    low = min(float(np.min(np.concatenate(data))), float(cards["survey"].min())) * 0.8
    ax.set_ylim(low, float(cards["bound"].max()) * 1.4)
    plotting.plain_ticks(ax.yaxis, subs=(1, 2, 5))
    ax.set_xlim(-0.6, len(cards) - 0.4)
    ax.set_xticks(positions)
    # Short names ("3080 Ti" for the RTX 3080 Ti), one word a line, so that no label meets the next.
    ax.set_xticklabels([g.removeprefix("RTX ").replace(" ", "\n") for g in cards["gpu"]])
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(words["rate"])
    if all(g.startswith("RTX ") for g in cards["gpu"]):
        ax.set_xlabel(words["cards"])
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), borderaxespad=0, ncol=3, markerscale=1.5)
    return fig


def write_crowd_figures(votes: str | os.PathLike, table7: str | os.PathLike,
                        outputs: Mapping[str, str | os.PathLike], name: str = "crowd_distributions") -> None:
    """The figure in Korean and English; ``outputs`` maps ``<name>_<lang>_<ext>`` to a path."""
    from gpusurvey.registry import LANGS

    frame, cards = pd.read_csv(votes), pd.read_csv(table7)
    for lang in LANGS:
        plotting.save(distributions(frame, cards, lang),
                     {ext: outputs[f"{name}_{lang}_{ext}"] for ext in plotting.EXTS})
