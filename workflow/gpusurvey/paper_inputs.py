"""Writers of the paper's generated inputs: the numbers (``results/macros/numbers.tex``), the
errata tables and the provenance appendix. Every input is read and checked before the first
output is written; outputs are written atomically."""

from __future__ import annotations

import os
from collections.abc import Sequence

from . import atomic
from .data import BASELINE_KEY, load_errata, load_gpus
from .macros import (
    BENCH_PREFIXES,
    Macros,
    bench_macros,
    matmul_macros,
    measured_macros,
    roofline_macros,
    spec_macros,
)
from .perf_tables import COLUMNS, ROOFLINE_COLUMNS
from .provenance import errata_table, provenance_list
from .record import HIGH_CV, Record, load
from .rounding import trimmed
from .validate import read_table


def load_records(paths: Sequence[str | os.PathLike], profiles: Sequence[str]) -> list[tuple[str, Record]]:
    """Every record of ``paths`` (validated) whose profile is one the tables show, by path."""
    records = [(str(p), load(p)) for p in sorted(paths, key=str)]
    return [(p, r) for p, r in records if r.profile in profiles]


def write_macros(out: str | os.PathLike, *, spec_tables: Sequence[str | os.PathLike],
                 bench_tables: dict[str, str | os.PathLike], errata: str | os.PathLike,
                 gpus: str | os.PathLike, figure1: str | os.PathLike,
                 records: Sequence[str | os.PathLike], profiles: Sequence[str],
                 baseline: str) -> None:
    """``numbers.tex``: every number the prose quotes. ``bench_tables`` maps ``table3``..
    ``table5`` to their CSVs; ``spec_tables`` are Tables 1 and 2's CSVs."""
    catalog = load_gpus(gpus)
    baseline = catalog.canonical(baseline, BASELINE_KEY)
    macros = Macros()
    spec_macros(macros, *spec_tables)
    rows = {}
    for name, prefix in BENCH_PREFIXES.items():
        columns = COLUMNS + (ROOFLINE_COLUMNS if name == "table5" else [])
        rows[name] = read_table(bench_tables[name], columns)
        bench_macros(macros, prefix, bench_tables[name], rows[name], baseline)
    roofline_macros(macros, bench_tables["table5"], rows["table5"])
    loaded = [r for _, r in load_records(records, profiles)]
    measured_macros(macros, rows, loaded)
    matmul_macros(macros, figure1, loaded)
    macros.set("ErrataCount", str(len(load_errata(errata, catalog))))
    macros.set("HighCvPercent", trimmed(HIGH_CV * 100, 1))
    atomic.write_text(out, macros.render())


def write_errata(errata: str | os.PathLike, gpus: str | os.PathLike, out_ko, out_en) -> None:
    """The errata table (``data/errata.csv``) as Korean and English tabular fragments."""
    table = load_errata(errata, load_gpus(gpus))
    fragments = {lang: errata_table(table, lang) for lang in ("ko", "en")}
    atomic.write_text(out_ko, fragments["ko"])
    atomic.write_text(out_en, fragments["en"])


def write_provenance(records: Sequence[str | os.PathLike], profiles: Sequence[str],
                     out_ko, out_en) -> None:
    """The appendix's per-record environment listing, in Korean and English."""
    loaded = load_records(records, profiles)
    fragments = {lang: provenance_list(loaded, lang) + "\n" for lang in ("ko", "en")}
    atomic.write_text(out_ko, fragments["ko"])
    atomic.write_text(out_en, fragments["en"])
