"""GPU name matching shared by both halves: the survey, the data files and the driver spell
the same card differently (``RTX 4070Ti``, ``RTX 4070 Ti``, ``NVIDIA GeForce RTX 4070 Ti``)."""

from __future__ import annotations

import re


def name_key(name: str) -> str:
    """Spelling-insensitive key: case, spaces, dashes and underscores do not matter."""
    return re.sub(r"[\s_-]+", "", name).lower()
