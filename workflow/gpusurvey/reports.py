"""Writers that turn validated data into the files under ``results/`` (all inputs are read
and checked before the first output is written; every output is written atomically)."""

from __future__ import annotations

import os

from . import atomic
from .data import load_gpus
from .latex_tables import tabular
from .spec_tables import field_label, spec_table


def write_spec_table(gpus_path: str | os.PathLike, number: int, out_csv, out_ko, out_en) -> None:
    """Table 1 or 2: ``out_csv`` plus Korean and English LaTeX fragments."""
    table = spec_table(load_gpus(gpus_path), number)
    fragments = {}
    for lang in ("ko", "en"):
        rows = [[field_label(field, lang), *values]
                for field, values in zip(table.index, table.values.tolist(), strict=True)]
        corner = "모델명" if lang == "ko" else "Model"
        fragments[lang] = tabular([corner, *table.columns], rows, "l" + "r" * len(table.columns))
    atomic.write_text(out_csv, table.to_csv(lineterminator="\n"))
    atomic.write_text(out_ko, fragments["ko"])
    atomic.write_text(out_en, fragments["en"])
