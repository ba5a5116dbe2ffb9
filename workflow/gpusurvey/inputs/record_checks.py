"""The checks a measurement record passes before any output shows it, shared by the build
(tables, figures, appendix, notebooks), the ``check_records`` target and ``gpusurvey submit``.

Two kinds, both raising a DataError that names the file and the key:

- ``load_checked``: the record alone. The schema and the contract's rules
  (``gpusurvey.core.record.validate``), then numbers in a sane range (finite, every sample and
  mean at most ``MAX_NUMBER``, at most ``MAX_SAMPLES`` samples, the primary metric above zero,
  core and memory counts in ``HARDWARE_RANGES``),
  no empty sample list in a record whose status is ``ok``, a measurement time that parses as
  ISO 8601 with a UTC offset and lies neither before ``EARLIEST`` nor in the future, and free
  text the paper can print (``gpusurvey.core.record_text``). The numbers are checked on the raw
  JSON, before any statistic is computed from them.
- ``check_bound``: the record against its card. A value above what the card can physically do
  is refused; the limit comes from ``data/gpus.csv`` and the models in ``gpusurvey.models``,
  never from the record. One bound function per workload is registered in ``BOUNDS``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gpusurvey.core import record as rec
from gpusurvey.core.errors import DataError
from gpusurvey.core.record_text import text_problems
from gpusurvey.models.llama import PRESETS
from gpusurvey.models.roofline import (
    bound_tokens_per_s,
    format_tensors,
    mean_decode_context,
    weight_bytes_per_token,
)
from gpusurvey.models.sd_compute import record_step_shape, sd_bound_it_per_s, step_flops

MAX_NUMBER = 1e9
"""No sample, mean or first call of any metric (it/s, tokens/s, ms, s, TFLOP/s) reaches this."""
MAX_SAMPLES = 10_000
"""Timed repetitions of one metric."""
MAX_COUNT = 10_000
"""Warm-up calls and repetitions of a run."""
EARLIEST = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
"""No record predates the survey (2023) that this pipeline reproduces."""
CLOCK_SLACK = dt.timedelta(hours=1)
"""How far a measuring machine's clock may run ahead of the building machine's."""
HARDWARE_RANGES = {"environment/cpu_count": (1, 4096), "environment/gpu_memory_bytes": (1, 2**42),
                   "peak_memory/rss_bytes": (0, 2**50), "peak_memory/vram_bytes": (0, 2**42)}
"""Counts and sizes of the hardware a record describes (the appendix prints cores and GiB)."""


def load_checked(path: str | os.PathLike) -> rec.Record:
    """Read one record and check it alone (see the module's docstring); every failure, malformed
    JSON and bytes that are not UTF-8 included, is a DataError naming ``path``."""
    try:
        data = rec.read_json(path)
        rec.validate(data, path)
        check_content(data, path)
        return rec.Record.from_dict(data)
    except DataError:
        raise
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, ArithmeticError) as exc:
        raise DataError(path, f"unreadable record: {type(exc).__name__}: {exc}") from exc


def check_content(data: dict[str, Any], path: str | os.PathLike = "<record>") -> None:
    """The rules a schema cannot say about one record's numbers, date and text."""
    ok = data["status"] == "ok"
    for name, metric in data["metrics"].items():
        key = f"metrics/{name}"
        samples = metric["samples"]
        if ok and not samples:
            raise DataError(path, f"key '{key}/samples': empty, but the status is 'ok'; expected "
                            "one sample per timed repetition")
        if len(samples) > MAX_SAMPLES:
            raise DataError(path, f"key '{key}/samples': {len(samples)} samples; expected at most "
                            f"{MAX_SAMPLES}")
        for field, values in (("samples", samples), ("mean", [metric["mean"]]),
                              ("first_call", [metric["first_call"]])):
            for i, value in enumerate(values):
                where = f"{key}/{field}" + (f"/{i}" if field == "samples" else "")
                if value is None:
                    continue
                if not math.isfinite(value) or not 0 <= value <= MAX_NUMBER:
                    raise DataError(path, f"key '{where}': {value!r}; expected a finite number "
                                    f"from 0 to {MAX_NUMBER:g}")
                if name == data["primary_metric"] and field != "first_call" and ok and value <= 0:
                    raise DataError(path, f"key '{where}': {value!r}; the primary metric of a run "
                                    "that ran must be above zero")
    for key in ("warmup", "repetitions"):
        if data[key] > MAX_COUNT:
            raise DataError(path, f"key '{key}': {data[key]}; expected at most {MAX_COUNT}")
    for key, (low, high) in HARDWARE_RANGES.items():
        parent, name = key.split("/")
        value = (data.get(parent) or {}).get(name)
        if value is not None and not low <= value <= high:
            raise DataError(path, f"key '{key}': {value}; expected from {low} to {high}")
    check_time(data["environment"]["utc_time"], path)
    for key, why in text_problems(data):
        raise DataError(path, f"key '{key}': {why}")


def check_time(text: str, path: str | os.PathLike = "<record>",
               now: dt.datetime | None = None) -> dt.datetime:
    """``environment.utc_time`` as a datetime: ISO 8601 with an offset, from ``EARLIEST`` to now."""
    key = "key 'environment/utc_time'"
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise DataError(path, f"{key}: '{text[:40]}' is not an ISO 8601 time; expected such as "
                        "2026-11-20T09:30:00Z") from None
    if when.tzinfo is None:
        raise DataError(path, f"{key}: '{text}' has no UTC offset; expected such as 2026-11-20T09:30:00Z")
    now = now or dt.datetime.now(dt.UTC)
    if when > now + CLOCK_SLACK:
        raise DataError(path, f"{key}: '{text}' lies in the future (now {now:%Y-%m-%dT%H:%MZ})")
    if when < EARLIEST:
        raise DataError(path, f"{key}: '{text}' is before {EARLIEST:%Y-%m-%d}; expected the time of "
                        "a run of this pipeline")
    return when


# Bounds: what a card can do at most, per workload.


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


def check_bound(path: str, record: rec.Record, facts: pd.Series) -> None:
    """Refuse a record whose value lies above its card's bound (status ``ok`` only)."""
    if record.status != "ok" or record.workload not in BOUNDS:
        return
    limit = BOUNDS[record.workload](path, record, facts)
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
    the weights of the record's model (``params.model``, a LLaMA preset) in its weights format
    (``backend.weights``) plus the fp16 KV cache at the mean context of its decode steps
    (``params.prompt_tokens``, ``params.new_tokens``). The record's own ``extra.bytes_per_token``
    must agree within ``BYTES_TOLERANCE``; DataError naming the key otherwise."""
    params = record.params
    model = params.get("model")
    if model not in PRESETS:
        raise DataError(path, f"key 'params/model': {model!r}; expected one of {sorted(PRESETS)} "
                        "(the model whose bytes per token bound the run)")
    counts = {}
    for key in ("prompt_tokens", "new_tokens"):
        value = params.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000:
            raise DataError(path, f"key 'params/{key}': {value!r}; expected a whole number of tokens")
        counts[key] = value
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


@bound("llm-decode")
def _decode_bound(path: str, record: rec.Record, facts: pd.Series) -> Bound:
    bandwidth = facts["memory_bandwidth_gbs"]
    per_token = decode_bytes_per_token(path, record)
    limit = bound_tokens_per_s(bandwidth, per_token)
    return Bound(BOUND_HEADROOM * limit,
                 f"the memory-bandwidth bound of {facts.name} ({bandwidth:g} GB/s from data/gpus.csv "
                 f"/ {per_token / 1e9:.3f} GB per token = {limit:.3f}) with {BOUND_HEADROOM - 1:.0%} "
                 "headroom")


def sd_step_flops(path: str, record: rec.Record) -> int:
    """FLOPs of the denoising step a Stable Diffusion record's ``it_per_s`` counts, by the one
    compute model (``gpusurvey.models.sd_compute``) from its ``params`` (size, batch, guidance,
    ``architecture``); DataError naming the key where the params cannot say."""
    params = record.params
    try:
        shape = record_step_shape(record.workload, params)
        return step_flops(shape, str(params.get("architecture", "sd15")))
    except KeyError as exc:
        raise DataError(path, f"key 'params/{exc.args[0]}': missing; expected the step's size, "
                        "batch and guidance scale (the compute bound counts them)") from None
    except (TypeError, ValueError) as exc:
        raise DataError(path, f"key 'params': {exc}") from None


def sd_peak_tflops(facts: pd.Series) -> float:
    """The card's dense FP16 tensor throughput with FP32 accumulate (``data/gpus.csv``)."""
    return float(facts["fp16_tflops_fp32acc"])


def _sd_bound(path: str, record: rec.Record, facts: pd.Series) -> Bound:
    flops = sd_step_flops(path, record)
    peak = sd_peak_tflops(facts)
    limit = sd_bound_it_per_s(flops, peak)
    return Bound(limit, f"the compute bound of {facts.name} ({peak:g} TFLOPS FP16 from "
                 f"data/gpus.csv / {flops / 1e12:.3f} TFLOP per step of "
                 f"{record.params.get('architecture', 'sd15')})")


for _workload in ("sd-txt2img", "sd-hires"):
    bound(_workload)(_sd_bound)


def check_files(paths, gpus) -> list[tuple[str, rec.Record]]:
    """Load and check every record of ``paths`` (``check_records`` and ``gpusurvey submit``): each
    alone, and each GPU record of a bounded workload against its card of ``gpus`` (a
    ``GpuCatalog``). Returns (path, record) pairs; the first bad record raises its DataError."""
    checked = []
    for path in map(str, paths):
        record = load_checked(path)
        if record.gpu is not None and record.workload in BOUNDS:
            gpu = gpus.canonical(record.gpu, path, column="gpu",
                                 memory_bytes=record.environment.get("gpu_memory_bytes"))
            check_bound(path, record, gpus.table.loc[gpu])
        checked.append((path, record))
    return checked


def write_check_report(paths, gpus_path, out) -> None:
    """``check_records``: check every record of ``paths`` against ``gpus_path``
    (``data/gpus.csv``), then write how many passed to ``out``; nothing is written when one fails."""
    from gpusurvey.core.atomic import write_text
    from gpusurvey.inputs.gpus import load_gpus

    checked = check_files(paths, load_gpus(gpus_path))
    write_text(out, f"check_records: all {len(checked)} committed record(s) pass the build's checks\n")
