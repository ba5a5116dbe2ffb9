"""Atomic file writes: write a temporary file beside the target, then rename it into place.

A crash or an exception mid-write leaves the old file (or no file), never half of a new one.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
"""Names of the temporary files ``atomic_path`` creates (``.<name>.<8 random>.tmp``): what a
killed writer leaves behind (``gpusurvey.core.interrupted`` removes them)."""


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path to write to; it is renamed onto ``path`` only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    # mkstemp creates the file private (0600); give it the mode a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_texts(texts: dict[Path, str]) -> None:
    """Write every file of ``texts`` (path -> UTF-8 text), all or none: each is first written
    beside its target, then all are renamed into place; a failure on the way removes the
    temporary files and puts back what the renamed ones replaced."""
    staged: list[tuple[Path, Path]] = []
    done: list[tuple[Path, bytes | None]] = []
    try:
        for target, text in texts.items():
            target = Path(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(tmp), target))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        for tmp, target in staged:
            old = target.read_bytes() if target.is_file() else None
            os.replace(tmp, target)
            done.append((target, old))
    except BaseException:
        for target, old in reversed(done):
            if old is None:
                target.unlink(missing_ok=True)
            else:
                with atomic_path(target) as back:
                    back.write_bytes(old)
        raise
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
