"""The compute-bound columns of Tables 3 and 4: how much of each card's FP16 tensor throughput
the row's Stable Diffusion speed uses.

Per row: the card's dense FP16 throughput with FP32 accumulate (``peak_tflops``, from
``data/gpus.csv``), the floating-point operations of one denoising step (``flops_per_step``:
the table's setting, ``gpusurvey.registry.Table.compute_setting``, for a published row; the
step its records ran, by the same model, for a measured row), the steps per second that peak
allows (``bound_it_per_s``) and the row's value over it (``efficiency``). An efficiency above 1
raises ``EfficiencyAboveOneError`` naming the file and the row: the table is never written.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import pandas as pd

from gpusurvey.inputs.measured_cards import MeasuredCard
from gpusurvey.inputs.record_bounds import sd_peak_tflops, sd_step_flops
from gpusurvey.models.sd_compute import SETTINGS, efficiency, sd_bound_it_per_s, step_flops
from gpusurvey.registry import Table

COMPUTE_COLUMNS = ["peak_tflops", "flops_per_step", "bound_it_per_s", "efficiency"]


def setting_flops(entry: Table) -> int:
    """FLOPs of one step of the table's setting (a published row's step)."""
    return step_flops(SETTINGS[entry.compute_setting])


def card_flops(card: MeasuredCard) -> int:
    """FLOPs of one step of a measured row: the compute model's for each record that ran
    (never the record's own figure), their median when the records' steps differ."""
    return round(statistics.median(sd_step_flops(run.path, run.record) for run in card.ok_runs))


def compute_columns(gpu_row: pd.Series, value: float | None, ok: bool, flops: int, where: str) -> dict:
    """The four columns of one row; ``where`` names the file and the row in the error."""
    peak = sd_peak_tflops(gpu_row)
    bound = sd_bound_it_per_s(flops, peak)
    return {"peak_tflops": f"{peak:g}", "flops_per_step": flops,
            "bound_it_per_s": round(bound, 4),
            "efficiency": round(efficiency(value, bound, what=where), 4) if ok else None}


def efficiency_percent(fraction) -> str:
    """A row's efficiency as the LaTeX fragment prints it: a percentage with one decimal."""
    return "" if fraction is None or pd.isna(fraction) else f"{fraction * 100:.1f}"


def published_where(published_path: str, gpu: str) -> str:
    return f"{published_path}, row '{gpu}' (peak from data/gpus.csv)"


def measured_where(card: MeasuredCard) -> str:
    paths: Sequence[str] = [run.path for run in card.runs]
    return f"{', '.join(paths)}, key 'metrics/it_per_s/mean' (card {card.gpu})"
