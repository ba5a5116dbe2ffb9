"""The settings a record's bound and its table row assume, taken from the profile, never from the
record.

A record's ``params`` are what its run says it ran. A bound computed from them could be steered
by the record itself: ``architecture: sd-tiny`` (the tests' toy UNet) or a folder of any UNet
configuration, ``model: llama-tiny``, a 64x64 image or ``guidance_scale: NaN`` would raise the
bound of a ``full``-profile record until any speed passes. So the settings that fix the bound
(model, architecture, image sizes, batch, guidance, steps) come from the record's profile as
``gpusurvey.models.profile_settings`` states it (the settings the workloads' configs run
with), and a record whose ``params`` say otherwise is refused, naming the key, for the table
its workload fills: a run with other settings is no row of that table. Every other number in
``params`` must be finite and within ``PARAM_RANGE``.
"""

from __future__ import annotations

import math
import os
from typing import Any

from gpusurvey.core import record as rec
from gpusurvey.core.errors import DataError
from gpusurvey.models.profile_settings import profile_settings
from gpusurvey.registry import table_of

PARAM_RANGE = 2.0**53
"""Every number of ``params`` lies within plus or minus this (whole numbers stay exact)."""


def trusted_settings(path: str | os.PathLike, record: rec.Record) -> dict[str, Any]:
    """The settings of the record's profile (``gpusurvey.models.profile_settings``), once the
    record's ``params`` are found to hold the same; DataError naming the first key that differs."""
    expected = profile_settings(record.workload, record.profile)
    table = table_of(record.workload)
    where = f"Table {table.number}" if table is not None else record.workload
    for key, want in expected.items():
        got = record.params.get(key)
        same_type = isinstance(got, type(want)) or (
            isinstance(want, float) and isinstance(got, int) and not isinstance(got, bool))
        if isinstance(got, bool) != isinstance(want, bool) or not same_type or got != want:
            shown = "missing" if key not in record.params else repr(got)
            raise DataError(path, f"key 'params/{key}': {shown}; a {record.profile}-profile "
                            f"{record.workload} record ({where} and its bound) must have the "
                            f"profile's {want!r} (gpusurvey.models.profile_settings); a run with other "
                            "settings is no row of that table")
    return expected


def check_param_numbers(path: str | os.PathLike, params: dict[str, Any]) -> None:
    """Every number in ``params`` (nested ones too) finite and within ``PARAM_RANGE``."""
    stack: list[tuple[str, Any]] = [(f"params/{k}", v) for k, v in params.items()]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{key}/{k}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{key}/{i}", v) for i, v in enumerate(value))
        elif isinstance(value, int | float) and not isinstance(value, bool) and not (
                math.isfinite(value) and abs(value) <= PARAM_RANGE):
            raise DataError(path, f"key '{key}': {value!r}; expected a finite number within "
                            f"+-{PARAM_RANGE:.0f}")
