"""Will this model fit on this card, and how fast will it decode: the memory model's sum against
the card's memory (less a headroom kept free), the bandwidth bound and the predicted speed.

The inputs are the committed data files (``FitData``); a card is named by the catalogue's rule
(``core.catalogue``), a model by its id in ``data/models.csv``, a format by the memory model's
name (``gguf-q4_k_m``) or llama.cpp's (``q4_k_m``). Bad input raises ``FitInputError`` naming
the argument.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from gpusurvey.core.names import name_key
from gpusurvey.inputs.gpus import GpuTable, load_gpus
from gpusurvey.inputs.models import ModelRow, load_models
from gpusurvey.inputs.vram import load_vram, runtime_bytes
from gpusurvey.models.memory import (
    DEFAULT_HEADROOM_GIB,
    FORMAT_LABELS,
    KV_CACHE_BYTES,
    MEMORY_FORMATS,
    Breakdown,
    llm_memory,
)
from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG
from gpusurvey.reports.fit_speed import Basis, Speed, decode_speed, prediction_bases

GIB = 2**30
CONSUMER_SERIES = ("RTX 30", "RTX 40", "RTX 50")


class FitInputError(ValueError):
    """An argument of ``gpusurvey fit`` that names nothing known; ``argument`` is its flag."""

    def __init__(self, argument: str, message: str):
        super().__init__(f"{argument}: {message}")
        self.argument = argument


@dataclass(frozen=True)
class FitData:
    gpus: GpuTable
    models: dict[str, ModelRow]
    runtime_bytes: float
    bases: dict[str, Basis]


@dataclass(frozen=True)
class DataPaths:
    """The data files the section reads (the config's ``data`` keys)."""

    gpus: Path
    models: Path
    vram: Path
    literature: Path
    published: Path
    """The folder of the survey's printed tables (table3.csv, table4.csv, table5.csv)."""

    @classmethod
    def under(cls, folder: str | os.PathLike) -> DataPaths:
        """The files of a checkout's ``data/`` folder."""
        data = Path(folder)
        return cls(data / "gpus.csv", data / "models.csv", data / "vram.csv", data / "literature.csv",
                   data / "published")


def load_fit_data(paths: DataPaths) -> FitData:
    """The catalogue, the models, the runtime's fixed cost and the prediction groups."""
    models = load_models(paths.models)
    published = {SD_TXT2IMG: paths.published / "table3.csv", LLM_DECODE: paths.published / "table5.csv"}
    return FitData(gpus=load_gpus(paths.gpus), models=models,
                   runtime_bytes=runtime_bytes(load_vram(paths.vram, models)),
                   bases=prediction_bases(paths.gpus, paths.literature, published))


@dataclass(frozen=True)
class Fit:
    gpu: str
    model: ModelRow
    fmt: str
    context: int
    memory: Breakdown
    capacity: float
    """The card's memory in bytes (its GB are GiB, as the vendors count)."""
    headroom: float
    price: float | None
    speed: Speed
    cache: str = "fp16"
    """The KV cache's precision."""

    @property
    def spare(self) -> float:
        """Bytes left after the run and the headroom (negative: short by that much)."""
        return self.capacity - self.headroom - self.memory.total

    @property
    def fits(self) -> bool:
        return self.spare >= 0


def _closest(name: str, names: list[str]) -> str:
    keys = {name_key(n): n for n in names}
    close = difflib.get_close_matches(name_key(name), list(keys), n=3, cutoff=0.4)
    return ", ".join(keys[k] for k in close) or ", ".join(names[:3])


def resolve_gpu(data: FitData, name: str) -> str:
    found = data.gpus.resolve(name)
    if found is None:
        names = list(data.gpus.table.index)
        raise FitInputError("--gpu", f"unknown GPU '{name}'; closest known: {_closest(name, names)}")
    return found


def resolve_model(data: FitData, name: str) -> ModelRow:
    by_key = {name_key(m): row for m, row in data.models.items()}
    by_key.update({name_key(row.name): row for row in data.models.values()})
    if name_key(name) not in by_key:
        raise FitInputError("--model", f"unknown model '{name}'; closest known: "
                            f"{_closest(name, list(data.models))}")
    return by_key[name_key(name)]


def resolve_format(name: str) -> str:
    aliases = {name_key(f): f for f in MEMORY_FORMATS}
    aliases.update({name_key(f.removeprefix("gguf-")): f for f in MEMORY_FORMATS})
    aliases.update({name_key(label): f for f, label in FORMAT_LABELS.items()})
    aliases.update({"gptq": MEMORY_FORMATS[0]})
    if name_key(name) not in aliases:
        raise FitInputError("--format", f"unknown format '{name}'; expected one of "
                            f"{', '.join(f.removeprefix('gguf-') for f in MEMORY_FORMATS)}")
    return aliases[name_key(name)]


def check_context(value: str | int) -> int:
    try:
        context = int(value)
    except (TypeError, ValueError):
        raise FitInputError("--context", f"expected a whole number of tokens, got '{value}'") from None
    if context <= 0:
        raise FitInputError("--context", f"expected a positive number of tokens, got {context}")
    return context


def check_cache(value: str) -> str:
    if value not in KV_CACHE_BYTES:
        raise FitInputError("--kv-cache", f"unknown cache precision '{value}'; expected one of "
                            f"{', '.join(KV_CACHE_BYTES)}")
    return value


def check_headroom(value: str | float) -> float:
    try:
        headroom = float(value)
    except (TypeError, ValueError):
        raise FitInputError("--headroom", f"expected GiB kept free, got '{value}'") from None
    if not 0 <= headroom < 1024:
        raise FitInputError("--headroom", f"expected GiB kept free (0 or more), got {value}")
    return headroom


def plan(data: FitData, gpu: str, model: ModelRow, fmt: str, context: int,
         headroom_gib: float = DEFAULT_HEADROOM_GIB, cache: str = "fp16") -> Fit:
    """The fit of ``model`` in ``fmt`` at ``context`` on ``gpu`` (a canonical name), its KV
    cache in ``cache`` precision."""
    row = data.gpus.table.loc[gpu]
    price = row["launch_price_usd"]
    return Fit(gpu=gpu, model=model, fmt=fmt, context=context,
               memory=llm_memory(model.shape, fmt, context, data.runtime_bytes, cache),
               capacity=float(row["memory_gb"]) * GIB, headroom=headroom_gib * GIB,
               price=None if price is None or price != price else float(price),
               speed=decode_speed(model.shape, fmt, context, float(row["memory_bandwidth_gbs"]),
                                  data.bases, cache), cache=cache)


def every_card(data: FitData, model: ModelRow, fmt: str, context: int,
               headroom_gib: float = DEFAULT_HEADROOM_GIB, cache: str = "fp16") -> list[Fit]:
    """The fit on every card with a launch price, cheapest first (then by name)."""
    fits = [plan(data, gpu, model, fmt, context, headroom_gib, cache) for gpu in data.gpus.table.index]
    priced = [f for f in fits if f.price is not None]
    return sorted(priced, key=lambda f: (f.price, f.gpu))


def cheapest_fit(data: FitData, model: ModelRow, fmt: str, context: int,
                 headroom_gib: float = DEFAULT_HEADROOM_GIB, cache: str = "fp16") -> Fit | None:
    return next((f for f in every_card(data, model, fmt, context, headroom_gib, cache) if f.fits), None)


def smallest_fitting_format(data: FitData, gpu: str, model: ModelRow, context: int,
                            headroom_gib: float, formats: tuple[str, ...]) -> Fit | None:
    """The format of ``formats`` that needs the least memory and fits; None if none fits."""
    fits = sorted((plan(data, gpu, model, fmt, context, headroom_gib) for fmt in formats),
                  key=lambda f: f.memory.total)
    return next((f for f in fits if f.fits), None)
