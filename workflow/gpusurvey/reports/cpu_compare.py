"""A machine without a GPU against the survey's cards, workload by workload.

Reads the committed CPU records (``data/measurements/<machine>/cpu/*.json`` and, for
llama.cpp's GGUF formats, ``data/measurements/<machine>/formats/*.json``; only records that
ran on the CPU, ``gpu`` null) and the regenerated Tables 3 and 5. For each real workload it
puts the CPU's speed beside the survey's cheapest card (lowest launch price among the
published rows that ran) and its fastest one, and says how many times faster each card is.
For Stable Diffusion it adds the CPU's own compute bound: its measured peak GEMM rate in the
record's own precision (``backend.dtype``; the ``matmul`` record of the same machine,
``extra.cpu_peak_gflops`` for float32, ``extra.cpu_peak_bf16_gflops`` for bfloat16) over the
FLOPs of the record's step (``gpusurvey.models.sd_compute``). CPU rows never become table rows.

Where several records of one workload qualify, the fastest is shown (what this CPU can do at
best; for decoding, its fastest LLaMA-13B format), and its path is kept for the reader.
Stable Diffusion is also kept per precision (``sd_runs``: the fastest record of each, float32
first), each against the peak of its own precision, so that fp32 and bf16 stand side by side.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gpusurvey.core.errors import DataError
from gpusurvey.core.record import Record
from gpusurvey.inputs.record_bounds import sd_step_flops
from gpusurvey.inputs.record_checks import load_checked
from gpusurvey.models.sd_compute import efficiency, sd_bound_it_per_s
from gpusurvey.registry import LLM_DECODE, MATMUL, SD_TXT2IMG

LLM_MODEL = "llama-13b"
"""The model of Table 5: the CPU's LLaMA runs of other sizes are not compared."""


@dataclass(frozen=True)
class Card:
    """One of the survey's published rows."""

    gpu: str
    value: float
    value_text: str
    price_usd: float


@dataclass(frozen=True)
class CpuWorkload:
    """One workload on the CPU beside the survey's cheapest and fastest card."""

    workload: str
    unit: str
    path: str
    record: Record
    cheapest: Card
    fastest: Card

    @property
    def value(self) -> float:
        return float(self.record.value)

    @property
    def seconds_per_unit(self) -> float:
        """Seconds per denoising step or per token."""
        return 1.0 / self.value

    def times(self, card: Card) -> float:
        """How many times faster ``card`` is than this CPU."""
        return card.value / self.value


PEAK_KEYS = {"float32": "cpu_peak_gflops", "bfloat16": "cpu_peak_bf16_gflops"}
"""A Stable Diffusion record's ``backend.dtype`` -> the matmul record's key of its GEMM peak."""


@dataclass(frozen=True)
class CpuBound:
    """The CPU's compute bound for its Stable Diffusion step, in the step's precision."""

    dtype: str
    peak_gflops: float
    flops_per_step: int
    bound_it_per_s: float
    efficiency: float
    matmul_path: str


@dataclass(frozen=True)
class SdRun:
    """The fastest Stable Diffusion record of one precision, against that precision's peak."""

    dtype: str
    path: str
    record: Record
    bound: CpuBound | None

    @property
    def value(self) -> float:
        return float(self.record.value)


@dataclass(frozen=True)
class CpuComparison:
    sd: CpuWorkload | None
    llm: CpuWorkload | None
    matmul: tuple[str, Record] | None
    bound: CpuBound | None
    """The bound of ``sd``'s record (its own precision's peak)."""
    sd_runs: tuple[SdRun, ...] = ()

    def sd_run(self, dtype: str) -> SdRun | None:
        return next((run for run in self.sd_runs if run.dtype == dtype), None)

    @property
    def cpu_record(self) -> Record | None:
        """The record whose machine the text names (SD's, else matmul's, else the LLM's)."""
        for item in (self.sd, self.llm):
            if item is not None:
                return item.record
        return self.matmul[1] if self.matmul else None


def load_cpu_records(paths: Sequence[str | os.PathLike]) -> list[tuple[str, Record]]:
    """Every record of ``paths``, checked, that ran on the CPU and succeeded."""
    loaded = [(str(p), load_checked(p)) for p in sorted(paths, key=str)]
    return [(p, r) for p, r in loaded if r.gpu is None and r.status == "ok"]


def published_cards(path: str | os.PathLike) -> list[Card]:
    """The published rows of a regenerated table that ran and have a price."""
    table = pd.read_csv(path, dtype={"value_text": str})
    rows = table[(table["source"] == "published") & (table["status"] == "ok")
                 & table["price_usd"].notna()]
    if rows.empty:
        raise DataError(path, "no published row with status 'ok' and a price; expected the survey's rows")
    return [Card(r.gpu, float(r.value), str(r.value_text), float(r.price_usd)) for r in rows.itertuples()]


def cheapest_and_fastest(table: str | os.PathLike) -> tuple[Card, Card]:
    """A regenerated table's cheapest published card (lowest launch price, the faster of a tie)
    and its fastest."""
    cards = published_cards(table)
    return min(cards, key=lambda c: (c.price_usd, -c.value)), max(cards, key=lambda c: c.value)


def _versus(workload: str, unit: str, chosen: tuple[str, Record], table: str | os.PathLike) -> CpuWorkload:
    return CpuWorkload(workload, unit, chosen[0], chosen[1], *cheapest_and_fastest(table))


def _fastest(records: list[tuple[str, Record]]) -> tuple[str, Record] | None:
    return max(records, key=lambda pr: (pr[1].value, pr[0])) if records else None


def _machine_folder(path: str) -> Path:
    """``data/measurements/<machine>`` of a record under ``<machine>/cpu/`` or ``<machine>/formats/``."""
    return Path(path).parent.parent


def _dtype(record: Record) -> str:
    return str(record.backend.get("dtype", "float32"))


def _sd_bound(sd: tuple[str, Record], matmuls: list[tuple[str, Record]]) -> CpuBound | None:
    """``sd``'s compute bound from the peak of its precision in its own machine's matmul record."""
    same = [m for m in matmuls if _machine_folder(m[0]) == _machine_folder(sd[0])]
    dtype = _dtype(sd[1])
    if not same or dtype not in PEAK_KEYS:
        return None
    path, matmul = same[0]
    peak = matmul.extra.get(PEAK_KEYS[dtype])
    if peak is None:
        return None
    flops = sd_step_flops(*sd)
    limit = sd_bound_it_per_s(flops, float(peak) / 1000)
    share = efficiency(float(sd[1].value), limit,
                       what=f"{sd[0]}, key 'metrics/it_per_s/mean' (peak from {path}, "
                            f"key 'extra/{PEAK_KEYS[dtype]}')")
    return CpuBound(dtype, float(peak), flops, limit, share, path)


def compare(records: Sequence[tuple[str, Record]], table3: str | os.PathLike,
            table5: str | os.PathLike) -> CpuComparison:
    """The comparison from loaded CPU ``records`` and the regenerated Tables 3 and 5."""
    sds = [(p, r) for p, r in records if r.workload == SD_TXT2IMG]
    sd = _fastest(sds)
    llm = _fastest([(p, r) for p, r in records
                    if r.workload == LLM_DECODE and r.params.get("model") == LLM_MODEL])
    matmuls = [(p, r) for p, r in records if r.workload == MATMUL]
    # The matmul record of the SD record's machine, else any: its peak bounds the SD step.
    same = [m for m in matmuls if sd is not None and _machine_folder(m[0]) == _machine_folder(sd[0])]
    matmul = (same or matmuls or [None])[0]
    dtypes = sorted({_dtype(r) for _, r in sds}, key=lambda d: (d != "float32", d))
    runs = []
    for dtype in dtypes:
        path, record = _fastest([(p, r) for p, r in sds if _dtype(r) == dtype])
        runs.append(SdRun(dtype, path, record, _sd_bound((path, record), matmuls)))
    return CpuComparison(
        sd=_versus(SD_TXT2IMG, "it/s", sd, table3) if sd else None,
        llm=_versus(LLM_DECODE, "tokens/s", llm, table5) if llm else None,
        matmul=matmul, bound=_sd_bound(sd, matmuls) if sd else None, sd_runs=tuple(runs))


def load_comparison(paths: Sequence[str | os.PathLike], table3: str | os.PathLike,
                    table5: str | os.PathLike) -> CpuComparison:
    return compare(load_cpu_records(paths), table3, table5)
