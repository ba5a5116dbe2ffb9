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
  Reading is strict (``gpusurvey.core.strict_json``): no ``NaN`` or ``Infinity``, no key twice,
  at most 1 MB and 32 levels of nesting. Every number in ``params`` is finite and in range
  (``gpusurvey.inputs.record_settings``).
- ``check_bound`` (``gpusurvey.inputs.record_bounds``): the record against its card. A value
  above what the card can physically do is refused; the limit comes from ``data/gpus.csv``,
  the models in ``gpusurvey.models`` and the settings of the record's profile, which its
  ``params`` must hold, never from the record's own numbers.

``check_files`` runs both on every file, and matches every record's GPU name, ``matmul``'s
included, in the catalogue (``data/gpus.csv``): a name no card has is refused.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from typing import Any

from gpusurvey.core import record as rec
from gpusurvey.core.errors import DataError
from gpusurvey.core.record_text import text_problems
from gpusurvey.inputs.record_bounds import BOUNDS, check_bound
from gpusurvey.inputs.record_settings import check_param_numbers

MAX_NUMBER = 1e9
"""No sample, mean or first call of any metric (it/s, tokens/s, ms, s, TFLOP/s) reaches this."""
MAX_SAMPLES = 10_000
"""Timed repetitions of one metric."""
MAX_COUNT = rec.MAX_CALLS
"""Warm-up calls and repetitions of a run (what ``gpusurvey bench`` accepts)."""
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
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, ArithmeticError, RecursionError) as exc:
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
    check_param_numbers(path, data["params"])
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


def check_files(paths, gpus) -> list[tuple[str, rec.Record]]:
    """Load and check every record of ``paths`` (``check_records`` and ``gpusurvey submit``): each
    alone, each GPU record's name in ``gpus`` (a ``GpuTable``; ``matmul``'s too), each GPU
    record of a bounded workload against its card, and each CPU decode against its own bandwidth
    probe. Returns (path, record) pairs; the first bad
    record raises its DataError."""
    checked = []
    for path in map(str, paths):
        record = load_checked(path)
        if record.gpu is not None:
            gpu = gpus.canonical(record.gpu, path, column="gpu",
                                 memory_bytes=record.environment.get("gpu_memory_bytes"))
            if record.workload in BOUNDS:
                check_bound(path, record, gpus.table.loc[gpu])
        else:
            check_bound(path, record, None)
        checked.append((path, record))
    return checked


def write_check_report(paths, gpus_path, out) -> None:
    """``check_records``: check every record of ``paths`` against ``gpus_path``
    (``data/gpus.csv``), then write how many passed to ``out``; nothing is written when one fails."""
    from gpusurvey.core.atomic import write_text
    from gpusurvey.inputs.gpus import load_gpus

    checked = check_files(paths, load_gpus(gpus_path))
    write_text(out, f"check_records: all {len(checked)} committed record(s) pass the build's checks\n")
