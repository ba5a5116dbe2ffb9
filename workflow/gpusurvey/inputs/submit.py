"""``gpusurvey submit``: check records with the build's rules, copy them into this machine's
folder of ``data/measurements/`` (all or none), and say the git commands that commit them, every
argument quoted for the shell (``shlex``) and the GPUs by their catalogue names, so that a
pasted command runs git and nothing else."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator, Sequence
from pathlib import Path

from gpusurvey.core import atomic
from gpusurvey.core.errors import DataError
from gpusurvey.core.machine import submit_folder
from gpusurvey.inputs.gpus import load_gpus
from gpusurvey.inputs.record_checks import check_files


def submit(records: Sequence[str], gpus_path: str | os.PathLike, to: Path,
           name: str | None = None) -> Iterator[str]:
    """Check ``records`` against ``gpus_path``, copy them under ``to`` (each in the folder of its
    machine and ``name`` or its ``environment.machine_id``) and yield the lines to print. Nothing
    is copied when one record is refused or cannot be written."""
    gpus = load_gpus(gpus_path)
    checked = check_files(records, gpus)
    plan: dict[str, Path] = {}
    for path, record in checked:
        ident = name or record.environment.get("machine_id")
        if not ident:
            raise DataError(path, "key 'environment/machine_id': missing (the record predates machine "
                            "ids); name the machine that measured it with --name NAME")
        dest = Path(to) / submit_folder(record.machine, ident) / f"{record.workload}.json"
        clash = next((other for other, d in plan.items() if d == dest), None)
        if clash is not None:
            raise DataError(path, f"goes to {dest}, as {clash} does; expected one record per machine "
                            "and workload")
        plan[path] = dest
    texts: dict[Path, str] = {}
    unchanged = []
    for path, dest in plan.items():
        text = Path(path).read_text(encoding="utf-8")
        if dest.is_file() and dest.read_text(encoding="utf-8") == text:
            unchanged.append(f"unchanged: {dest}")
        else:
            texts[dest] = text
    atomic.write_texts(texts)  # every record or none
    yield from unchanged
    changed = [dest for dest in plan.values() if dest in texts]
    yield from (f"{path} -> {dest}" for path, dest in plan.items() if dest in texts)
    yield f"checked {len(checked)} record(s) with the build's rules"
    if changed:
        folders = sorted({str(d.parent) for d in changed})
        names = sorted({gpus.resolve(record.gpu, record.environment.get("gpu_memory_bytes"))
                        if record.gpu else record.machine for _, record in checked})
        message = f"Measurements: {', '.join(names)} ({', '.join(folders)})"
        yield "commit them:"
        yield "  " + shlex.join(["git", "add", *map(str, changed)])
        yield "  " + shlex.join(["git", "commit", "-m", message])
