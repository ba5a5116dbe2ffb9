"""Copy a finished build's paper, tables and figures to ``published/``, where they outlive the
next build.

Snakemake deletes a job's outputs when the job starts and again when it fails, so during a
build, and after a failed one, ``results/`` may hold no PDF at all. The ``publish`` rule runs
last, once every PDF, table and figure has been built, and copies them here: each copy is
replaced atomically, and nothing under ``published/`` is an output Snakemake deletes except
its checksum list, so the last good edition stays readable whatever the next build does.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from gpusurvey.core import atomic


def _same_bytes(a: Path, b: Path) -> bool:
    return b.is_file() and a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def publish(files: Sequence[str | os.PathLike], source: str | os.PathLike, dest: str | os.PathLike,
            manifest: str | os.PathLike) -> list[Path]:
    """Copy ``files`` (under ``source``) to the same paths under ``dest``; remove the copies of
    files no longer built in the folders published; write ``manifest`` (``sha256sum -c`` format,
    paths relative to ``dest``). Returns the copies."""
    source, dest = Path(source), Path(dest)
    copies = []
    for file in map(Path, files):
        copy = dest / file.relative_to(source)
        if not _same_bytes(file, copy):
            with atomic.atomic_path(copy) as tmp:
                tmp.write_bytes(file.read_bytes())
        copies.append(copy)
    folders = {copy.parent for copy in copies}
    for folder in folders:
        for old in folder.iterdir():
            if old.is_file() and old not in copies and not atomic.TEMPORARY.match(old.name):
                old.unlink()
    lines = [f"{hashlib.sha256(c.read_bytes()).hexdigest()}  {c.relative_to(dest).as_posix()}"
             for c in sorted(copies)]
    atomic.write_text(manifest, "".join(line + "\n" for line in lines))
    return copies
