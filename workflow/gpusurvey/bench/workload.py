"""What a workload is to the harness: set up once, run one repetition, say what ran."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from gpusurvey.bench.config import WorkloadConfig


@dataclass(frozen=True)
class Calibration:
    """How long one ``run`` call will take, from a short timed sample of its work."""

    seconds_per_call: float
    method: str
    """What was timed and how it was scaled, for the record and the console."""


class Workload(ABC):
    """One benchmark. The harness calls ``setup`` once, then ``run`` for the first (cold) call,
    the warm-up and each timed repetition, then ``teardown``.

    ``run`` returns this repetition's value of every metric (keys of ``METRICS``); a workload
    times its own region of interest (denoising loop, decode loop, one matrix product) with
    synchronised timestamps, because that region is not the whole call.
    """

    NAME: ClassVar[str]
    """Its entry in ``gpusurvey.registry.WORKLOADS`` (which names the primary metric and unit)."""
    CONFIG: ClassVar[type[WorkloadConfig]]
    #: metric name -> (unit, description)
    METRICS: ClassVar[dict[str, tuple[str, str]]]

    def __init__(self, config: WorkloadConfig, device: str):
        self.config = config
        self.device = device
        #: Set by the harness: called as ``on_step(done, total)`` after each step of one call
        #: (a denoising step, a decoded token), so that progress shows more than repetitions.
        self.on_step: Callable[[int, int], None] | None = None

    def step_done(self, done: int, total: int) -> None:
        """Report one finished step of the current call (see ``on_step``)."""
        if self.on_step is not None:
            self.on_step(done, total)

    @abstractmethod
    def setup(self) -> None:
        """Build or load the model and inputs (not timed)."""

    @abstractmethod
    def run(self) -> dict[str, float]:
        """One repetition; returns ``{metric: value}`` for the metrics measured on this device
        (a subset of ``METRICS``: a CUDA-only metric is left out on the CPU)."""

    def calibrate(self) -> Calibration | None:
        """After ``setup``: time a small part of one call (one denoising step, one token) and
        scale it to the whole call; None where a call is short anyway."""
        return None

    def teardown(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Free what ``setup`` allocated."""

    def weights(self) -> dict[str, Any]:
        """``{"kind": "synthetic" | "checkpoint" | "none", "name": ..., "sha256": ...}``."""
        return {"kind": "none", "name": None, "sha256": None}

    def backend(self) -> dict[str, Any]:
        """What actually ran: library, dtype, attention processor ..."""
        return {}

    def extra(self, metric_means: dict[str, float | None]) -> dict[str, Any]:
        """Derived figures from the measured means (for example efficiency against a bound)."""
        return {}

    def packages(self) -> tuple[str, ...]:
        """Distributions whose versions the record should carry."""
        return ("torch",)
