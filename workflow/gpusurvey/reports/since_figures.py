"""The figures of the section "since the survey": Table 5's decode roofline with the results
published since, marked by software, and value per dollar today with the RTX 50 series'
predicted points. They read the section's CSVs (``gpusurvey.reports.predictions``); a predicted
point is always a hollow marker labelled as predicted, a published one a filled marker.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pandas as pd

from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG
from gpusurvey.reports import figure_words, figures, plotting
from gpusurvey.reports.predictions import SERIES, SURVEY, WORKLOAD_TABLES, predicting_software

SOFTWARE_STYLES = {
    "ExLlamaV2": ("#dd8452", "D"), "ExLlama": ("#937860", "v"), "MLC LLM": ("#55a868", "s"),
    "llama.cpp": ("#8172b3", "P"), "diffusers": ("#dd8452", "s"),
    "diffusers + torch.compile": ("#55a868", "D"),
}
"""Colour and marker of each later software group (the survey's points keep the roofline's)."""

OTHER_STYLE = ("#555555", "X")

DODGE = 0.07
"""Points of several software on one card are spread sideways by this share of the bandwidth
each (on the log axis), so that none hides another; the caption says so."""

TEXT = {
    "ko": {"predicted": "{software}, {series} 예측 (막대: 하나씩 빼고 검증한 구간)",
           "later": "{software} (발표값)", "survey": "서베이(2023)",
           "published_panel": "(a) 발표된 결과", "predicted_panel": "(b) {series}: {software}로 예측",
           SD_TXT2IMG: "Stable Diffusion 512x512", LLM_DECODE: "LLaMA-13B 4비트 디코딩"},
    "en": {"predicted": "{software}, {series} predicted (bar: leave-one-out interval)",
           "later": "{software} (published)", "survey": "survey (2023)",
           "published_panel": "(a) Published results",
           "predicted_panel": "(b) {series} predicted with {software}",
           SD_TXT2IMG: "Stable Diffusion 512x512", LLM_DECODE: "LLaMA-13B 4-bit decoding"},
}


def _style(software: str) -> tuple[str, str]:
    return SOFTWARE_STYLES.get(software, OTHER_STYLE)


def _predicted(predicted: pd.DataFrame, workload: str, software: str) -> pd.DataFrame:
    return predicted[(predicted["workload"] == workload) & (predicted["software"] == software)
                     & (predicted["series"] == SERIES) & predicted["predicted"].notna()]


def _short(gpu: str) -> str:
    """A GeForce card by its number (``5090``), a data-centre card by its chip (``A100``)."""
    return gpu.removeprefix("RTX ") if gpu.startswith("RTX ") else gpu.split()[0]


def _later_points(ax, later: pd.DataFrame, lang: str) -> tuple[list[float], list[float]]:
    """Each later software's points, several on one card spread sideways (``DODGE``); their
    positions as drawn."""
    names = sorted(later["software"].unique())
    counts = later["gpu"].value_counts()
    drawn: tuple[list[float], list[float]] = ([], [])
    for i, name in enumerate(names):
        part = later[later["software"] == name]
        shift = (1 + DODGE) ** (i - (len(names) - 1) / 2)
        bandwidth = part["memory_bandwidth_gbs"]
        x = bandwidth.where(part["gpu"].map(counts) <= 1, bandwidth * shift)
        color, marker = _style(name)
        ax.scatter(x, part["value"], color=color, marker=marker, s=24, zorder=4,
                   label=TEXT[lang]["later"].format(software=name))
        drawn[0].extend(x)
        drawn[1].extend(part["value"])
    return drawn


def roofline_since(table5: pd.DataFrame, points: pd.DataFrame, predicted: pd.DataFrame,
                   software: str, lang: str):
    """Two panels on one log scale, each with Table 5's bound over every card shown
    (``figures.roofline_axes``): (a) the survey's points and every later software's, (b) the
    RTX 50 series predicted with ``software`` (hollow, the leave-one-out interval as a bar)
    beside the points of ``software`` it rests on. The y axis reaches the bound at the largest
    bandwidth shown; the legend, below both, names only what the panels draw."""
    plt = plotting.pyplot()
    words = TEXT[lang]
    fig, (left, right) = plt.subplots(1, 2, figsize=(plotting.PAGE_WIDTH_IN, 4.8), sharey=True)
    later = points[(points["workload"] == LLM_DECODE) & (points["software"] != SURVEY)]
    mine = _predicted(predicted, LLM_DECODE, software)
    xs = [*table5["memory_bandwidth_gbs"], *later["memory_bandwidth_gbs"], *mine["memory_bandwidth_gbs"]]
    xlim = (min(xs) * 0.8, max(xs) * 1.25)
    top = figures.roofline_axes(left, table5, lang, xlim)
    avoid = _later_points(left, later, lang)
    ok = table5[table5["status"] == "ok"]
    labelled = pd.concat([ok[["memory_bandwidth_gbs", "value", "gpu"]],
                          later[~later["gpu"].isin(ok["gpu"])].drop_duplicates("gpu")[
                              ["memory_bandwidth_gbs", "value", "gpu"]]])
    basis = later[later["software"] == software]
    figures.roofline_axes(right, table5, lang, xlim, points=False)
    color, marker = _style(software)
    right.scatter(basis["memory_bandwidth_gbs"], basis["value"], color=color, marker=marker, s=24, zorder=4,
                  label=words["later"].format(software=software))
    below, above = mine["predicted"] - mine["predicted_low"], mine["predicted_high"] - mine["predicted"]
    right.errorbar(mine["memory_bandwidth_gbs"], mine["predicted"], yerr=[below, above],
                   fmt=marker, mfc="white", mec=color, ecolor=color, ms=6, elinewidth=0.8, capsize=2,
                   zorder=4, label=words["predicted"].format(software=software, series=SERIES))
    right.set_ylabel("")
    low = min(ok["value"].min(), later["value"].min(), mine["predicted_low"].min() if len(mine) else 1e9)
    left.set_ylim(low * 0.7, max(top, mine["predicted_high"].max() if len(mine) else 0) * 1.3)
    plotting.place_labels(left, labelled["memory_bandwidth_gbs"], labelled["value"],
                         [_short(g) for g in labelled["gpu"]], avoid=avoid)
    names = mine.groupby("memory_bandwidth_gbs", sort=True).agg(
        value=("predicted", "max"), gpu=("gpu", lambda g: ", ".join(_short(x) for x in g))).reset_index()
    plotting.place_labels(right, names["memory_bandwidth_gbs"], names["value"], names["gpu"],
                         avoid=(basis["memory_bandwidth_gbs"], basis["value"]))
    for text in right.texts:
        text.set_style("italic")
    left.set_title(words["published_panel"])
    right.set_title(words["predicted_panel"].format(software=software, series=SERIES))
    handles, labels = {}, []
    for ax in (left, right):
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in handles:
                handles[label] = handle
                labels.append(label)
    fig.legend([handles[label] for label in labels], labels, loc="lower center", ncol=2, fontsize=7.5,
               bbox_to_anchor=(0.5, 0))
    fig.tight_layout(rect=(0, 0.2, 1, 1))
    return fig


def value_per_dollar_today(points: pd.DataFrame, predicted: pd.DataFrame, software: Mapping[str, str],
                           lang: str):
    """Value per dollar against launch price per workload: the survey's cards (survey software),
    the cards measured with the software that predicts (``software``, filled) and the RTX 50
    series predicted with it (hollow, the leave-one-out interval as an error bar)."""
    plt = plotting.pyplot()
    words = TEXT[lang]
    fig, axes = plt.subplots(len(WORKLOAD_TABLES), 1, figsize=(plotting.PAGE_WIDTH_IN, 8.6), squeeze=False)
    for ax, workload in zip(axes[:, 0], WORKLOAD_TABLES, strict=True):
        unit = "it/s" if workload == SD_TXT2IMG else "tokens/s"
        mine = points[(points["workload"] == workload) & points["price_usd"].notna()]
        survey = mine[mine["software"] == SURVEY]
        ax.scatter(survey["price_usd"], survey["value"] / survey["price_usd"], color=plotting.PUBLISHED_COLOR,
                   marker="o", s=16, zorder=3, label=words["survey"])
        color, marker = _style(software[workload])
        later = mine[mine["software"] == software[workload]]
        ax.scatter(later["price_usd"], later["value"] / later["price_usd"], color=color, marker=marker, s=26,
                   zorder=4, label=words["later"].format(software=software[workload]))
        pred = _predicted(predicted, workload, software[workload]).dropna(subset=["price_usd"])
        per_dollar = pred["predicted"] / pred["price_usd"]
        ax.errorbar(pred["price_usd"], per_dollar,
                    yerr=[per_dollar - pred["predicted_low"] / pred["price_usd"],
                          pred["predicted_high"] / pred["price_usd"] - per_dollar],
                    fmt=marker, mfc="white", mec=color, ecolor=color, ms=6, elinewidth=0.8, capsize=2,
                    zorder=4, label=words["predicted"].format(software=software[workload], series=SERIES))
        ys = [*(survey["value"] / survey["price_usd"]), *(later["value"] / later["price_usd"]),
              *(pred["predicted_low"] / pred["price_usd"]), *(pred["predicted_high"] / pred["price_usd"])]
        ax.set_ylim(0, max(ys) * 1.15)
        prices = [*survey["price_usd"], *later["price_usd"], *pred["price_usd"]]
        ax.set_xlim(min(prices) - 150, max(prices) + 250)
        plotting.place_labels(ax, [*later["price_usd"], *pred["price_usd"]],
                             [*(later["value"] / later["price_usd"]), *per_dollar],
                             [*(_short(g) for g in later["gpu"]), *(_short(g) for g in pred["gpu"])],
                             avoid=(survey["price_usd"], survey["value"] / survey["price_usd"]))
        for text in ax.texts[len(ax.texts) - len(pred):]:
            text.set_style("italic")
        ax.set_title(words[workload])
        ax.set_xlabel(figure_words.TEXT[lang]["price"])
        ax.set_ylabel(figure_words.TEXT[lang]["per_dollar"].format(unit=unit))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, borderaxespad=0, fontsize=7.5)
    fig.tight_layout(h_pad=2)
    return fig


def write_since_figures(table5: str | os.PathLike, points: str | os.PathLike, predicted: str | os.PathLike,
                        outputs: Mapping[str, str | os.PathLike]) -> None:
    """Both figures in Korean and English; ``outputs`` maps ``<figure>_<lang>_<ext>`` to a path."""
    from gpusurvey.registry import LANGS

    t5 = pd.read_csv(table5, dtype={"value_text": str})
    pts, pred = pd.read_csv(points), pd.read_csv(predicted)
    software = {w: predicting_software(pts, w) for w in WORKLOAD_TABLES}
    for lang in LANGS:
        for name, fig in (("roofline_since", roofline_since(t5, pts, pred, software[LLM_DECODE], lang)),
                          ("value_per_dollar_today", value_per_dollar_today(pts, pred, software, lang))):
            plotting.save(fig, {ext: outputs[f"{name}_{lang}_{ext}"] for ext in plotting.EXTS})
