"""Writers that turn validated data into the files under ``results/`` (all inputs are read
and checked before the first output is written; every output is written atomically)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from gpusurvey.core import atomic
from gpusurvey.inputs.gpus import BASELINE_KEY, load_gpus
from gpusurvey.inputs.measured_cards import group_cards
from gpusurvey.inputs.measurements import gpu_runs, load_all
from gpusurvey.inputs.published import load_published_table
from gpusurvey.registry import FIGURES, LANGS, TABLES, survey_tables
from gpusurvey.reports import plotting
from gpusurvey.reports.latex_tables import tabular
from gpusurvey.reports.perf_tables import perf_fragment, perf_table, table_unit
from gpusurvey.reports.spec_tables import UNKNOWN, field_label, spec_table

CARDS_PER_BLOCK = 5
"""Cards a product list shows side by side (Tables 1, 2 and 6)."""


def write_spec_table(gpus_path: str | os.PathLike, number: int, out_csv, out_ko, out_en) -> None:
    """Table 1 or 2 (or a later series' list, ``Table.series``): ``out_csv`` plus Korean and
    English LaTeX fragments, an unknown field printed as ``UNKNOWN`` says."""
    table = spec_table(load_gpus(gpus_path), number, TABLES[number].series)
    fragments = {}
    # At most CARDS_PER_BLOCK cards side by side: a longer list is split into blocks one under
    # the other, so that the table is printed at the text's size, never shrunk to the page.
    blocks = -(-len(table.columns) // CARDS_PER_BLOCK)
    size = -(-len(table.columns) // blocks)
    for lang in ("ko", "en"):
        corner = "모델명" if lang == "ko" else "Model"
        parts = []
        for start in range(0, len(table.columns), size):
            part = table.iloc[:, start:start + size]
            rows = [[field_label(field, lang), *(v if isinstance(v, str) else UNKNOWN[lang] for v in values)]
                    for field, values in zip(part.index, part.values.tolist(), strict=True)]
            parts.append(tabular([corner, *part.columns], rows, "l" + "r" * len(part.columns)))
        fragments[lang] = "\\par\\medskip\n".join(parts)
    atomic.write_text(out_csv, table.to_csv(lineterminator="\n"))
    atomic.write_text(out_ko, fragments["ko"])
    atomic.write_text(out_en, fragments["en"])


def write_perf_table(gpus_path: str | os.PathLike, published_path: str | os.PathLike,
                     record_paths: Sequence[str | os.PathLike], number: int, baseline_gpu: str,
                     profiles: Sequence[str], out_csv, out_ko, out_en) -> None:
    """Table 3, 4 or 5: published rows plus one measured row per card from ``record_paths``.

    Every record is loaded and checked before anything is written, so a bad record
    leaves no table behind (and an older table untouched).
    """
    spec = TABLES[number]
    gpus = load_gpus(gpus_path)
    baseline_gpu = gpus.canonical(baseline_gpu, BASELINE_KEY)
    published = load_published_table(published_path, gpus, table_unit(spec))
    cards = group_cards(gpu_runs(load_all(record_paths), gpus, spec.workload, profiles))
    table = perf_table(spec, published, cards, gpus, baseline_gpu, str(published_path))
    fragments = {lang: perf_fragment(table, spec, baseline_gpu, lang, cards) for lang in LANGS}
    atomic.write_text(out_csv, table.to_csv(index=False, lineterminator="\n"))
    atomic.write_text(out_ko, fragments["ko"])
    atomic.write_text(out_en, fragments["en"])


def write_figure(name: str, outputs: Mapping[str, str | os.PathLike], *,
                 tables: Sequence[str | os.PathLike] = (), published: str | os.PathLike | None = None,
                 records: Sequence[str | os.PathLike] = (), baseline_gpu: str | None = None,
                 gpus: str | os.PathLike | None = None, profiles: Sequence[str] = ("full",),
                 cpu_records: Sequence[str | os.PathLike] = ()) -> None:
    """Draw figure ``name`` (``gpusurvey.registry.FIGURES``) in Korean and English; ``outputs``
    maps ``<lang>_<ext>`` to a path.

    ``tables`` are the regenerated table CSVs the entry names, in its order; Figure 1 reads
    ``published`` (``data/published/figure1.csv``) and the matmul ``records`` of ``profiles``;
    the bar charts resolve ``baseline_gpu`` with ``gpus`` (``data/gpus.csv``); the CPU figure
    reads ``cpu_records`` beside Tables 3 and 5, the roofline the CPU's decode runs among them.
    All inputs are read before the first file is written.
    """
    import pandas as pd

    from gpusurvey.inputs.measurements import workload_records
    from gpusurvey.inputs.published import load_published_figure
    from gpusurvey.reports import figures
    from gpusurvey.reports.cpu_compare import load_comparison
    from gpusurvey.reports.format_table import format_table

    if name not in FIGURES:
        raise ValueError(f"unknown figure '{name}'; expected one of {sorted(FIGURES)}")
    spec = FIGURES[name]
    if len(tables) != len(spec.tables):
        raise ValueError(f"figure '{name}' reads tables {list(spec.tables)}; got {len(tables)} file(s)")
    inputs = figures.FigureInputs(
        # value_text as printed ("12.500", "OOM"), not parsed as a number
        tables={n: pd.read_csv(p, dtype={"value_text": str})
                for n, p in zip(spec.tables, tables, strict=True)},
        baseline=load_gpus(gpus).canonical(baseline_gpu, BASELINE_KEY) if spec.baseline else None,
        published=load_published_figure(published) if spec.records else (),
        records=workload_records(load_all(records), spec.records, profiles) if spec.records else (),
        cpu=load_comparison(cpu_records, *tables) if spec.cpu_records else None,
        formats=format_table(cpu_records, gpus or "") if spec.cpu_formats else None,
    )
    draw = figures.DRAWERS[spec.draw]
    for lang in LANGS:
        plotting.save(draw(inputs, lang), {ext: outputs[f"{lang}_{ext}"] for ext in plotting.EXTS})


def write_figures(names: Sequence[str], outputs: Mapping[str, str | os.PathLike], *,
                  tables: Mapping[str, Sequence[str | os.PathLike]] | None = None,
                  records: Mapping[str, Sequence[str | os.PathLike]] | None = None,
                  **shared) -> None:
    """Draw the figures ``names`` one after another in this process (one Python start and one
    matplotlib import for all): ``outputs`` maps ``<name>_<lang>_<ext>`` to a path, ``tables``
    and ``records`` map a figure's name to its files (none where it has no entry), and
    ``shared`` holds the other arguments of ``write_figure``, the same for every figure."""
    tables, records = tables or {}, records or {}
    for name in names:
        mine = {f"{lang}_{ext}": outputs[f"{name}_{lang}_{ext}"] for lang in LANGS for ext in plotting.EXTS}
        write_figure(name, mine, tables=tables.get(name, ()), records=records.get(name, ()), **shared)


def write_verify_report(gpus_path: str | os.PathLike, tables: Sequence[str | os.PathLike],
                        expected: Sequence[str | os.PathLike], out_report) -> list[str]:
    """Compare regenerated ``tables`` with the printed ``expected`` ones, both in the order of
    ``gpusurvey.registry.survey_tables()`` (Tables 1-5: a later series' list has no printed twin).
    Returns the differences, each one readable line, headed by a count; writes ``out_report``
    only when there is none."""
    from gpusurvey.reports.verify import verify_tables

    numbers = [t.number for t in survey_tables()]
    diffs, cells = verify_tables(dict(zip(numbers, tables, strict=True)),
                                 dict(zip(numbers, expected, strict=True)), load_gpus(gpus_path))
    if diffs:
        return [f"verify: {len(diffs)} difference(s) from the survey's printed tables", *diffs]
    atomic.write_text(out_report, f"verify: tables {numbers} reproduce all {cells} "
                      "printed cells; every measured row reports its CV\n")
    return []
