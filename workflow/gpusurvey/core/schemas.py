"""Access to the JSON schemas in ``workflow/schemas`` (shared by the Snakefile and the package)."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


@functools.cache
def load_schema(name: str) -> dict:
    """Load ``workflow/schemas/<name>.schema.yaml``."""
    path = SCHEMA_DIR / f"{name}.schema.yaml"
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)
