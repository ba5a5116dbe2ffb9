"""Since the survey: later published results beside the survey's, and predictions for the cards
nobody measured, validated by leave-one-out.

The method rests on one observation: for a given piece of software, the fraction of a card's
hardware limit it reaches (its efficiency) varies far less between cards than the speed does.

- **The bound.** LLaMA-13B decoding (``llm-decode``): the memory-bandwidth roofline, the card's
  ``memory_bandwidth_gbs`` over the bytes one token reads from LLaMA-13B's GPTQ 4-bit weights
  (``gpusurvey.models.roofline``); every software is put against this one bound, so a format
  that reads more per token (llama.cpp's Q4_0: 4.5 bits per weight) shows a lower efficiency.
  Stable Diffusion at 512x512 (``sd-txt2img``): the compute bound, the card's dense FP16 tensor
  throughput with FP32 accumulate over the FLOPs of one denoising step at the survey's settings
  (``gpusurvey.models.sd_compute``).
- **Points.** One per workload, software and card: the survey's printed value (software
  ``survey``), or the median of the comparable rows of ``data/literature.csv`` of that software
  group and card; its efficiency is value / bound.
- **Prediction.** For a card with no point of a software: its bound times the median efficiency
  of that software's points, with the range bound x min to bound x max of those efficiencies.
  Only software measured on at least two cards predicts (a spread needs two).
- **Validation.** Leave-one-out: each point of such a software is predicted from the others
  (bound x their median efficiency) and compared with its value; the error is
  |predicted - value| / value, summarised per software and per workload by its median and maximum.

Predicted values live only in this module's outputs (``kind`` is ``predicted`` in every row,
italics in every fragment), never in Tables 3-5.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from pylatex.utils import NoEscape

from gpusurvey.core import atomic
from gpusurvey.core.rounding import fixed
from gpusurvey.inputs.gpus import GpuCatalog, load_gpus
from gpusurvey.inputs.literature import LiteratureRow, comparable_rows, load_literature
from gpusurvey.inputs.published import PublishedRow, load_published_table
from gpusurvey.models.llama import PRESETS, gptq_tensors
from gpusurvey.models.roofline import LLAMA13B_GPTQ_BYTES_PER_TOKEN, bound_tokens_per_s, tensor_bytes
from gpusurvey.models.sd_compute import SETTINGS, efficiency, sd_bound_it_per_s, step_flops
from gpusurvey.registry import WORKLOADS
from gpusurvey.reports.latex_tables import tabular

SURVEY = "survey"
"""The software group of the survey's own printed values (Tables 3 and 5)."""

WORKLOAD_TABLES = {"sd-txt2img": 3, "llm-decode": 5}
"""The survey's table each workload's later results stand beside."""

SERIES = "RTX 50"
"""The series released since the survey, whose cards the predictions cover."""

MIN_CARDS = 2
"""Cards a software must have been measured on to predict (and to be left out one at a time)."""

PLACES = {"sd-txt2img": 1, "llm-decode": 1}
"""Decimals of a printed predicted or bound value."""

LLAMA13B_GPTQ_WEIGHT_BYTES = sum(tensor_bytes(dtype, dims)
                                 for _, dtype, dims in gptq_tensors(PRESETS["llama-13b"]))
"""Every tensor of the LLaMA-13B GPTQ checkpoint (the embedding table in full): what a card must
hold before its KV cache and the CUDA context. A decode prediction gives the share of the card's
memory it takes, since a card that cannot hold the model cannot reach any speed."""

WORDS = {
    "ko": {SURVEY: "서베이(2023)", "card": "GPU", "bound": "상한", "predicted": "예측",
           "software": "소프트웨어", "cards": "카드 수", "median": "오차 중앙값", "max": "최대 오차",
           "all": "전체", "none": "–", "unknown": "미확인", "weights": "가중치/메모리",
           "sd-txt2img": "Stable Diffusion 512x512 (it/s)", "llm-decode": "LLaMA-13B 4비트 (tokens/s)"},
    "en": {SURVEY: "survey (2023)", "card": "GPU", "bound": "bound", "predicted": "predicted",
           "software": "software", "cards": "cards", "median": "median error", "max": "max. error",
           "all": "all", "none": "–", "unknown": "n/a", "weights": "weights/memory",
           "sd-txt2img": "Stable Diffusion 512x512 (it/s)", "llm-decode": "LLaMA-13B 4-bit (tokens/s)"},
}


def software_label(software: str, lang: str) -> str:
    """How a software group is printed: the survey's in the edition's words, others by name."""
    return WORDS[lang][SURVEY] if software == SURVEY else software


@dataclass(frozen=True)
class Point:
    """One card's speed with one software, and the fraction of its bound that is."""

    workload: str
    software: str
    gpu: str
    value: float
    bound: float
    n_rows: int
    """Rows of the source data it is the median of (1 for a survey value)."""

    @property
    def efficiency(self) -> float:
        return self.value / self.bound


def card_bound(workload: str, gpu_row: pd.Series) -> float | None:
    """A card's bound for ``workload`` (see the module's docstring); None where ``data/gpus.csv``
    lacks the figure it needs (an RTX 50 card whose tensor throughput no source states)."""
    if workload == "llm-decode":
        return bound_tokens_per_s(float(gpu_row["memory_bandwidth_gbs"]), LLAMA13B_GPTQ_BYTES_PER_TOKEN)
    if workload == "sd-txt2img":
        peak = gpu_row["fp16_tflops_fp32acc"]
        if pd.isna(peak):
            return None
        return sd_bound_it_per_s(step_flops(SETTINGS["sd-txt2img"]), float(peak))
    raise ValueError(f"workload: expected one of {sorted(WORKLOAD_TABLES)}, got '{workload}'")


def measured_points(gpus: GpuCatalog, published: dict[str, Sequence[PublishedRow]],
                    literature: Sequence[LiteratureRow]) -> list[Point]:
    """The survey's values (``published``: the printed rows by workload) and the comparable
    literature rows, one point per workload, software group and card (the median of its rows).
    A value above its card's bound raises (``sd_compute.EfficiencyAboveOneError``)."""
    groups: dict[tuple[str, str, str], list[float]] = {}
    for workload, rows in published.items():
        for row in rows:
            groups.setdefault((workload, SURVEY, row.gpu), []).append(row.value)
    for row in comparable_rows(list(literature)):
        groups.setdefault((row.workload, row.software_group, row.gpu), []).append(row.value)
    points = []
    for (workload, software, gpu), values in groups.items():
        bound = card_bound(workload, gpus.table.loc[gpu])
        if bound is None:
            raise ValueError(f"{gpu}: {software} measured {workload}, but data/gpus.csv lacks the "
                             "figure its bound needs")
        point = Point(workload, software, gpu, statistics.median(values), bound, len(values))
        efficiency(point.value, bound, what=f"{gpu}, {software}, {workload}")
        points.append(point)
    return sorted(points, key=lambda p: (p.workload, p.software != SURVEY, p.software, -p.value))


def software_groups(points: Sequence[Point], workload: str) -> list[str]:
    """The software of ``workload`` measured on at least ``MIN_CARDS`` cards, the survey's first."""
    counts: dict[str, int] = {}
    for p in points:
        if p.workload == workload:
            counts[p.software] = counts.get(p.software, 0) + 1
    return [s for s in sorted(counts, key=lambda s: (s != SURVEY, s)) if counts[s] >= MIN_CARDS]


@dataclass(frozen=True)
class LooCase:
    """One point predicted from the other points of its software."""

    workload: str
    software: str
    gpu: str
    value: float
    predicted: float

    @property
    def error(self) -> float:
        """Signed relative error, (predicted - value) / value."""
        return (self.predicted - self.value) / self.value


def leave_one_out(points: Sequence[Point]) -> list[LooCase]:
    """Every point of a software measured on ``MIN_CARDS`` or more cards, predicted from the rest."""
    cases = []
    for workload in WORKLOAD_TABLES:
        for software in software_groups(points, workload):
            group = [p for p in points if p.workload == workload and p.software == software]
            for left in group:
                rest = statistics.median(p.efficiency for p in group if p is not left)
                cases.append(LooCase(workload, software, left.gpu, left.value, left.bound * rest))
    return cases


@dataclass(frozen=True)
class LooSummary:
    workload: str
    software: str
    """A software group, or ``all`` for every case of the workload pooled."""
    n_cards: int
    median_error: float
    max_error: float


def loo_summary(cases: Sequence[LooCase]) -> list[LooSummary]:
    """Median and maximum absolute relative error per workload and software, then per workload."""
    out = []
    for workload in WORKLOAD_TABLES:
        mine = [c for c in cases if c.workload == workload]
        for software in dict.fromkeys(c.software for c in mine):
            errors = [abs(c.error) for c in mine if c.software == software]
            out.append(LooSummary(workload, software, len(errors), statistics.median(errors), max(errors)))
        if mine:
            errors = [abs(c.error) for c in mine]
            out.append(LooSummary(workload, "all", len(errors), statistics.median(errors), max(errors)))
    return out


@dataclass(frozen=True)
class Prediction:
    """A card's predicted speed with one software; ``predicted`` is None where it has no bound."""

    workload: str
    software: str
    gpu: str
    bound: float | None
    efficiency_median: float
    efficiency_min: float
    efficiency_max: float
    basis: tuple[str, ...]
    """The cards whose efficiencies it rests on."""

    @property
    def predicted(self) -> float | None:
        return None if self.bound is None else self.bound * self.efficiency_median

    @property
    def low(self) -> float | None:
        return None if self.bound is None else self.bound * self.efficiency_min

    @property
    def high(self) -> float | None:
        return None if self.bound is None else self.bound * self.efficiency_max


def target_cards(gpus: GpuCatalog, published: dict[str, Sequence[PublishedRow]], workload: str) -> list[str]:
    """Cards nobody measured for ``workload``: the RTX 50 series, then the survey's cards
    (Tables 1-2) missing from the workload's table, in ``data/gpus.csv`` order."""
    table = gpus.table
    printed = {row.gpu for row in published[workload]}
    later = list(table.index[table["series"] == SERIES])
    missing = [gpu for gpu in table.index[table["survey_table"].notna()] if gpu not in printed]
    return later + missing


def predictions(points: Sequence[Point], gpus: GpuCatalog,
                published: dict[str, Sequence[PublishedRow]]) -> list[Prediction]:
    """Every target card with every software that predicts (``software_groups``)."""
    out = []
    for workload in WORKLOAD_TABLES:
        for software in software_groups(points, workload):
            group = [p for p in points if p.workload == workload and p.software == software]
            effs = [p.efficiency for p in group]
            for gpu in target_cards(gpus, published, workload):
                if any(p.gpu == gpu for p in group):
                    continue
                out.append(Prediction(workload, software, gpu, card_bound(workload, gpus.table.loc[gpu]),
                                      statistics.median(effs), min(effs), max(effs),
                                      tuple(p.gpu for p in group)))
    return out


def best_software(points: pd.DataFrame, workload: str) -> str:
    """The later software (not the survey's) with the highest median efficiency among those
    measured on ``MIN_CARDS`` or more cards (``points``: the ``points`` CSV): the software of
    today the value-per-dollar figure and the macros use."""
    mine = points[(points["workload"] == workload) & (points["software"] != SURVEY)]
    counts = mine.groupby("software")["gpu"].nunique()
    medians = mine.groupby("software")["efficiency"].median()[counts >= MIN_CARDS]
    if medians.empty:
        raise ValueError(f"{workload}: no later software measured on {MIN_CARDS} or more cards")
    return str(medians.sort_index().idxmax())


# Files: CSVs the figures and macros read, LaTeX fragments the paper inputs.

def points_frame(points: Sequence[Point], gpus: GpuCatalog) -> pd.DataFrame:
    return pd.DataFrame([{
        "kind": "published", "workload": p.workload, "software": p.software, "gpu": p.gpu,
        "value": p.value, "unit": WORKLOADS[p.workload].unit, "n_rows": p.n_rows, "bound": round(p.bound, 3),
        "efficiency": round(p.efficiency, 4),
        "memory_bandwidth_gbs": gpus.table.at[p.gpu, "memory_bandwidth_gbs"],
        "price_usd": gpus.table.at[p.gpu, "launch_price_usd"],
    } for p in points])


def weights_share(workload: str, gpu_row: pd.Series) -> float | None:
    """The share of a card's memory (``memory_gb`` GiB) LLaMA-13B's GPTQ weights take, for
    ``llm-decode`` (None for other workloads)."""
    if workload != "llm-decode":
        return None
    return round(LLAMA13B_GPTQ_WEIGHT_BYTES / (float(gpu_row["memory_gb"]) * 2**30), 4)


def predictions_frame(preds: Sequence[Prediction], gpus: GpuCatalog) -> pd.DataFrame:
    rows = []
    for p in preds:
        price = gpus.table.at[p.gpu, "launch_price_usd"]
        rows.append({
            "kind": "predicted", "workload": p.workload, "software": p.software, "gpu": p.gpu,
            "series": gpus.table.at[p.gpu, "series"], "unit": WORKLOADS[p.workload].unit,
            "bound": None if p.bound is None else round(p.bound, 3),
            "predicted": None if p.predicted is None else round(p.predicted, 3),
            "predicted_low": None if p.low is None else round(p.low, 3),
            "predicted_high": None if p.high is None else round(p.high, 3),
            "efficiency_median": round(p.efficiency_median, 4), "efficiency_min": round(p.efficiency_min, 4),
            "efficiency_max": round(p.efficiency_max, 4), "basis": "; ".join(p.basis),
            "memory_bandwidth_gbs": gpus.table.at[p.gpu, "memory_bandwidth_gbs"],
            "weights_share_of_memory": weights_share(p.workload, gpus.table.loc[p.gpu]), "price_usd": price,
            "value_per_dollar": (None if p.predicted is None or pd.isna(price)
                                 else round(p.predicted / float(price), 6)),
        })
    return pd.DataFrame(rows)


def loo_frame(cases: Sequence[LooCase]) -> pd.DataFrame:
    return pd.DataFrame([{"workload": c.workload, "software": c.software, "gpu": c.gpu, "value": c.value,
                          "predicted": round(c.predicted, 3), "error": round(c.error, 4)} for c in cases])


def loo_summary_frame(summary: Sequence[LooSummary]) -> pd.DataFrame:
    return pd.DataFrame([{"workload": s.workload, "software": s.software, "n_cards": s.n_cards,
                          "median_error": round(s.median_error, 4), "max_error": round(s.max_error, 4)}
                         for s in summary])


def _num(value: float, workload: str) -> str:
    return fixed(value, PLACES[workload])


def _percent(fraction: float) -> str:
    return fixed(fraction * 100, 0) + r"\%"


def _italic(text: str) -> NoEscape:
    return NoEscape(rf"\textit{{{text}}}")


def comparison_fragment(points: Sequence[Point], lang: str) -> str:
    """For each workload, the survey's cards that later software was measured on: the bound,
    the survey's value and each later software's, with the fraction of the bound in brackets."""
    words = WORDS[lang]
    parts = []
    for workload in WORKLOAD_TABLES:
        mine = [p for p in points if p.workload == workload]
        survey = {p.gpu: p for p in mine if p.software == SURVEY}
        later = sorted({p.software for p in mine if p.software != SURVEY})
        cards = [g for g in survey if any(p.gpu == g and p.software != SURVEY for p in mine)]
        rows = []
        for gpu in cards:
            row = [gpu, _num(survey[gpu].bound, workload)]
            for software in [SURVEY, *later]:
                point = next((p for p in mine if p.gpu == gpu and p.software == software), None)
                row.append(NoEscape(f"{point.value:g} ({_percent(point.efficiency)})") if point
                           else words["none"])
            rows.append(row)
        header = [f"{words[workload]}", words["bound"], *(software_label(s, lang) for s in [SURVEY, *later])]
        parts.append(tabular(header, rows, "l" + "r" * (len(header) - 1)))
    return "\\par\\medskip\n".join(parts)


def predictions_fragment(preds: Sequence[Prediction], gpus: GpuCatalog, lang: str) -> str:
    """For each workload, the cards nobody measured: the bound (for decoding, also the share of
    the card's memory the weights take) and, per software, the predicted value with its range,
    all in italics (a predicted cell never looks like a measured one)."""
    words = WORDS[lang]
    parts = []
    for workload in WORKLOAD_TABLES:
        mine = [p for p in preds if p.workload == workload]
        software = list(dict.fromkeys(p.software for p in mine))
        decode = workload == "llm-decode"
        rows = []
        for gpu in dict.fromkeys(p.gpu for p in mine):
            first = next(p for p in mine if p.gpu == gpu)
            row = [gpu, words["unknown"] if first.bound is None else _num(first.bound, workload)]
            if decode:
                row.append(NoEscape(_percent(weights_share(workload, gpus.table.loc[gpu]))))
            for s in software:
                p = next((q for q in mine if q.gpu == gpu and q.software == s), None)
                if p is None or p.predicted is None:
                    row.append(words["unknown"] if p is not None else words["none"])
                else:
                    row.append(_italic(f"{_num(p.predicted, workload)} "
                                       f"({_num(p.low, workload)}--{_num(p.high, workload)})"))
            rows.append(row)
        header = [f"{words[workload]}, {words['predicted']}", words["bound"],
                  *([words["weights"]] if decode else []), *(software_label(s, lang) for s in software)]
        parts.append(tabular(header, rows, "l" + "r" * (len(header) - 1)))
    return "\\par\\medskip\n".join(parts)


def loo_fragment(summary: Sequence[LooSummary], lang: str) -> str:
    """The leave-one-out errors: per workload and software, then every case of the workload."""
    words = WORDS[lang]
    rows = []
    for s in summary:
        label = words["all"] if s.software == "all" else software_label(s.software, lang)
        rows.append([words[s.workload], label, str(s.n_cards), NoEscape(_percent(s.median_error)),
                     NoEscape(_percent(s.max_error))])
    header = ["", words["software"], words["cards"], words["median"], words["max"]]
    return tabular(header, rows, "llrrr")


def load_inputs(gpus_path, literature_path, published_paths: dict[str, str | os.PathLike]):
    """The catalogue, the survey's printed rows by workload and the literature, all checked."""
    gpus = load_gpus(gpus_path)
    published = {w: load_published_table(published_paths[w], gpus, WORKLOADS[w].unit)
                 for w in WORKLOAD_TABLES}
    return gpus, published, load_literature(literature_path, gpus)


def write_since_survey(gpus_path, literature_path, published_paths: dict[str, str | os.PathLike],
                       outputs: dict[str, str | os.PathLike], crowd: str | os.PathLike | None = None) -> None:
    """Every output of the section: ``points``, ``predictions``, ``loo`` and ``loo_summary`` CSVs,
    and the ``comparison``, ``predictions`` and ``loo`` fragments per language (``<name>_<lang>``).
    ``crowd`` (Table 7's CSV) adds the crowd's points as a software group of their own
    (``gpusurvey.reports.crowd_points``). All inputs are read and checked before the first file
    is written."""
    from gpusurvey.registry import LANGS
    from gpusurvey.reports.crowd_points import crowd_points

    gpus, published, literature = load_inputs(gpus_path, literature_path, published_paths)
    points = measured_points(gpus, published, literature)
    if crowd is not None:
        points += crowd_points(crowd, gpus, Point, card_bound)
    preds = predictions(points, gpus, published)
    cases = leave_one_out(points)
    summary = loo_summary(cases)
    texts = {
        "points": points_frame(points, gpus).to_csv(index=False, lineterminator="\n"),
        "predictions": predictions_frame(preds, gpus).to_csv(index=False, lineterminator="\n"),
        "loo": loo_frame(cases).to_csv(index=False, lineterminator="\n"),
        "loo_summary": loo_summary_frame(summary).to_csv(index=False, lineterminator="\n"),
    }
    for lang in LANGS:
        texts[f"comparison_{lang}"] = comparison_fragment(points, lang)
        texts[f"predictions_{lang}"] = predictions_fragment(preds, gpus, lang)
        texts[f"loo_{lang}"] = loo_fragment(summary, lang)
    for name, text in texts.items():
        atomic.write_text(outputs[name], text)
