"""Since the survey: later published results beside the survey's, and predictions for the cards
nobody measured, validated by leave-one-out.

The model and its rules (which software group may predict, the leave-one-out cases, intervals
from those cases) are ``gpusurvey.models.prediction``; this module gives it its points and puts
what it finds into frames (``gpusurvey.reports.since_writer`` writes them and their fragments).

- **The bound.** LLaMA-13B decoding (``LLM_DECODE``): the memory-bandwidth roofline, the card's
  ``memory_bandwidth_gbs`` over the bytes one token reads from LLaMA-13B's GPTQ 4-bit weights
  (``gpusurvey.models.roofline``); every software is put against this one bound, so a format
  that reads more per token (llama.cpp's Q4_0: 4.5 bits per weight) shows a lower efficiency.
  Stable Diffusion at 512x512 (``SD_TXT2IMG``): the compute bound, the card's dense FP16 tensor
  throughput with FP32 accumulate over the FLOPs of one denoising step at the survey's settings
  (``gpusurvey.models.sd_compute``).
- **Points.** One per workload, software and card: the survey's printed value (software
  ``survey``), or the median of the comparable rows of ``data/literature.csv`` of that software
  group and card. Rows of another source (crowd-sourced ones) are appended to the points
  table as one more group and follow the same rules.
- **Targets.** The RTX 50 series and the survey's cards missing from the workload's table;
  every group of the workload is asked, and one that may not predict gives its reason.

Predicted values live only in the section's outputs (``kind`` is ``predicted`` in every row,
italics in every fragment), never in Tables 3-5.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence

import pandas as pd

from gpusurvey.inputs.gpus import GpuTable, load_gpus
from gpusurvey.inputs.literature import LiteratureRow, comparable_rows, load_literature
from gpusurvey.inputs.published import PublishedRow, load_published_table
from gpusurvey.models import prediction as model
from gpusurvey.models.llama import PRESETS, gptq_tensors
from gpusurvey.models.prediction import Case, Point, Prediction
from gpusurvey.models.roofline import LLAMA13B_GPTQ_BYTES_PER_TOKEN, bound_tokens_per_s, tensor_bytes
from gpusurvey.models.sd_compute import SETTINGS, efficiency, sd_bound_it_per_s, step_flops
from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG, WORKLOADS

SURVEY = "survey"
"""The software group of the survey's own printed values (Tables 3 and 5)."""

WORKLOAD_TABLES = {SD_TXT2IMG: 3, LLM_DECODE: 5}
"""The survey's table each workload's later results stand beside."""

SERIES = "RTX 50"
"""The series released since the survey, whose cards the predictions cover."""

LLAMA13B_GPTQ_WEIGHT_BYTES = sum(tensor_bytes(dtype, dims)
                                 for _, dtype, dims in gptq_tensors(PRESETS["llama-13b"]))
"""Every tensor of the LLaMA-13B GPTQ checkpoint (the embedding table in full): what a card must
hold before its KV cache and the CUDA context. A decode prediction gives the share of the card's
memory it takes, since a card that cannot hold the model cannot reach any speed."""


def card_bound(workload: str, gpu_row: pd.Series) -> float | None:
    """A card's bound for ``workload`` (see the module's docstring); None where ``data/gpus.csv``
    lacks the figure it needs (an RTX 50 card whose tensor throughput no source states)."""
    if workload == LLM_DECODE:
        return bound_tokens_per_s(float(gpu_row["memory_bandwidth_gbs"]), LLAMA13B_GPTQ_BYTES_PER_TOKEN)
    if workload == SD_TXT2IMG:
        peak = gpu_row["fp16_tflops_fp32acc"]
        if pd.isna(peak):
            return None
        return sd_bound_it_per_s(step_flops(SETTINGS[SD_TXT2IMG]), float(peak))
    raise ValueError(f"workload: expected one of {sorted(WORKLOAD_TABLES)}, got '{workload}'")


def measured_points(gpus: GpuTable, published: dict[str, Sequence[PublishedRow]],
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


def target_cards(gpus: GpuTable, published: dict[str, Sequence[PublishedRow]], workload: str) -> list[str]:
    """Cards nobody measured for ``workload``: the RTX 50 series, then the survey's cards
    (Tables 1-2) missing from the workload's table, in ``data/gpus.csv`` order."""
    table = gpus.table
    printed = {row.gpu for row in published[workload]}
    later = list(table.index[table["series"] == SERIES])
    missing = [gpu for gpu in table.index[table["survey_table"].notna()] if gpu not in printed]
    return later + missing


def predictions(points: Sequence[Point], gpus: GpuTable,
                published: dict[str, Sequence[PublishedRow]]) -> list[tuple[str, Prediction]]:
    """Every target card with every group of its workload (``model.predict_each``), as
    (card, prediction); a card a group measured is no target of that group."""
    out = []
    for workload in WORKLOAD_TABLES:
        for gpu in target_cards(gpus, published, workload):
            bound = card_bound(workload, gpus.table.loc[gpu])
            for p in model.predict_each(workload, bound, points):
                if not any(q.gpu == gpu and q.software == p.software and q.workload == workload
                           for q in points):
                    out.append((gpu, p))
    return out


def frame_points(points: pd.DataFrame) -> list[Point]:
    """The model's points from a ``points`` CSV (crowd rows appended included)."""
    return model.points_from_rows(points.to_dict("records"))


def fastest_software(points: pd.DataFrame, workload: str) -> str:
    """The later software (not the survey's) with the highest median efficiency over the cards
    it was measured on (``points``: the ``points`` CSV): the one a comparison on the survey's
    own cards names."""
    mine = points[(points["workload"] == workload) & (points["software"] != SURVEY)]
    if mine.empty:
        raise ValueError(f"{workload}: no later software in the points")
    return str(mine.groupby("software")["efficiency"].median().sort_index().idxmax())


def predicting_software(points: pd.DataFrame, workload: str) -> str:
    """The later software with the highest median efficiency among the groups that may predict
    (``model.Group.predicts``): the software of today the predictions and figures use."""
    pts = frame_points(points)
    able = [g.software for g in model.groups(pts)
            if g.workload == workload and g.predicts and g.software != SURVEY]
    if not able:
        raise ValueError(f"{workload}: no later software may predict (at least {model.MIN_CARDS} cards "
                         f"over {model.MIN_BOUNDS} bounds, following its bound)")
    return max(sorted(able), key=lambda s: statistics.median(
        p.efficiency for p in pts if p.workload == workload and p.software == s))


# Files: CSVs the figures and macros read; the LaTeX fragments are ``prediction_fragments``.

def points_frame(points: Sequence[Point], gpus: GpuTable,
                 literature: Sequence[LiteratureRow] = ()) -> pd.DataFrame:
    """One row per point; ``sources``: the bibliography keys of the rows it is the median of
    (``gpusurvey.reports.literature_bib``; empty for the survey's own values)."""
    from gpusurvey.reports.literature_bib import sources

    return pd.DataFrame([{
        "kind": "published", "workload": p.workload, "software": p.software, "gpu": p.gpu,
        "value": p.value, "unit": WORKLOADS[p.workload].unit, "n_rows": p.n_rows, "bound": round(p.bound, 3),
        "efficiency": round(p.efficiency, 4),
        "memory_bandwidth_gbs": gpus.table.at[p.gpu, "memory_bandwidth_gbs"],
        "price_usd": gpus.table.at[p.gpu, "launch_price_usd"],
        "sources": ";".join(sources(literature, p.workload, p.software, p.gpu)),
    } for p in points])


def weights_share(workload: str, gpu_row: pd.Series) -> float | None:
    """The share of a card's memory (``memory_gb`` GiB) LLaMA-13B's GPTQ weights take, for
    ``LLM_DECODE`` (None for other workloads)."""
    if workload != LLM_DECODE:
        return None
    return round(LLAMA13B_GPTQ_WEIGHT_BYTES / (float(gpu_row["memory_gb"]) * 2**30), 4)


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def predictions_frame(preds: Sequence[tuple[str, Prediction]], gpus: GpuTable) -> pd.DataFrame:
    rows = []
    for gpu, p in preds:
        price = gpus.table.at[gpu, "launch_price_usd"]
        rows.append({
            "kind": "predicted", "workload": p.workload, "software": p.software, "gpu": gpu,
            "series": gpus.table.at[gpu, "series"], "unit": WORKLOADS[p.workload].unit,
            "bound": _round(p.bound, 3), "predicted": _round(p.value, 3),
            "predicted_low": _round(p.low, 3), "predicted_high": _round(p.high, 3),
            "efficiency_median": _round(p.efficiency, 4), "interval_from": p.interval_from,
            "interval_cases": p.cases, "reason": p.reason,
            "memory_bandwidth_gbs": gpus.table.at[gpu, "memory_bandwidth_gbs"],
            "weights_share_of_memory": weights_share(p.workload, gpus.table.loc[gpu]), "price_usd": price,
            "value_per_dollar": (None if p.value is None or pd.isna(price)
                                 else round(p.value / float(price), 6)),
        })
    return pd.DataFrame(rows)


def loo_frame(cases: Sequence[Case]) -> pd.DataFrame:
    return pd.DataFrame([{"workload": c.workload, "software": c.software, "gpu": c.gpu, "value": c.value,
                          "predicted": round(c.predicted, 3), "error": round(c.error, 4)} for c in cases])


def loo_summary_frame(points: Sequence[Point], cases: Sequence[Case]) -> pd.DataFrame:
    """One row per workload and group: its cards and distinct bounds, the rank correlation of
    value with bound, whether it is testable and predicts (else the reason), and the median and
    maximum absolute error of its leave-one-out cases."""
    rows = []
    for g in model.groups(points):
        errors = [abs(c.error) for c in cases if c.workload == g.workload and c.software == g.software]
        rows.append({"workload": g.workload, "software": g.software, "n_cards": g.cards, "n_bounds": g.bounds,
                     "rank_correlation": _round(g.rank_correlation, 3), "testable": g.testable,
                     "predicts": g.predicts, "reason": g.reason, "n_cases": len(errors),
                     "median_error": round(statistics.median(errors), 4) if errors else None,
                     "max_error": round(max(errors), 4) if errors else None})
    return pd.DataFrame(rows)


def load_inputs(gpus_path, literature_path, published_paths: dict[str, str | os.PathLike]):
    """The catalogue, the survey's printed rows by workload and the literature, all checked."""
    gpus = load_gpus(gpus_path)
    published = {w: load_published_table(published_paths[w], gpus, WORKLOADS[w].unit)
                 for w in WORKLOAD_TABLES}
    return gpus, published, load_literature(literature_path, gpus)
