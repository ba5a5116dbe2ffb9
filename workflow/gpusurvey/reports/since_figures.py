"""The figures of the section "since the survey": Table 5's decode roofline with the results
published since, marked by software, and value per dollar today with the RTX 50 series'
predicted points. They read the section's CSVs (``gpusurvey.reports.predictions``); a predicted
point is always a hollow marker labelled as predicted, a published one a filled marker.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pandas as pd

from gpusurvey.models.roofline import LLAMA13B_GPTQ_BYTES_PER_TOKEN, bound_tokens_per_s
from gpusurvey.reports import figures
from gpusurvey.reports.predictions import SERIES, SURVEY, WORKLOAD_TABLES, best_software

SOFTWARE_STYLES = {
    "ExLlamaV2": ("#dd8452", "D"), "ExLlama": ("#937860", "v"), "MLC LLM": ("#55a868", "s"),
    "llama.cpp": ("#8172b3", "P"), "diffusers": ("#dd8452", "s"),
    "diffusers + torch.compile": ("#55a868", "D"),
}
"""Colour and marker of each later software group (the survey's points keep the roofline's)."""

OTHER_STYLE = ("#555555", "X")

TEXT = {
    "ko": {"predicted": "{software}, {series} 예측 (범위: 효율의 최소-최대)",
           "later": "{software} (발표값)", "survey": "서베이(2023)",
           "sd-txt2img": "Stable Diffusion 512x512", "llm-decode": "LLaMA-13B 4비트"},
    "en": {"predicted": "{software}, {series} predicted (range: min-max efficiency)",
           "later": "{software} (published)", "survey": "survey (2023)",
           "sd-txt2img": "Stable Diffusion 512x512", "llm-decode": "LLaMA-13B 4-bit"},
}


def _style(software: str) -> tuple[str, str]:
    return SOFTWARE_STYLES.get(software, OTHER_STYLE)


def roofline_since(table5: pd.DataFrame, points: pd.DataFrame, predicted: pd.DataFrame,
                   best: str, lang: str):
    """Table 5's roofline (``figures.roofline``) with every later software's points on the
    survey's and other cards, and the RTX 50 series predicted with ``best``, hollow."""
    words = TEXT[lang]
    fig = figures.roofline(table5, lang)
    ax = fig.axes[0]
    later = points[(points["workload"] == "llm-decode") & (points["software"] != SURVEY)]
    for software, part in later.groupby("software", sort=True):
        color, marker = _style(software)
        ax.scatter(part["memory_bandwidth_gbs"], part["value"], color=color, marker=marker, s=28,
                   zorder=4, label=words["later"].format(software=software))
    mine = predicted[(predicted["workload"] == "llm-decode") & (predicted["software"] == best)
                     & (predicted["series"] == SERIES) & predicted["predicted"].notna()]
    color, marker = _style(best)
    ax.errorbar(mine["memory_bandwidth_gbs"], mine["predicted"],
                yerr=[mine["predicted"] - mine["predicted_low"], mine["predicted_high"] - mine["predicted"]],
                fmt=marker, mfc="none", mec=color, ecolor=color, ms=6, elinewidth=0.8, capsize=2, zorder=4,
                label=words["predicted"].format(software=best, series=SERIES))
    for _, row in mine.drop_duplicates("memory_bandwidth_gbs").iterrows():
        names = ", ".join(g.removeprefix("RTX ") for g in mine[mine["memory_bandwidth_gbs"]
                                                                == row["memory_bandwidth_gbs"]]["gpu"])
        ax.annotate(names, (row["memory_bandwidth_gbs"], row["predicted"]), fontsize=6, style="italic",
                    xytext=(4, -8), textcoords="offset points", color=color)
    others = later[~later["gpu"].isin(table5["gpu"])].drop_duplicates("gpu")
    figures.place_labels(ax, others["memory_bandwidth_gbs"], others["value"], others["gpu"])
    # Extend the bound line over every card shown (Table 5's figure stops at its own cards).
    low = min(ax.get_xlim()[0], later["memory_bandwidth_gbs"].min() * 0.8)
    high = max(ax.get_xlim()[1], later["memory_bandwidth_gbs"].max() * 1.25,
               mine["memory_bandwidth_gbs"].max() * 1.25 if len(mine) else 0)
    ax.plot([low, high], [bound_tokens_per_s(x, LLAMA13B_GPTQ_BYTES_PER_TOKEN) for x in (low, high)],
            color=figures.BASELINE_COLOR, linewidth=1.2, zorder=1)
    ax.set_xlim(low, high)
    ax.legend(loc="upper left", fontsize=6.5)
    return fig


def value_per_dollar_today(points: pd.DataFrame, predicted: pd.DataFrame, best: Mapping[str, str],
                           lang: str):
    """Value per dollar against launch price per workload: the survey's cards (survey software),
    the cards measured with today's fastest software (``best``, filled) and the RTX 50 series
    predicted with it (hollow, the range as an error bar)."""
    plt = figures._pyplot()
    words = TEXT[lang]
    fig, axes = plt.subplots(1, len(WORKLOAD_TABLES), figsize=(8.4, 4.2), squeeze=False)
    for ax, workload in zip(axes[0], WORKLOAD_TABLES, strict=True):
        unit = "it/s" if workload == "sd-txt2img" else "tokens/s"
        mine = points[(points["workload"] == workload) & points["price_usd"].notna()]
        survey = mine[mine["software"] == SURVEY]
        ax.scatter(survey["price_usd"], survey["value"] / survey["price_usd"], color=figures.PUBLISHED_COLOR,
                   marker="o", s=16, zorder=3, label=words["survey"])
        color, marker = _style(best[workload])
        later = mine[mine["software"] == best[workload]]
        ax.scatter(later["price_usd"], later["value"] / later["price_usd"], color=color, marker=marker, s=26,
                   zorder=4, label=words["later"].format(software=best[workload]))
        pred = predicted[(predicted["workload"] == workload) & (predicted["software"] == best[workload])
                         & (predicted["series"] == SERIES) & predicted["predicted"].notna()]
        per_dollar = pred["predicted"] / pred["price_usd"]
        ax.errorbar(pred["price_usd"], per_dollar,
                    yerr=[per_dollar - pred["predicted_low"] / pred["price_usd"],
                          pred["predicted_high"] / pred["price_usd"] - per_dollar],
                    fmt=marker, mfc="none", mec=color, ecolor=color, ms=6, elinewidth=0.8, capsize=2,
                    zorder=4, label=words["predicted"].format(software=best[workload], series=SERIES))
        for frame, y, italic in ((later, later["value"] / later["price_usd"], False),
                                 (pred, per_dollar, True)):
            for (_, row), value in zip(frame.iterrows(), y, strict=True):
                ax.annotate(row["gpu"].removeprefix("RTX "), (row["price_usd"], value), fontsize=6,
                            xytext=(3, 2), textcoords="offset points", style="italic" if italic else "normal")
        ax.set_title(words[workload])
        ax.set_xlabel(figures.TEXT[lang]["price"])
        ax.set_ylabel(figures.TEXT[lang]["per_dollar"].format(unit=unit))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), fontsize=6.5)
    return fig


def write_since_figures(table5: str | os.PathLike, points: str | os.PathLike, predicted: str | os.PathLike,
                        outputs: Mapping[str, str | os.PathLike]) -> None:
    """Both figures in Korean and English; ``outputs`` maps ``<figure>_<lang>_<ext>`` to a path."""
    from gpusurvey.registry import LANGS

    t5 = pd.read_csv(table5, dtype={"value_text": str})
    pts, pred = pd.read_csv(points), pd.read_csv(predicted)
    best = {w: best_software(pts, w) for w in WORKLOAD_TABLES}
    for lang in LANGS:
        for name, fig in (("roofline_since", roofline_since(t5, pts, pred, best["llm-decode"], lang)),
                          ("value_per_dollar_today", value_per_dollar_today(pts, pred, best, lang))):
            figures.save(fig, {ext: outputs[f"{name}_{lang}_{ext}"] for ext in figures.EXTS})

