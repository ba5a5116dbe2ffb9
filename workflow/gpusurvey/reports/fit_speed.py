"""The predicted decode speed of a model and format on a card: its bandwidth bound times the
efficiency a software group reached on the cards it was measured on.

This is the one place that calls ``gpusurvey.reports.predictions`` (its points and its
leave-one-out cases), so that a change to how predictions are made is followed here in one spot.

- The bound: the card's bandwidth over the bytes one token reads, the model's weights in the
  format (``roofline.weight_bytes_per_token``) plus its KV cache at half the context (the
  mean over a generation that fills it).
- The efficiency: the median of the group's measured efficiencies, each against LLaMA-13B's
  roofline on its card (how ``predictions`` defines them), applied to the bound of this model
  and format. GGUF formats use llama.cpp's group; no other group of today's software meets the
  rule below, so GPTQ and FP16 show their bound only.
- The rule: a group predicts only with at least ``MIN_CARDS`` cards spread over at least two
  distinct bounds; the interval is the prediction times 1 +- the group's largest leave-one-out
  error, capped at the bound.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from gpusurvey.models.llama import LlamaShape
from gpusurvey.models.memory import kv_cache_bytes
from gpusurvey.models.roofline import bound_tokens_per_s, weight_bytes_per_token
from gpusurvey.models.weight_formats import MODELLED_GGUF, format_inventory

WORKLOAD = "llm-decode"
MIN_CARDS = 3
FORMAT_SOFTWARE = dict.fromkeys(MODELLED_GGUF, "llama.cpp")
"""Format -> the software group whose efficiency predicts it (formats absent: bound only)."""


@dataclass(frozen=True)
class Basis:
    """What a software group's predictions rest on."""

    software: str
    efficiency: float
    max_error: float
    cards: tuple[str, ...]


@dataclass(frozen=True)
class Speed:
    bound: float
    """tokens/s at the card's full bandwidth."""
    predicted: float | None
    low: float | None
    high: float | None
    software: str | None
    cards: int = 0
    """Cards the group's efficiency rests on."""


def prediction_bases(gpus_path, literature_path, published_paths: dict) -> dict[str, Basis]:
    """The groups that may predict, by software (see the module's docstring for the rule)."""
    from gpusurvey.reports import predictions

    gpus, published, literature = predictions.load_inputs(gpus_path, literature_path, published_paths)
    points = [p for p in predictions.measured_points(gpus, published, literature) if p.workload == WORKLOAD]
    cases = [c for c in predictions.leave_one_out(points) if c.workload == WORKLOAD]
    bases = {}
    for software in set(FORMAT_SOFTWARE.values()):
        group = [p for p in points if p.software == software]
        errors = [abs(c.error) for c in cases if c.software == software]
        if len(group) < MIN_CARDS or len({round(p.bound, 6) for p in group}) < 2 or not errors:
            continue
        bases[software] = Basis(software, statistics.median(p.efficiency for p in group), max(errors),
                                tuple(p.gpu for p in group))
    return bases


def bytes_per_token(shape: LlamaShape, fmt: str, context: int, cache: str = "fp16") -> float:
    return weight_bytes_per_token(format_inventory(shape, fmt)) + kv_cache_bytes(shape, context / 2, cache)


def decode_speed(shape: LlamaShape, fmt: str, context: int, bandwidth_gbs: float,
                 bases: dict[str, Basis], cache: str = "fp16") -> Speed:
    bound = bound_tokens_per_s(bandwidth_gbs, bytes_per_token(shape, fmt, context, cache))
    basis = bases.get(FORMAT_SOFTWARE.get(fmt, ""))
    if basis is None:
        return Speed(bound, None, None, None, None)
    predicted = bound * basis.efficiency
    return Speed(bound, predicted, predicted * max(0.0, 1 - basis.max_error),
                 min(bound, predicted * (1 + basis.max_error)), basis.software, len(basis.cards))
