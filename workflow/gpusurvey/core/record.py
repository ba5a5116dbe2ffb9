"""The measurement record: the one contract between ``gpusurvey.bench`` and the reporting half.

A record is one run of one workload on one machine, serialised to JSON and validated
against ``workflow/schemas/measurement.schema.yaml`` when written and when read.
"""

from __future__ import annotations

import json
import math
import os
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from gpusurvey.core import strict_json
from gpusurvey.core.atomic import write_text
from gpusurvey.core.errors import DataError
from gpusurvey.core.schemas import load_schema
from gpusurvey.registry import WORKLOADS

SCHEMA_VERSION = 1
MAX_CALLS = 10_000
"""Warm-up calls or timed repetitions of one run at most (the workloads' configs and the record
checks both hold to it)."""
HIGH_CV = 0.05
"""Coefficient of variation above which a metric is flagged as noisy (5 %)."""



@dataclass
class Metric:
    """One measured quantity: raw samples after warm-up, the cold first call, and their statistics."""

    unit: str
    samples: list[float]
    first_call: float | None = None
    description: str = ""
    mean: float | None = field(init=False)
    std: float | None = field(init=False)
    median: float | None = field(init=False)
    cv: float | None = field(init=False)
    high_cv: bool = field(init=False)

    def __post_init__(self) -> None:
        self.samples = [float(s) for s in self.samples]
        n = len(self.samples)
        self.mean = statistics.fmean(self.samples) if n else None
        self.median = statistics.median(self.samples) if n else None
        # Sample standard deviation (n - 1), as llama-bench and most papers report it.
        self.std = statistics.stdev(self.samples) if n > 1 else (0.0 if n else None)
        self.cv = self.std / self.mean if n and self.mean else None
        self.high_cv = bool(self.cv is not None and self.cv > HIGH_CV)


@dataclass
class Record:
    """One workload run on one machine (see the schema for what every field means)."""

    workload: str
    profile: str
    device: str
    machine: str
    params: dict[str, Any]
    primary_metric: str
    unit: str
    status: str = "ok"
    error: str | None = None
    gpu: str | None = None
    weights: dict[str, Any] = field(default_factory=lambda: {"kind": "none"})
    backend: dict[str, Any] = field(default_factory=dict)
    warmup: int = 0
    repetitions: int = 0
    metrics: dict[str, Metric] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    telemetry: list[dict[str, Any]] = field(default_factory=list)
    peak_memory: dict[str, int | None] = field(
        default_factory=lambda: {"rss_bytes": None, "vram_bytes": None}
    )
    schema_version: int = SCHEMA_VERSION

    @property
    def value(self) -> float | None:
        """Mean of the primary metric (what a table shows), or None when the run failed."""
        metric = self.metrics.get(self.primary_metric)
        return metric.mean if metric is not None and self.status == "ok" else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        data = dict(data)
        metrics = {}
        for name, m in data.pop("metrics").items():
            metrics[name] = Metric(
                unit=m["unit"],
                samples=m["samples"],
                first_call=m["first_call"],
                description=m.get("description", ""),
            )
        return cls(metrics=metrics, **data)


def validate(data: dict[str, Any], path: str | os.PathLike = "<record>") -> None:
    """Check a record's dict against the schema and the rules a schema cannot say.

    Raises DataError naming the file, the key and what was expected.
    """
    import jsonschema  # here, not at the top: the workloads' configs import this module

    validator = jsonschema.Draft202012Validator(load_schema("measurement"))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        key = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        raise DataError(path, f"key '{key}': {err.message}")
    expected_unit = WORKLOADS[data["workload"]].unit
    if data["unit"] != expected_unit:
        raise DataError(
            path,
            f"key 'unit': workload '{data['workload']}' is measured in '{expected_unit}', "
            f"got '{data['unit']}'",
        )
    if data["status"] == "ok" and data["primary_metric"] not in data["metrics"]:
        raise DataError(
            path, f"key 'metrics': the primary metric '{data['primary_metric']}' is missing"
        )
    if data["status"] != "ok" and not data["error"]:
        raise DataError(path, f"key 'error': status '{data['status']}' needs a message")
    for name, metric in data["metrics"].items():
        for value in [*metric["samples"], metric["mean"]]:
            if value is not None and not math.isfinite(value):
                raise DataError(path, f"key 'metrics/{name}': expected finite numbers")


def save(record: Record, path: str | os.PathLike) -> None:
    """Validate and write a record atomically (no partial file on any failure)."""
    data = record.to_dict()
    validate(data, path)
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError as exc:  # NaN or infinity somewhere outside the metrics (params, extra)
        raise DataError(path, f"{exc}; a record holds standard JSON (finite numbers) only") from None
    write_text(path, text + "\n")


def read_json(path: str | os.PathLike) -> dict[str, Any]:
    """A record file's JSON object, not yet validated, read strictly (``gpusurvey.core.strict_json``:
    standard JSON only, no key twice, at most 1 MB and 32 levels); every failure is a DataError."""
    data = strict_json.load(path)
    if not isinstance(data, dict):
        raise DataError(path, "expected a JSON object (one measurement record)")
    return data


def load(path: str | os.PathLike) -> Record:
    """Read and validate one record; malformed JSON or a schema violation is a DataError.
    The reporting half reads records through ``gpusurvey.inputs.record_checks.load_checked``,
    which adds the checks of numbers, dates and text."""
    data = read_json(path)
    validate(data, path)
    return Record.from_dict(data)
