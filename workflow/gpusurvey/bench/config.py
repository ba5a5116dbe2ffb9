"""Typed workload configs: dataclass fields with help text, and per-profile defaults."""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from gpusurvey.core.record import MAX_CALLS

PROFILES = ("full", "smoke", "cpu")
"""full: the survey's settings; smoke: tiny models, seconds on a CPU; cpu: the full architectures
with fewer steps and repetitions, for a machine without a GPU (per-step speed is the same)."""

def option(default: Any, help: str) -> Any:  # noqa: A002 - mirrors argparse's name
    """A config field with its help text (shown by ``gpusurvey settings WORKLOAD``)."""
    return field(default=default, metadata={"help": help})


@dataclass
class WorkloadConfig:
    """Settings every workload shares. Subclasses add theirs and per-profile overrides."""

    warmup: int = option(2, "untimed calls after the timed first call")
    repetitions: int = option(10, "timed repetitions after warm-up (at least 5)")
    allow_long_cpu_run: bool = option(
        False, "start a CPU run whose calibrated estimate is above max_cpu_hours anyway")
    max_cpu_hours: float = option(
        1.0, "a CPU run estimated (from a short calibration) to take longer refuses to start "
             "unless allow_long_cpu_run is true")
    allow_busy: bool = option(
        False, "start a full-size CPU run while the machine is busy (the record says so)")
    max_load_per_cpu: float = option(
        0.25, "a full-size CPU run refuses to start while the 1-minute load average per CPU is "
              "above this (other programs would share the cores it measures), unless allow_busy")

    #: Field values that differ from the defaults, per profile ("full" is the default set).
    PROFILE_OVERRIDES: ClassVar[dict[str, dict[str, Any]]] = {}

    def __post_init__(self) -> None:
        if self.repetitions < 5:
            raise ValueError(f"repetitions: expected at least 5, got {self.repetitions}")
        if self.warmup < 0:
            raise ValueError(f"warmup: expected 0 or more, got {self.warmup}")
        if self.repetitions > MAX_CALLS or self.warmup > MAX_CALLS:
            raise ValueError(f"{'repetitions' if self.repetitions > MAX_CALLS else 'warmup'}: "
                             f"expected at most {MAX_CALLS} (a record holds no more)")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if not math.isfinite(value):
                raise ValueError(f"{f.name}: expected a finite number, got {value}")
            if value < 0:
                raise ValueError(f"{f.name}: expected 0 or more, got {value}")
        if not self.max_cpu_hours > 0:
            raise ValueError(f"max_cpu_hours: expected a positive number, got {self.max_cpu_hours}")

    @classmethod
    def for_profile(cls, profile: str, **overrides: Any) -> WorkloadConfig:
        """The config of ``profile`` with ``overrides`` (strings are converted to the field type)."""
        if profile not in PROFILES:
            raise ValueError(f"profile: expected one of {PROFILES}, got '{profile}'")
        values = dict(cls.PROFILE_OVERRIDES.get(profile, {}))
        known = {f.name: f for f in fields(cls)}
        hints = typing.get_type_hints(cls)
        for key, raw in overrides.items():
            if key not in known:
                raise ValueError(
                    f"unknown setting '{key}' for {cls.__name__}; expected one of {sorted(known)}"
                )
            values[key] = _convert(key, raw, hints[key])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _convert(key: str, raw: Any, hint: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    target = args[0] if args else hint
    if raw.lower() in ("none", "null") and type(None) in typing.get_args(hint):
        return None
    try:
        if target is bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if target in (int, float, str):
            return target(raw)
    except ValueError:
        raise ValueError(f"setting '{key}': expected {target.__name__}, got '{raw}'") from None
    return raw
