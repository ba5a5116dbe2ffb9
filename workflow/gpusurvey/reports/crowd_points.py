"""The crowd as one more software group of the predictions (``gpusurvey.reports.predictions``):
one point per Table 7 card, the crowd's median batch-1 rate (one vote per submitter) against the
card's Stable Diffusion compute bound. The crowd's rate covers a whole txt2img call, so its
efficiencies sit below the sampler's; as a group of its own it is left out card by card and
predicts like any other, from a dozen cards of different bounds."""

from __future__ import annotations

import os

import pandas as pd

from gpusurvey.core.errors import DataError
from gpusurvey.inputs.gpus import GpuTable
from gpusurvey.registry import SD_TXT2IMG

CROWD = "crowd"
"""The software group of the crowd's points."""


def crowd_points(table7: str | os.PathLike, gpus: GpuTable, point, card_bound) -> list:
    """``point(workload, software, gpu, value, bound, n_rows)`` for each card of Table 7's CSV;
    ``card_bound`` gives the bound (predictions' own, so both sides share one)."""
    frame = pd.read_csv(table7)
    out = []
    for line, row in enumerate(frame.itertuples(index=False), start=2):
        if row.gpu not in gpus.table.index:
            raise DataError(table7, f"card '{row.gpu}' is not a gpu of {gpus.path}", line=line, column="gpu")
        bound = card_bound(SD_TXT2IMG, gpus.table.loc[row.gpu])
        if bound is None or pd.isna(row.p50):
            continue
        out.append(point(SD_TXT2IMG, CROWD, row.gpu, float(row.p50), bound, int(row.submitters)))
    return out
