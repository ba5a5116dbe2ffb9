"""The crowd's Stable Diffusion benchmark database (``data/crowd/*.json``): every dump read,
every row kept or dropped with a named reason.

A dump is a JSON array of rows, each an array of strings (``crowd_fields``). A file that is
not a JSON array of arrays stops the build, naming the file and the position; a single row
never does: it is dropped with one of ``REASONS`` (the first that applies, in that order), so
``results/crowd/rows.csv`` accounts for every row of every dump.

Several dumps of the same database overlap: a row counts once by its id, and the later dump
wins (dumps are ordered by their newest timestamp, then by file name); within one dump the
later position wins. The copies that lose are dropped as ``repeated id``.

What a kept row is: a desktop NVIDIA card of ``data/gpus.csv`` (one GPU, the catalogue's
name rule, its VRAM picking between cards of one name), no ``medvram``/``lowvram`` mode, an
SD 1.x checkpoint (512x512, the benchmark's size), a finite positive batch-1 rate no higher
than the card's compute bound at this benchmark's setting (512x512, both guidance branches,
``sd_compute.SETTINGS[SD_TXT2IMG]``; a batch-n rate counts n images per step, so the same
bound per image step holds at every batch), and a batch-4 rate not below its batch-1 rate.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

import pandas as pd

from gpusurvey.core.catalogue import Catalogue, read_catalogue
from gpusurvey.core.errors import DataError
from gpusurvey.inputs.crowd_fields import BATCHES, RATE_UNPARSED, CrowdRow, parse_row
from gpusurvey.models.sd_compute import SETTINGS, sd_bound_it_per_s, step_flops
from gpusurvey.registry import SD_TXT2IMG

KEPT = "kept"
REASONS = (
    "malformed row", "repeated id", "not NVIDIA", "laptop GPU", "several GPUs",
    "card not in data/gpus.csv", "medvram/lowvram", "SD 2.x/XL/768 checkpoint",
    "rate does not parse", "rate not finite", "rate not positive", "rate above compute bound",
    "batch-4 rate below batch 1",
)
"""Why a row is dropped, in the order they are tested (a row carries the first that applies)."""

_NVIDIA = re.compile(r"nvidia|geforce|tesla|quadro|titan|\brtx\b|\bgtx\b", re.I)
_LAPTOP = re.compile(r"laptop|mobile|max-q|\bmx\d{3}\b", re.I)
_LOW_MEMORY = re.compile(r"\b(?:medvram|lowvram)\b", re.I)
_LATER_MODEL = re.compile(
    r"768|sdxl|(?:^|[^a-z])xl(?:[^a-z]|$)|sd[-_ ]?v?2|stable-diffusion-2"
    r"|(?:^|[\\/_\- ])v2[-_][01][-_]", re.I)
"""Stability's SD 2.x files (``v2-1_512-ema-pruned``, ``SD-v2.1-512``, ``sd21-unclip``), any
768-pixel or XL model; a fine-tune's own version (``Realistic_Vision_V2.0``) is not SD 2.x."""
_RATE_REASON = {RATE_UNPARSED: "rate does not parse", "not finite": "rate not finite",
                "not positive": "rate not positive"}
ROW_COLUMNS = ["dump", "position", "status", "reason", "gpu", "id", "time",
               *(f"rate_b{b}" for b in BATCHES)]


@dataclass(frozen=True)
class Dump:
    path: str
    rows: list
    newest: str
    """The newest timestamp among its rows (ISO 8601, UTC), by which dumps are ordered."""


def _timestamp(text) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def read_dump(path: str | os.PathLike) -> Dump:
    """One dump; DataError naming the file (and the line, or the row's position counted from
    0) when it is not JSON or not an array of arrays."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 (byte {exc.start}); expected a JSON dump") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(path, f"not JSON at column {exc.colno} ({exc.msg}); expected a JSON array "
                        "of arrays", line=exc.lineno) from None
    if not isinstance(data, list):
        raise DataError(path, f"the top level is a JSON {type(data).__name__}; expected an array of "
                        "arrays (one per result)")
    for position, row in enumerate(data):
        if not isinstance(row, list):
            raise DataError(path, f"position {position}: a JSON {type(row).__name__}; expected an "
                            "array of strings (one result)")
    times = [t for row in data if len(row) > 1 and (t := _timestamp(row[1])) is not None]
    newest = max(times).isoformat() if times else ""
    return Dump(str(path), data, newest)


@dataclass(frozen=True)
class Bounds:
    """The catalogue and each card's compute bound at the benchmark's setting (it/s)."""

    catalogue: Catalogue
    bound: dict[str, float]

    @classmethod
    def load(cls, gpus_path: str | os.PathLike) -> Bounds:
        catalogue = read_catalogue(gpus_path)
        flops = step_flops(SETTINGS[SD_TXT2IMG])
        bound = {gpu: sd_bound_it_per_s(flops, float(row["fp16_tflops_fp32acc"]))
                 for gpu, row in catalogue.rows.items() if row.get("fp16_tflops_fp32acc") not in (None, "")}
        return cls(catalogue, bound)


def _card(row: CrowdRow, bounds: Bounds, cache: dict) -> str | None:
    key = (row.device, row.vram_gb)
    if key not in cache:
        memory = row.vram_gb * 2**30 if row.vram_gb else None
        cache[key] = bounds.catalogue.resolve(row.device, memory) if row.device else None
    return cache[key]


def reason(row: CrowdRow, gpu: str | None, bounds: Bounds) -> str:
    """The first of ``REASONS`` (after the two of the file) a parsed row meets, or ``kept``."""
    if row.hip or row.torch_tag.startswith("rocm") or not (row.cuda or _NVIDIA.search(row.device)):
        return "not NVIDIA"
    if _LAPTOP.search(row.device):
        return "laptop GPU"
    if row.gpu_count is not None and row.gpu_count > 1:
        return "several GPUs"
    if gpu is None:
        return "card not in data/gpus.csv"
    if _LOW_MEMORY.search(row.memory_mode):
        return "medvram/lowvram"
    if _LATER_MODEL.search(row.checkpoint):
        return "SD 2.x/XL/768 checkpoint"
    if 1 in row.rate_problems:
        return _RATE_REASON[row.rate_problems[1]]
    bound = bounds.bound.get(gpu)
    fastest = max((v for b, v in row.rates.items() if b not in row.rate_problems), default=0.0)
    if bound is not None and fastest > bound:
        return "rate above compute bound"
    batch4 = row.rates.get(4, math.nan)
    if 4 not in row.rate_problems and not math.isnan(batch4) and batch4 < row.rates[1]:
        return "batch-4 rate below batch 1"
    return KEPT


FIELD_COLUMNS = [f.name for f in fields(CrowdRow) if f.name not in ("rates", "rate_problems")]
COLUMNS = ROW_COLUMNS + [c for c in FIELD_COLUMNS if c not in ROW_COLUMNS]


def _append(columns: dict[str, list], dump: str, position: int, why: str, gpu, row: CrowdRow | None,
            raw) -> None:
    """One row's cells, appended column by column (a frame of 200,000 rows stays small)."""
    values = {"dump": dump, "position": position, "status": KEPT if why == KEPT else "dropped",
              "reason": "" if why == KEPT else why, "gpu": gpu}
    if row is None:
        values["id"] = raw[0] if raw and isinstance(raw[0], int | str) else None
        values["note"] = str(raw)[:200]
    else:
        values |= {name: getattr(row, name) for name in FIELD_COLUMNS}
        values |= {f"rate_b{b}": row.rates.get(b) for b in BATCHES}
    for name, cells in columns.items():
        cells.append(values.get(name))


def classify(dumps: Sequence[Dump], bounds: Bounds) -> pd.DataFrame:
    """Every row of every dump with its status (``kept`` or ``dropped``) and reason, the dumps
    oldest first; the kept rows carry their canonical ``gpu``."""
    ordered = sorted(dumps, key=lambda d: (d.newest, Path(d.path).name))
    parsed: list[tuple[int, int, CrowdRow | None]] = []
    last: dict[int, tuple[int, int]] = {}
    for d_index, dump in enumerate(ordered):
        for position, raw in enumerate(dump.rows):
            try:
                row = parse_row(raw)
                if _timestamp(row.time) is None:
                    raise ValueError(f"time '{row.time}' is not an ISO 8601 timestamp")
            except ValueError:
                row = None
            else:
                last[row.id] = (d_index, position)
            parsed.append((d_index, position, row))
    cache: dict = {}
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    names = [Path(dump.path).name for dump in ordered]
    for d_index, position, row in parsed:
        gpu = None
        if row is None:
            why = "malformed row"
        elif last[row.id] != (d_index, position):
            why = "repeated id"
        else:
            gpu = _card(row, bounds, cache)
            why = reason(row, gpu, bounds)
        _append(columns, names[d_index], position, why, gpu, row, ordered[d_index].rows[position])
    parsed.clear()
    frame = pd.DataFrame(columns)
    frame["time"] = pd.to_datetime(frame["time"], utc=True, errors="coerce", format="ISO8601")
    return frame


def load_crowd(paths: Iterable[str | os.PathLike], gpus_path: str | os.PathLike) -> pd.DataFrame:
    """Read every dump (``read_dump``) and classify its rows (``classify``); no dump at all is a
    DataError (the section needs data)."""
    paths = list(paths)
    if not paths:
        raise DataError("data/crowd", "no *.json dump; expected at least one dump of the crowd database "
                        "(data/crowd/README.md)")
    return classify([read_dump(p) for p in paths], Bounds.load(gpus_path))


def counts(rows: pd.DataFrame) -> pd.Series:
    """Rows kept, then dropped by reason in ``REASONS`` order (reasons met by no row left out)."""
    found = rows["reason"].where(rows["status"] != KEPT, KEPT).value_counts()
    order = [KEPT, *REASONS]
    return found.reindex([r for r in order if r in found.index]).astype(int)
