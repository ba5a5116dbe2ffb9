"""The predicted decode speed of a model and format on a card: its bandwidth bound times the
efficiency a software group reached on the cards it was measured on.

This is the one place that calls the prediction model (``gpusurvey.models.prediction``, with the
points of ``gpusurvey.reports.predictions``), so that the rules of "Since the survey" hold here
too:

- The bound: the card's bandwidth over the bytes one token reads, the model's weights in the
  format (``roofline.weight_bytes_per_token``) plus its KV cache at half the context (the
  mean over a generation that fills it).
- The efficiency: the median of the group's measured efficiencies, each against LLaMA-13B's
  roofline on its card (how ``predictions`` defines them), applied to the bound of this model
  and format. GGUF formats use llama.cpp's group; no other group of today's software may
  predict (``prediction.Group.reason``), so GPTQ and FP16 show their bound only.
- The interval: the prediction times the smallest and largest leave-one-out ratio of the
  group's own cases (all predicting groups' where it has too few), capped at the bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from gpusurvey.models import prediction as model
from gpusurvey.models.llama import LlamaShape
from gpusurvey.models.memory import kv_cache_bytes
from gpusurvey.models.roofline import bound_tokens_per_s, format_weight_bytes_per_token
from gpusurvey.models.weight_formats import MODELLED_GGUF
from gpusurvey.registry import LLM_DECODE

WORKLOAD = LLM_DECODE
FORMAT_SOFTWARE = dict.fromkeys(MODELLED_GGUF, "llama.cpp")
"""Format -> the software group whose efficiency predicts it (formats absent: bound only)."""


@dataclass(frozen=True)
class Basis:
    """What a software group's predictions rest on."""

    software: str
    efficiency: float
    ratio_low: float
    ratio_high: float
    """The smallest and largest leave-one-out ratio (value / predicted) the interval rests on."""
    interval_from: str
    """``own`` (the group's cases) or ``pooled`` (every predicting group's)."""
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
    """The groups that may predict, by software (``prediction.group``'s rule)."""
    from gpusurvey.reports import predictions

    gpus, published, literature = predictions.load_inputs(gpus_path, literature_path, published_paths)
    points = [p for p in predictions.measured_points(gpus, published, literature) if p.workload == WORKLOAD]
    bases = {}
    for software in set(FORMAT_SOFTWARE.values()):
        if not model.group(points, WORKLOAD, software).predicts:
            continue
        unit = model.predict(WORKLOAD, 1.0, points, software)  # a bound of 1: the efficiency itself
        mine = [p for p in points if p.software == software]
        bases[software] = Basis(software, unit.efficiency, unit.low / unit.value, unit.high / unit.value,
                                unit.interval_from, tuple(p.gpu for p in mine))
    return bases


def bytes_per_token(shape: LlamaShape, fmt: str, context: int, cache: str = "fp16") -> float:
    return format_weight_bytes_per_token(shape, fmt) + kv_cache_bytes(shape, context / 2, cache)


def decode_speed(shape: LlamaShape, fmt: str, context: int, bandwidth_gbs: float,
                 bases: dict[str, Basis], cache: str = "fp16") -> Speed:
    bound = bound_tokens_per_s(bandwidth_gbs, bytes_per_token(shape, fmt, context, cache))
    basis = bases.get(FORMAT_SOFTWARE.get(fmt, ""))
    if basis is None:
        return Speed(bound, None, None, None, None)
    predicted = bound * basis.efficiency
    return Speed(bound, predicted, predicted * basis.ratio_low, min(bound, predicted * basis.ratio_high),
                 basis.software, len(basis.cards))
