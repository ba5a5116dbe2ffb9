"""Writers that turn validated data into the files under ``results/`` (all inputs are read
and checked before the first output is written; every output is written atomically)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import atomic
from .data import BASELINE_KEY, load_gpus
from .latex_tables import tabular
from .measurements import gpu_runs, load_all
from .perf_tables import PERF_TABLES, perf_fragment, perf_table
from .published import load_published_table
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


def write_perf_table(gpus_path: str | os.PathLike, published_path: str | os.PathLike,
                     record_paths: Sequence[str | os.PathLike], number: int, baseline_gpu: str,
                     profiles: Sequence[str], out_csv, out_ko, out_en) -> None:
    """Table 3, 4 or 5: published rows plus measured rows from ``record_paths``.

    Every record is loaded and checked before anything is written, so a bad record
    leaves no table behind (and an older table untouched).
    """
    spec = PERF_TABLES[number]
    gpus = load_gpus(gpus_path)
    baseline_gpu = gpus.canonical(baseline_gpu, BASELINE_KEY)
    published = load_published_table(published_path, gpus, spec.unit)
    runs = gpu_runs(load_all(record_paths), gpus, spec.workload, profiles)
    table = perf_table(spec, published, runs, gpus, baseline_gpu, str(published_path))
    fragments = {lang: perf_fragment(table, spec, baseline_gpu, lang, runs) for lang in ("ko", "en")}
    atomic.write_text(out_csv, table.to_csv(index=False, lineterminator="\n"))
    atomic.write_text(out_ko, fragments["ko"])
    atomic.write_text(out_en, fragments["en"])


FIGURES = ("figure1_matmul", "table3_bars", "table4_bars", "table5_bars", "value_per_dollar", "roofline")
"""Figure names: each is written as results/figures/<name>.<lang>.<ext> (ko/en, pdf/png)."""


def write_figure(name: str, outputs: Mapping[str, str | os.PathLike], *,
                 tables: Sequence[str | os.PathLike] = (), published: str | os.PathLike | None = None,
                 records: Sequence[str | os.PathLike] = (), baseline_gpu: str | None = None,
                 gpus: str | os.PathLike | None = None, profiles: Sequence[str] = ("full",)) -> None:
    """Draw figure ``name`` in Korean and English; ``outputs`` maps ``<lang>_<ext>`` to a path.

    ``tables`` are regenerated table CSVs (``table<N>.csv``); Figure 1 reads ``published``
    (``data/published/figure1.csv``) and the matmul ``records`` of ``profiles`` instead; the
    bar charts resolve ``baseline_gpu`` with ``gpus`` (``data/gpus.csv``).
    All inputs are read before the first file is written.
    """
    import pandas as pd

    from . import figures
    from .measurements import workload_records
    from .published import load_published_figure

    # value_text as printed ("12.500", "OOM"), not parsed as a number
    frames = {int(Path(p).name.removeprefix("table").split(".")[0]): pd.read_csv(p, dtype={"value_text": str})
              for p in tables}
    if name == "figure1_matmul":
        bars = load_published_figure(published)
        runs = workload_records(load_all(records), "matmul", profiles)

        def draw(lang):
            return figures.matmul(bars, runs, lang)
    elif name in ("table3_bars", "table4_bars", "table5_bars"):
        table = frames[int(name[5])]
        baseline_gpu = load_gpus(gpus).canonical(baseline_gpu, BASELINE_KEY)

        def draw(lang):
            return figures.bars(table, baseline_gpu, lang)
    elif name == "value_per_dollar":
        def draw(lang):
            return figures.value_per_dollar(frames, lang)
    elif name == "roofline":
        def draw(lang):
            return figures.roofline(frames[5], lang)
    else:
        raise ValueError(f"unknown figure '{name}'; expected one of {FIGURES}")
    for lang in figures.LANGS:
        figures.save(draw(lang), {ext: outputs[f"{lang}_{ext}"] for ext in figures.EXTS})


def write_verify_report(gpus_path: str | os.PathLike, tables: Sequence[str | os.PathLike],
                        expected: Sequence[str | os.PathLike], out_report) -> list[str]:
    """Compare regenerated ``tables`` with the printed ``expected`` ones (matched by their
    ``table<N>.csv`` names). Returns the differences, each one readable line, headed by a
    count; writes ``out_report`` only when there is none."""
    from .verify import verify_tables

    def by_number(paths):
        return {int(Path(p).name.removeprefix("table").split(".")[0]): p for p in paths}

    diffs, cells = verify_tables(by_number(tables), by_number(expected), load_gpus(gpus_path))
    if diffs:
        return [f"verify: {len(diffs)} difference(s) from the survey's printed tables", *diffs]
    atomic.write_text(out_report, f"verify: tables {sorted(by_number(expected))} reproduce all {cells} "
                      "printed cells; every measured row reports its CV\n")
    return []
