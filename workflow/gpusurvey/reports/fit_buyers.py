"""The buyer's page: for each need, the fastest card, the cheapest card that holds it and the
card with the most speed per dollar, among the RTX 30, 40 and 50 cards at their launch prices,
each number marked measured, published or predicted.

- Stable Diffusion 1.5, images per minute (one image of ``SD_STEPS`` denoising steps at
  512x512): the survey's published speeds (Table 3; ``results/since/points.csv``, software
  ``survey``) and, for the cards it lacks, the predictions with the same software
  (``results/since/predictions.csv``). Every card holds SD 1.5 (``fit_validation``), so the
  cheapest that fits is the cheapest with a speed.
- Language models (``NEEDS``): the memory model decides which cards hold the model in the
  format at the context (``fit``); speeds are predicted (``fit_speed``), or the bandwidth bound
  where no software group predicts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gpusurvey.registry import SD_TXT2IMG
from gpusurvey.reports.fit import CONSUMER_SERIES, FitData, plan

SD_STEPS = 50
"""Denoising steps of one image (diffusers' default), to turn it/s into images per minute."""
NEEDS = (
    ("Thirteen", "llama-2-13b", "gguf-q4_k_m"),
    ("ThirtyTwo", "qwen2.5-32b", "gguf-q4_k_m"),
    ("Seventy", "llama-3.1-70b", "gguf-q4_k_m"),
    ("Eight", "llama-3.1-8b", "gguf-q8_0"),
)
"""(macro name, model, format) of each language-model need: 13B, 32B and 70B at 4-bit, 8B at 8-bit."""


@dataclass(frozen=True)
class Pick:
    role: str
    """``fastest``, ``cheapest`` or ``value``."""
    gpu: str | None
    speed: float | None
    kind: str | None
    """``published``, ``predicted`` or ``bound`` (no prediction: the bandwidth bound)."""
    price: float | None
    date: str | None


def _cards(data: FitData) -> pd.DataFrame:
    table = data.gpus.table
    return table[table["series"].isin(CONSUMER_SERIES) & table["launch_price_usd"].notna()]


def _picks(rows: pd.DataFrame) -> list[Pick]:
    """``rows``: gpu, speed, kind, price, date of every card that holds the need."""
    if rows.empty:
        return [Pick(role, None, None, None, None, None) for role in ("fastest", "cheapest", "value")]
    rows = rows.assign(per_dollar=rows["speed"] / rows["price"])
    chosen = {"fastest": rows.sort_values(["speed", "price"], ascending=[False, True]).iloc[0],
              "cheapest": rows.sort_values(["price", "speed"], ascending=[True, False]).iloc[0],
              "value": rows.sort_values(["per_dollar", "price"], ascending=[False, True]).iloc[0]}
    return [Pick(role, r["gpu"], float(r["speed"]), r["kind"], float(r["price"]), str(r["date"]))
            for role, r in chosen.items()]


def sd_picks(data: FitData, points: pd.DataFrame, predictions: pd.DataFrame) -> list[Pick]:
    cards = _cards(data)
    published = points[(points["workload"] == SD_TXT2IMG) & (points["software"] == "survey")]
    rows = {g: (float(v), "published") for g, v in zip(published["gpu"], published["value"], strict=True)}
    predicted = predictions[(predictions["workload"] == SD_TXT2IMG) & (predictions["software"] == "survey")
                            & predictions["predicted"].notna()]
    for g, v in zip(predicted["gpu"], predicted["predicted"], strict=True):
        rows.setdefault(g, (float(v), "predicted"))
    frame = pd.DataFrame([{"gpu": g, "speed": it_s * 60 / SD_STEPS, "kind": kind,
                           "price": float(cards.at[g, "launch_price_usd"]),
                           "date": cards.at[g, "launch_date"]}
                          for g, (it_s, kind) in rows.items() if g in cards.index])
    return _picks(frame)


def llm_picks(data: FitData, model: str, fmt: str, context: int, headroom_gib: float) -> list[Pick]:
    rows = []
    for gpu, card in _cards(data).iterrows():
        fit = plan(data, gpu, data.models[model], fmt, context, headroom_gib)
        if not fit.fits:
            continue
        predicted = fit.speed.predicted
        rows.append({"gpu": gpu, "speed": fit.speed.bound if predicted is None else predicted,
                     "kind": "bound" if predicted is None else "predicted",
                     "price": float(card["launch_price_usd"]), "date": card["launch_date"]})
    return _picks(pd.DataFrame(rows, columns=["gpu", "speed", "kind", "price", "date"]))


def eight_gb_without(data: FitData, model: str, fmt: str, context: int, headroom_gib: float) -> list[str]:
    """The 8 GB cards on which ``model`` in ``fmt`` does not fit at ``context``."""
    cards = _cards(data)
    eight = cards[cards["memory_gb"] == 8]
    return [g for g in eight.index
            if not plan(data, g, data.models[model], fmt, context, headroom_gib).fits]


def buyers_frame(data: FitData, points: pd.DataFrame, predictions: pd.DataFrame, context: int,
                 headroom_gib: float) -> pd.DataFrame:
    """One row per need and role: need, model, format, role, gpu, speed, unit, kind, price, date."""
    rows = []
    for pick in sd_picks(data, points, predictions):
        rows.append({"need": "Sd", "model": "sd15", "format": "fp16", "unit": "images/min", **pick.__dict__})
    for need, model, fmt in NEEDS:
        for pick in llm_picks(data, model, fmt, context, headroom_gib):
            rows.append({"need": need, "model": model, "format": fmt, "unit": "tokens/s", **pick.__dict__})
    return pd.DataFrame(rows)
