"""What a card can do at most, per workload: a record whose value lies above its card's bound
is refused. The limit comes from ``data/gpus.csv``, the models in ``gpusurvey.models`` and the
settings of the record's profile (``gpusurvey.inputs.record_settings``), never from the record's
own numbers. One bound function per workload is registered in ``BOUNDS``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from gpusurvey.core import record as rec
from gpusurvey.core.errors import DataError
from gpusurvey.inputs.record_settings import trusted_settings
from gpusurvey.models.llama import PRESETS
from gpusurvey.models.roofline import (
    bound_tokens_per_s,
    format_tensors,
    mean_decode_context,
    weight_bytes_per_token,
)
from gpusurvey.models.sd_compute import record_step_shape, sd_bound_it_per_s, step_flops
from gpusurvey.registry import LLM_DECODE, SD_HIRES, SD_TXT2IMG


@dataclass(frozen=True)
class Bound:
    """The highest value a record's card can reach, and what it is, in words for the error."""

    limit: float
    what: str


BoundFunction = Callable[[str, rec.Record, pd.Series], Bound]
"""(path, record, the card's row of data/gpus.csv) -> its bound; DataError where the record
cannot be bounded."""

BOUNDS: dict[str, BoundFunction] = {}
"""Bound function by workload. A workload without one (``matmul``: it feeds no table) is not
bounded."""


def bound(workload: str) -> Callable[[BoundFunction], BoundFunction]:
    """Register the bound function of ``workload``."""

    def register(fn: BoundFunction) -> BoundFunction:
        BOUNDS[workload] = fn
        return fn

    return register


def check_bound(path: str, record: rec.Record, gpu_row: pd.Series | None) -> None:
    """Refuse a record whose value lies above its card's bound (status ``ok`` only); a CPU record
    (``gpu_row`` None) is bounded where it is a decode with a bandwidth probe."""
    if record.status != "ok":
        return
    if gpu_row is None:
        if record.workload != LLM_DECODE or "cpu_bandwidth_probe" not in record.extra:
            return
        limit = cpu_decode_bound(path, record)
    elif record.workload in BOUNDS:
        limit = BOUNDS[record.workload](path, record, gpu_row)
    else:
        return
    value = record.value
    if value > limit.limit:
        raise DataError(path, f"key 'metrics/{record.primary_metric}/mean': {value:g} {record.unit} "
                        f"is above {limit.what}: {limit.limit:.3f} {record.unit}")


BOUND_HEADROOM = 1.05
"""A decode may run this much above the bandwidth bound before it is refused: memory overclocks
and a spec sheet's rounding of the bandwidth."""
BYTES_TOLERANCE = 0.01
"""How far a record's ``extra.bytes_per_token`` may lie from the model's, as a fraction of the
model's: the KV cache part (about 4 % of LLaMA-13B's total at the full profile's context)
depends on how a backend allocates its cache, the weights part does not."""


def decode_bytes_per_token(path: str, record: rec.Record) -> float:
    """Bytes one decoded token reads, by the one roofline model (``gpusurvey.models.roofline``):
    the weights of the profile's model (``model``, a LLaMA preset) in the record's weights format
    (``backend.weights``) plus the fp16 KV cache at the mean context of its decode steps
    (``prompt_tokens``, ``new_tokens``), the settings of the record's profile, which its
    ``params`` must hold (``gpusurvey.inputs.record_settings``). The record's own ``extra.bytes_per_token``
    must agree within ``BYTES_TOLERANCE``; DataError naming the key otherwise."""
    settings = trusted_settings(path, record)
    model = settings["model"]
    counts = {key: settings[key] for key in ("prompt_tokens", "new_tokens")}
    shape = PRESETS[model]
    weights_format = str(record.backend.get("weights", ""))
    try:
        tensors = format_tensors(shape, weights_format)
    except ValueError as exc:
        raise DataError(path, f"key 'backend/weights': {exc}") from None
    context = mean_decode_context(counts["prompt_tokens"], counts["new_tokens"])
    expected = weight_bytes_per_token(tensors) + shape.kv_bytes_per_position() * context
    claimed = record.extra.get("bytes_per_token")
    if claimed is not None:
        if isinstance(claimed, bool) or not isinstance(claimed, int | float) or not math.isfinite(claimed):
            raise DataError(path, f"key 'extra/bytes_per_token': {claimed!r}; expected a number of bytes")
        if abs(claimed - expected) > BYTES_TOLERANCE * expected:
            raise DataError(path, f"key 'extra/bytes_per_token': {claimed:g} does not match the roofline "
                            f"model's {expected:.0f} for {model} with weights '{weights_format}' "
                            f"(within {BYTES_TOLERANCE:.0%})")
    return expected


@bound(LLM_DECODE)
def _decode_bound(path: str, record: rec.Record, gpu_row: pd.Series) -> Bound:
    bandwidth = gpu_row["memory_bandwidth_gbs"]
    per_token = decode_bytes_per_token(path, record)
    limit = bound_tokens_per_s(bandwidth, per_token)
    return Bound(BOUND_HEADROOM * limit,
                 f"the memory-bandwidth bound of {gpu_row.name} ({bandwidth:g} GB/s from data/gpus.csv "
                 f"/ {per_token / 1e9:.3f} GB per token = {limit:.3f}) with {BOUND_HEADROOM - 1:.0%} "
                 "headroom")


def cpu_decode_bound(path: str, record: rec.Record) -> Bound:
    """A CPU decode's memory-bandwidth ceiling: the median of the bandwidth samples the record's
    run took (``extra.cpu_bandwidth_probe.samples_gbs``; recomputed here, not its own ``gbs``)
    over the roofline model's bytes per token, with ``BOUND_HEADROOM``. A CPU has no row in
    data/gpus.csv: the probe is all the run says of its memory, and a decode faster than its own
    probe claims a bound it cannot have."""
    probe = record.extra.get("cpu_bandwidth_probe")
    samples = probe.get("samples_gbs") if isinstance(probe, dict) else None
    if not isinstance(samples, list) or not samples or not all(
            isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) and x > 0
            for x in samples):
        raise DataError(path, f"key 'extra/cpu_bandwidth_probe/samples_gbs': {samples!r}; expected "
                        "the CPU's measured read bandwidths in GB/s (a CPU decode's only bound)")
    gbs = statistics.median(samples)
    per_token = decode_bytes_per_token(path, record)
    limit = bound_tokens_per_s(gbs, per_token)
    return Bound(BOUND_HEADROOM * limit,
                 f"the memory-bandwidth bound of this CPU ({gbs:.3g} GB/s, the median of the run's "
                 f"{len(samples)} probe samples / {per_token / 1e9:.3f} GB per token = {limit:.3f}) "
                 f"with {BOUND_HEADROOM - 1:.0%} headroom")


def sd_step_flops(path: str, record: rec.Record) -> int:
    """FLOPs of the denoising step a Stable Diffusion record's ``it_per_s`` counts, by the one
    compute model (``gpusurvey.models.sd_compute``) from the settings of its profile (size,
    batch, guidance, ``architecture``: a shipped configuration's name), which its ``params``
    must hold (``gpusurvey.inputs.record_settings``); DataError naming the key otherwise."""
    settings = trusted_settings(path, record)
    try:
        shape = record_step_shape(record.workload, settings)
        return step_flops(shape, settings["architecture"])
    except (TypeError, ValueError) as exc:
        raise DataError(path, f"key 'params': {exc}") from None


def sd_peak_tflops(gpu_row: pd.Series) -> float:
    """The card's dense FP16 tensor throughput with FP32 accumulate (``data/gpus.csv``)."""
    return float(gpu_row["fp16_tflops_fp32acc"])


def _sd_bound(path: str, record: rec.Record, gpu_row: pd.Series) -> Bound:
    flops = sd_step_flops(path, record)
    peak = sd_peak_tflops(gpu_row)
    limit = sd_bound_it_per_s(flops, peak)
    return Bound(limit, f"the compute bound of {gpu_row.name} ({peak:g} TFLOPS FP16 from "
                 f"data/gpus.csv / {flops / 1e12:.3f} TFLOP per step of "
                 f"{record.params['architecture']})")


for _workload in (SD_TXT2IMG, SD_HIRES):
    bound(_workload)(_sd_bound)
