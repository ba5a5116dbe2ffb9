"""Writers of the paper's generated inputs: the numbers (``results/macros/numbers.tex``), the
errata tables and the provenance appendix. Every input is read and checked before the first
output is written; outputs are written atomically."""

from __future__ import annotations

import os
from collections.abc import Sequence

from gpusurvey.core import atomic
from gpusurvey.core.csv_rows import read_table
from gpusurvey.core.record import HIGH_CV, Record
from gpusurvey.core.rounding import trimmed
from gpusurvey.inputs.gpus import BASELINE_KEY, load_errata, load_gpus
from gpusurvey.inputs.record_checks import load_checked
from gpusurvey.paper.cpu_macros import cpu_macros
from gpusurvey.paper.macros import (
    Macros,
    compute_macros,
    matmul_macros,
    measured_macros,
    perf_macros,
    roofline_macros,
    spec_macros,
)
from gpusurvey.paper.provenance import errata_table, provenance_list
from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG, perf_tables
from gpusurvey.reports.cpu_compare import load_comparison
from gpusurvey.reports.perf_tables import table_columns


def load_records(paths: Sequence[str | os.PathLike], profiles: Sequence[str]) -> list[tuple[str, Record]]:
    """Every record of ``paths`` (validated) whose profile is one the tables show, by path."""
    records = [(str(p), load_checked(p)) for p in sorted(paths, key=str)]
    return [(p, r) for p, r in records if r.profile in profiles]


def write_macros(out: str | os.PathLike, *, spec_tables: Sequence[str | os.PathLike],
                 perf_table_csvs: Sequence[str | os.PathLike], errata: str | os.PathLike,
                 gpus: str | os.PathLike, figure1: str | os.PathLike,
                 records: Sequence[str | os.PathLike], profiles: Sequence[str],
                 baseline: str, cpu_records: Sequence[str | os.PathLike] = ()) -> None:
    """``numbers.tex``: every number the prose quotes. ``spec_tables`` are the CSVs of the
    product lists (Tables 1-2) and ``perf_table_csvs`` those of the speed tables (Tables 3-5), in
    the order of ``gpusurvey.registry.TABLES``; ``cpu_records`` are the committed CPU records
    of the "without a GPU" section (``gpusurvey.paper.cpu_macros``). A record whose GPU
    ``gpus`` does not know (a ``matmul`` record's too) is a DataError."""
    catalog = load_gpus(gpus)
    baseline = catalog.canonical(baseline, BASELINE_KEY)
    macros = Macros()
    spec_macros(macros, *spec_tables)
    rows, paths = {}, {}
    for entry, path in zip(perf_tables(), perf_table_csvs, strict=True):
        paths[entry.workload] = path
        rows[entry.name] = read_table(path, table_columns(entry))
        perf_macros(macros, entry.macro_prefix, path, rows[entry.name], baseline)
        if entry.compute_setting:
            compute_macros(macros, entry.macro_prefix, path, rows[entry.name])
        if entry.roofline:
            roofline_macros(macros, path, rows[entry.name])
    with_paths = load_records(records, profiles)
    for path, record in with_paths:  # every GPU name through the catalogue, matmul's included
        if record.gpu is not None:
            catalog.canonical(record.gpu, path, column="gpu",
                              memory_bytes=record.environment.get("gpu_memory_bytes"))
    loaded = [r for _, r in with_paths]
    measured_macros(macros, rows, [r for _, r in reported_records(records, profiles, cpu_records)])
    matmul_macros(macros, figure1, loaded)
    cpu_macros(macros, load_comparison(cpu_records, paths[SD_TXT2IMG], paths[LLM_DECODE]))
    macros.set("ErrataCount", str(len(load_errata(errata, catalog))))
    macros.set("HighCvPercent", trimmed(HIGH_CV * 100, 1))
    atomic.write_text(out, macros.render())


def write_errata(errata: str | os.PathLike, gpus: str | os.PathLike, out_ko, out_en) -> None:
    """The errata table (``data/errata.csv``) as Korean and English tabular fragments."""
    table = load_errata(errata, load_gpus(gpus))
    fragments = {lang: errata_table(table, lang) for lang in ("ko", "en")}
    atomic.write_text(out_ko, fragments["ko"])
    atomic.write_text(out_en, fragments["en"])


def reported_records(records: Sequence[str | os.PathLike], profiles: Sequence[str],
                     cpu_records: Sequence[str | os.PathLike] = ()) -> list[tuple[str, Record]]:
    """Every record the papers use, by path: those of the tables' ``profiles`` and the
    committed CPU records of the "without a GPU" section (whatever their profile)."""
    cpu = [(str(p), load_checked(p)) for p in sorted(cpu_records, key=str)]
    return load_records(records, profiles) + cpu


def write_provenance(records: Sequence[str | os.PathLike], profiles: Sequence[str],
                     out_ko, out_en, cpu_records: Sequence[str | os.PathLike] = ()) -> None:
    """The appendix's per-record environment listing, in Korean and English: every record the
    papers use (``reported_records``)."""
    loaded = reported_records(records, profiles, cpu_records)
    fragments = {lang: provenance_list(loaded, lang) + "\n" for lang in ("ko", "en")}
    atomic.write_text(out_ko, fragments["ko"])
    atomic.write_text(out_en, fragments["en"])
