"""Tables 1 and 2: the survey's product lists (RTX 40 and RTX 30 series), one column per GPU;
and, in the same layout, the product list of a later series (``Table.series``: the RTX 50).

The layout is the survey's: one row per field, one column per GPU, in the survey's order,
with every value written as the survey prints it (``2022.8.12``, ``$1599``, ``450W``). A field
no source confirmed (an empty cell of ``data/gpus.csv``, only outside the survey) stays empty
in the CSV and is printed as ``UNKNOWN`` says, never filled in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from gpusurvey.core.glossary import term
from gpusurvey.inputs.gpus import GpuTable


def _date(value: str) -> str:
    year, month, day = value.split("-")
    return f"{int(year)}.{int(month)}.{int(day)}"


def _num(value) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Field:
    """One row of Tables 1-2: the ``data/gpus.csv`` column, its labels and how it is printed."""

    column: str
    ko: str
    en: str
    fmt: Callable[[object], str] = _num


SPEC_FIELDS = (
    Field("launch_date", "출시일", "Launch date", _date),
    Field("launch_price_usd", "출고가격(USD)", "Launch price (USD)", lambda v: f"${v:g}"),
    Field("codename", "코드네임", "Codename", str),
    Field("transistors_billion", "트랜지스터 개수(10억 개)", "Transistors (billion)"),
    Field("die_size_mm2", "다이 크기(mm²)", "Die size (mm²)"),
    Field("shader_processors", "셰이더 프로세서", "Shader processors"),
    Field("tensor_cores", "텐서 코어", "Tensor cores"),
    Field("l2_cache_mb", "L2 캐시(MB)", "L2 cache (MB)"),
    Field("core_clock_mhz", "코어 클럭(MHz)", "Core clock (MHz)"),
    Field("memory_gb", "메모리 크기(GB)", "Memory size (GB)"),
    Field("memory_bus_bit", "메모리 버스 폭(bit)", "Memory bus width (bit)"),
    Field("tdp_w", "TDP", "TDP", lambda v: f"{v:g}W"),
)
"""The rows of Tables 1-2, in the survey's order, with Korean and English labels."""

UNKNOWN = {lang: term("unknown", lang) for lang in ("ko", "en")}
"""How a table fragment prints a field no source confirmed."""


def spec_table(gpus: GpuTable, number: int, series: str | None = None) -> pd.DataFrame:
    """Table ``number`` (1: RTX 40 series, 2: RTX 30 series) as printed strings; with ``series``,
    the GPUs of that series in ``data/gpus.csv`` order, an unknown field as an empty cell (NA).

    Index: the field's column name in ``data/gpus.csv``; columns: canonical GPU names.
    """
    if series is None:
        chosen = gpus.survey_table(number)
        if chosen.empty:
            raise ValueError(f"{gpus.path}: no GPU has survey_table {number}")
    else:
        chosen = gpus.table[gpus.table["series"] == series]
        if chosen.empty:
            raise ValueError(f"{gpus.path}: no GPU has series '{series}' (Table {number})")
    cells = {
        gpu: [None if pd.isna(row[f.column]) else f.fmt(row[f.column]) for f in SPEC_FIELDS]
        for gpu, row in chosen.iterrows()
    }
    table = pd.DataFrame(cells, index=[f.column for f in SPEC_FIELDS], dtype="string")
    table.index.name = "field"
    return table


def _field(column: str) -> Field | None:
    return next((f for f in SPEC_FIELDS if f.column == column), None)


def field_label(column: str, lang: str) -> str:
    """The row label of field ``column`` in ``lang`` (``ko`` or ``en``); a column Tables 1-2
    do not show is labelled by its name."""
    field = _field(column)
    return column if field is None else getattr(field, lang)


def printed_value(column: str, text: str) -> str:
    """A cell of ``data/gpus.csv`` (as text) written as Tables 1-2 write field ``column``
    (``2022-08-12`` -> ``2022.8.12``); a column they do not show stays as it is."""
    field = _field(column)
    if field is None:
        return text
    try:
        return field.fmt(text)
    except ValueError:  # a numeric field's formatter needs a number
        return field.fmt(float(text))
