"""Measurement records as the reporting half reads them: loaded, validated, labelled, filtered.

Every record given is read and checked (``gpusurvey.inputs.record_checks``: malformed JSON,
schema, unit, numbers, date, text, unknown GPU, the card's bound) before any table or figure
is written, so one bad file stops the build with an error that names it. Several records of
one card become one row (``gpusurvey.inputs.measured_cards``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gpusurvey.core import record as rec
from gpusurvey.inputs.gpus import GpuTable
from gpusurvey.inputs.record_bounds import check_bound
from gpusurvey.inputs.record_checks import load_checked
from gpusurvey.inputs.record_selection import machine_folder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeasuredRun:
    """One record that becomes a table row: its file, its content and its GPU's canonical name."""

    path: str
    record: rec.Record
    gpu: str

    @property
    def detected_gpu(self) -> str:
        """The GPU's name as the machine reported it (the driver's name where known)."""
        return self.record.environment.get("gpu_name") or self.record.gpu or ""

    @property
    def utc_date(self) -> str:
        return str(self.record.environment.get("utc_time", ""))[:10]

    @property
    def weights(self) -> str:
        """``synthetic``, ``checkpoint <name>`` or ``none``."""
        weights = self.record.weights
        if weights.get("kind") == "checkpoint" and weights.get("name"):
            return f"checkpoint {weights['name']}"
        return str(weights.get("kind", "none"))

    @property
    def primary(self) -> rec.Metric | None:
        return self.record.metrics.get(self.record.primary_metric)

    @property
    def note(self) -> str:
        """The note of a measured row (English, the CSV's): GPU as detected, date, profile,
        weights, machine (with what tells two owners of one card apart)."""
        return self.describe("en")

    @property
    def owner(self) -> str:
        """What tells this machine from another of the same GPU: the name its committed folder
        ``<machine>-<name>`` gives (``gpusurvey submit``'s, the record's id unless ``--name``
        chose another), else the record's ``machine_id``."""
        folder = machine_folder(self.path, self.record.machine)
        prefix = f"{self.record.machine}-"
        if folder.startswith(prefix) and len(folder) > len(prefix):
            return folder[len(prefix):]
        return str(self.record.environment.get("machine_id") or "")

    def describe(self, lang: str) -> str:
        """The note in ``lang`` (``ko`` or ``en``), in the provenance appendix's words."""
        words = _NOTE_WORDS[lang]
        kind = self.record.weights.get("kind", "none")
        weights = words[kind] if kind in words else f"{words['weights']} {self.weights}"
        owner = self.owner
        machine = self.record.machine + (f" ({owner})" if owner else "")
        return (f"{self.detected_gpu}; {self.utc_date} UTC; {words['profile']} {self.record.profile}; "
                f"{weights}; {words['machine']} {machine}")


_NOTE_WORDS = {
    "en": {"profile": "profile", "weights": "weights", "machine": "machine"},
    "ko": {"profile": "프로필", "weights": "가중치", "machine": "머신", "synthetic": "합성(무작위) 가중치",
           "none": "가중치 없음"},
}
"""Words of the note; a weights kind listed here replaces ``<weights> <kind>``."""


def load_all(paths: Iterable[str | os.PathLike]) -> list[tuple[str, rec.Record]]:
    """Read and check every record alone (a DataError names the first bad file)."""
    return [(str(p), load_checked(p)) for p in paths]


def gpu_runs(records: Sequence[tuple[str, rec.Record]], gpus: GpuTable, workload: str,
             profiles: Sequence[str]) -> list[MeasuredRun]:
    """The runs of ``workload`` that become table rows, with their canonical GPU name.

    The GPU is matched by name and, where names are shared (8 and 16 GB cards), by the
    record's ``environment.gpu_memory_bytes``.
    Skipped (and logged): CPU runs (``gpu`` null) and profiles not in ``profiles``.
    Raises DataError for a GPU ``data/gpus.csv`` does not know and for a value above the
    card's bound (``record_bounds.check_bound``). Several records of one GPU, workload and
    profile are all kept: ``measured_cards.group_cards`` makes them one row.
    """
    runs: list[MeasuredRun] = []
    for path, record in records:
        if record.workload != workload:
            continue
        if record.gpu is None:
            log.info("skipped %s: no GPU (a CPU run)", path)
            continue
        gpu = gpus.canonical(record.gpu, path, column="gpu",
                              memory_bytes=record.environment.get("gpu_memory_bytes"))
        check_bound(path, record, gpus.table.loc[gpu])
        if record.profile not in profiles:
            log.info("skipped %s: profile '%s' is not one of tables.profiles %s", path,
                     record.profile, list(profiles))
            continue
        runs.append(MeasuredRun(path=path, record=record, gpu=gpu))
    return runs


def workload_records(records: Sequence[tuple[str, rec.Record]], workload: str,
                     profiles: Sequence[str]) -> list[tuple[str, rec.Record]]:
    """Records of ``workload`` whose profile is in ``profiles`` (CPU runs included)."""
    chosen = []
    for path, record in records:
        if record.workload != workload:
            continue
        if record.profile not in profiles:
            log.info("skipped %s: profile '%s' is not one of %s", path, record.profile, list(profiles))
            continue
        chosen.append((path, record))
    return chosen
