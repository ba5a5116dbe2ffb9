"""Clear what a killed run leaves behind, so that the next run needs no manual step.

A Snakemake killed with SIGKILL (or by a lost terminal, or the OOM killer) leaves its lock
in ``.snakemake/locks/`` (every later run stops with ``LockException``) and, from a job killed
mid-write, the temporary files of ``gpusurvey.core.atomic`` beside the outputs. Both are
removed here, but only when no other Snakemake (nor a job it started) runs in the same
folder: a lock held by a live run is never touched. Incomplete outputs are Snakemake's own
business (``rerun-incomplete`` in ``workflow/profiles/default``).
"""

from __future__ import annotations

import os
from pathlib import Path

from gpusurvey.core.atomic import TEMPORARY

LOCKS = Path(".snakemake/locks")


def _ancestors() -> set[int]:
    """This process and its parents (a shell or ``make`` that started this Snakemake)."""
    pids, pid = set(), os.getpid()
    while pid > 1 and pid not in pids:
        pids.add(pid)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            break
        pid = int(stat.rsplit(")", 1)[1].split()[1])
    return pids


def _is_snakemake(argv: list[str]) -> bool:
    """A Snakemake command, or a job script it runs (``.snakemake/scripts/tmp*.py``)."""
    for i, arg in enumerate(argv):
        if Path(arg).name.startswith("snakemake") or ".snakemake/scripts/" in arg:
            return True
        if arg == "-m" and i + 1 < len(argv) and argv[i + 1].startswith("snakemake"):
            return True
    return False


def live_snakemake(workdir: str | os.PathLike) -> list[int]:
    """Process ids of other Snakemake runs (or their jobs) whose working folder is ``workdir``.
    Reads /proc: elsewhere nothing is found, and callers must then assume a live run."""
    workdir = Path(workdir).resolve()
    found = []
    mine = _ancestors()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        try:
            if Path(os.readlink(entry / "cwd")) != workdir:
                continue
            argv = (entry / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
        except OSError:  # gone meanwhile, or another user's process
            continue
        if _is_snakemake(argv):
            found.append(int(entry.name))
    return found


def clear_interrupted(workdir: str | os.PathLike, folders: list[str]) -> list[str]:
    """Remove a dead run's lock files and the atomic writes' temporary files under ``folders``
    (relative to ``workdir``); what was removed, as paths relative to ``workdir``. Nothing is
    removed while another Snakemake runs in ``workdir``, or where /proc cannot tell."""
    workdir = Path(workdir)
    if not Path("/proc/self/cwd").exists() or live_snakemake(workdir):
        return []
    removed = []
    stale = list((workdir / LOCKS).glob("*.lock"))
    for folder in folders:
        for dirpath, _dirs, files in os.walk(workdir / folder):
            stale += [Path(dirpath, f) for f in files if TEMPORARY.match(f)]
    for path in stale:
        path.unlink(missing_ok=True)
        removed.append(str(path.relative_to(workdir)))
    return removed

