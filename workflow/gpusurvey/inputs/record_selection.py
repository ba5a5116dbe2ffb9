"""Which record files feed the build: this machine's runs, the committed ones of other machines,
the CPU and format runs one folder deeper, and one workload's share of them; and where a record
lies (the folder that names its machine).

Plain functions of the build's configuration (``workflow/config.yaml``) and of what the caller
knows about this machine, so that the Snakefile's rules ask them and tests call them alike.
Paths are returned as strings, sorted where they come from a folder, as Snakemake lists inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

RESULTS = "results/measurements"
"""Where this machine's (or a cluster's) runs write ``<machine>/<workload>.json``."""
QUICK = "quick"
"""The folder under ``<machine>/`` of the paper's quick checks (``gpusurvey.bench.plan.QUICK_CHECK``),
apart from the full records the ``bench`` target writes."""
CPU_PATTERNS = ("*/cpu/*.json", "*/formats/*.json")
"""The committed runs of machines without a GPU and of llama.cpp's GGUF formats: one folder
deeper than the records the tables read, so that no table lists them."""


def _committed(config: Mapping, *patterns: str) -> list[str]:
    folder = Path(config["data"]["measurements"])
    return sorted(str(path) for pattern in patterns for path in folder.glob(pattern))


def committed_records(config: Mapping) -> list[str]:
    """Records committed as ``<measurements>/<machine>/<workload>.json`` (real runs). Deeper
    folders (``<machine>/variants/``) keep extra runs that no table reads."""
    return _committed(config, "*/*.json")


def every_committed_record(config: Mapping) -> list[str]:
    """Every committed record, the deeper folders' too (cpu/, formats/, variants/): what
    ``check_records`` checks."""
    return _committed(config, "*/**/*.json")


def cpu_records(config: Mapping) -> list[str]:
    """Committed records of machines without a GPU (``<machine>/cpu/*.json``) and of llama.cpp's
    GGUF formats (``<machine>/formats/*.json``): the "without a GPU" section, its figure and
    notebook read them (gpusurvey.reports.cpu_compare keeps the CPU runs)."""
    return _committed(config, *CPU_PATTERNS)


def cluster_records(config: Mapping, cluster_folders: Iterable[str]) -> list[str]:
    """One record per listed cluster GPU (by its results folder) and configured workload;
    ``measure: false`` still measures nothing."""
    if config["measure"] is False:
        return []
    workloads = config["bench"]["workloads"]
    return [f"{RESULTS}/{folder}/{w}.json" for folder in cluster_folders for w in workloads]


def local_records(config: Mapping, workloads_here: Iterable[str], machine: str,
                  cluster_folders: Iterable[str] = (), quick: Iterable[str] = ()) -> list[str]:
    """This machine's records, ``results/measurements/<machine>/<workload>.json`` for each
    workload it measures, or ``<machine>/quick/<workload>.json`` for those of ``quick`` (the
    paper's quick checks); the cluster's instead when cluster GPUs are listed."""
    cluster_folders = list(cluster_folders)
    if cluster_folders:
        return cluster_records(config, cluster_folders)
    quick = set(quick)
    return [f"{RESULTS}/{machine}/{QUICK}/{w}.json" if w in quick else f"{RESULTS}/{machine}/{w}.json"
            for w in workloads_here]


def _machine_and_file(path: str) -> tuple[str, str]:
    """``(machine folder, file name)`` of a record path, a quick check's included."""
    parts = Path(path).parts
    return (parts[-3], parts[-1]) if parts[-2] == QUICK else parts[-2:]


def measurement_records(local: list[str], committed: list[str], machine: str,
                        submitted_as: str) -> list[str]:
    """Every record the tables and figures read: the committed ones, then ``local`` (this
    machine's or the cluster's). A new run of a machine replaces its committed record of the
    same workload instead of doubling its row; this machine's records are committed under
    ``submitted_as`` (``<machine>-<machine id>``, as ``gpusurvey submit`` names it) too, so that
    folder counts as this machine's."""
    measured_here = {_machine_and_file(p) for p in local}
    measured_here |= {(submitted_as, name) for folder, name in list(measured_here) if folder == machine}
    return [p for p in committed if Path(p).parts[-2:] not in measured_here] + list(local)


def records_for(records: Iterable[str], workload: str) -> list[str]:
    """The records of one workload among ``records`` (record files are named <workload>.json)."""
    return [p for p in records if Path(p).stem == workload]


def record_place(path: str, machine: str) -> str:
    """Where a record lies, from the folder named after its ``machine`` down, without ``.json``
    (``nvidia-h200-0db57aab/matmul``, ``cpu-amd-epyc/threads/threads-1``); from its own folder
    where no folder on its path is so named."""
    parts = Path(path).with_suffix("").parts
    named = [i for i, part in enumerate(parts[:-1]) if part.startswith(machine)]
    return "/".join(parts[named[-1] if named else -2:])


def machine_folder(path: str, machine: str) -> str:
    """The folder that names a record's machine (``nvidia-h200-0db57aab``, ``cpu-amd-epyc``):
    what tells two machines of one GPU or CPU apart."""
    return record_place(path, machine).split("/")[0]
