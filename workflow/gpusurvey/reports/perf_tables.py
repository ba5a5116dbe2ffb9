"""Tables 3-5: the survey's published speeds merged with this pipeline's measurements.

One row per published measurement and one per measured card: every record of one GPU,
workload and profile, their median, count and spread (``gpusurvey.inputs.measured_cards``);
a measured row never replaces a published one, with the survey's derived columns computed the survey's way:
value per dollar = value / launch price and relative = value / the baseline GPU's published
value, both in decimal arithmetic on the value as shown (``value_text``) and rounded half
up. Columns the survey lacks: value per watt (TDP), for Tables 3 and 4 the compute bound
(``gpusurvey.reports.compute_bounds``) and for Table 5 the decode roofline.

The CSV columns are a contract (the paper and the notebooks read them; docs/data.md lists
them): ``COLUMNS`` for every table, ``COMPUTE_COLUMNS`` added for Tables 3 and 4,
``ROOFLINE_COLUMNS`` for Table 5, then ``CV_COLUMNS``
and ``SPREAD_COLUMNS``.
Which workload feeds which table is ``gpusurvey.registry.TABLES``.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import pandas as pd
from pylatex.utils import NoEscape, escape_latex

from gpusurvey.core.errors import DataError
from gpusurvey.core.glossary import term
from gpusurvey.core.rounding import fixed, ratio, trimmed
from gpusurvey.inputs.gpus import GpuTable
from gpusurvey.inputs.measured_cards import MeasuredCard
from gpusurvey.inputs.published import PublishedRow
from gpusurvey.inputs.record_bounds import decode_bytes_per_token
from gpusurvey.models.roofline import LLAMA13B_GPTQ_BYTES_PER_TOKEN, bound_tokens_per_s
from gpusurvey.registry import WORKLOADS, Table
from gpusurvey.reports.compute_bounds import (
    COMPUTE_COLUMNS,
    card_flops,
    compute_columns,
    efficiency_percent,
    measured_where,
    published_where,
    setting_flops,
)
from gpusurvey.reports.latex_tables import tabular

COLUMNS = ["gpu", "source", "status", "value", "value_text", "unit", "price_usd", "value_per_dollar",
           "relative_to_baseline", "tdp_w", "value_per_watt", "note", "reference"]
ROOFLINE_COLUMNS = ["memory_bandwidth_gbs", "bytes_per_token", "bound_tokens_per_s", "efficiency"]
CV_COLUMNS = ["cv", "high_cv"]
"""Coefficient of variation of a measured row's primary metric (the largest of its records'), and
whether it exceeds 5 %."""
SPREAD_COLUMNS = ["n_records", "value_min", "value_max", "outliers"]
"""A measured row's number of records, the smallest and largest of their values, and how many of
them lie far from the others."""

STATUS_TEXT = {"oom": "OOM", "error": "error"}


def table_columns(entry: Table) -> list[str]:
    """The CSV columns of Table ``entry.number``."""
    return (COLUMNS + (COMPUTE_COLUMNS if entry.compute_setting else [])
            + (ROOFLINE_COLUMNS if entry.roofline else []) + CV_COLUMNS + SPREAD_COLUMNS)


def table_unit(entry: Table) -> str:
    """The unit of the table's values: its workload's."""
    return WORKLOADS[entry.workload].unit


def _num(value) -> str | None:
    return None if value is None or pd.isna(value) else f"{value:g}"


def perf_table(entry: Table, published: Sequence[PublishedRow], cards: Sequence[MeasuredCard],
               gpus: GpuTable, baseline_gpu: str, published_path: str) -> pd.DataFrame:
    """Table ``entry.number`` as a DataFrame with ``table_columns(entry)``, sorted as the survey sorts
    (value descending, rows that failed last).

    Raises DataError when the baseline GPU has no published row.
    """
    baseline = gpus.resolve(baseline_gpu)
    base_rows = [p for p in published if p.gpu == baseline]
    if not base_rows:
        raise DataError(published_path, f"no row for the baseline GPU '{baseline_gpu}' "
                        "(config tables.baseline_gpu); expected it among the published rows")
    base_text = base_rows[0].value_text
    flops = setting_flops(entry) if entry.compute_setting else None

    rows = []
    for p in published:
        rows.append(_row(entry, gpus, p.gpu, "published", "ok", p.value, p.value_text, base_text,
                         note="", reference=p.reference,
                         compute=(flops, published_where(published_path, p.gpu))))
    for card in cards:
        ok = card.status == "ok"
        row = _row(entry, gpus, card.gpu, "measured", card.status, card.value,
                   fixed(card.value, 3) if ok else STATUS_TEXT[card.status], base_text,
                   note=card.note, reference=card.reference,
                   bytes_per_token=_bytes_per_token(card) if entry.roofline and ok
                   else LLAMA13B_GPTQ_BYTES_PER_TOKEN,
                   compute=(card_flops(card) if ok and flops else flops, measured_where(card)))
        if ok and card.cv is not None:
            row["cv"] = round(card.cv, 6)
            row["high_cv"] = "true" if card.high_cv else "false"
        row.update(n_records=len(card.runs), outliers=len(card.flagged),
                   value_min=round(card.value_min, 6) if ok else None,
                   value_max=round(card.value_max, 6) if ok else None)
        rows.append(row)
    order = sorted(range(len(rows)),
                   key=lambda i: (rows[i]["status"] != "ok", -(rows[i]["value"] or 0.0), i))
    table = pd.DataFrame([rows[i] for i in order], columns=table_columns(entry))
    for column in ("value", "value_per_watt", "cv", "value_min", "value_max",
                   *(ROOFLINE_COLUMNS[2:] if entry.roofline else []),
                   *(COMPUTE_COLUMNS[2:] if entry.compute_setting else [])):
        table[column] = table[column].astype("float64")
    for column in ("n_records", "outliers"):
        table[column] = table[column].astype("Int64")
    return table


def _bytes_per_token(card: MeasuredCard) -> int:
    """Bytes per token of a measured decode row: the roofline model's for each record that ran
    (never the record's own figure), their median when the records' contexts differ."""
    return round(statistics.median(decode_bytes_per_token(run.path, run.record) for run in card.ok_runs))


def _row(entry: Table, gpus: GpuTable, gpu: str, source: str, status: str, value: float | None,
         value_text: str, base_text: str, note: str, reference: str,
         bytes_per_token: int = LLAMA13B_GPTQ_BYTES_PER_TOKEN,
         compute: tuple[int | None, str] = (None, "")) -> dict:
    gpu_row = gpus.table.loc[gpu]
    price, tdp = gpu_row["launch_price_usd"], gpu_row["tdp_w"]
    has_price = price is not None and not pd.isna(price)
    ok = status == "ok"
    row = {
        "gpu": gpu, "source": source, "status": status, "value": value, "value_text": value_text,
        "unit": table_unit(entry), "price_usd": _num(price),
        "value_per_dollar": fixed(ratio(value_text, _num(price)), entry.dollar_places)
        if ok and has_price else None,
        "relative_to_baseline": trimmed(ratio(value_text, base_text), 2) if ok else None,
        "tdp_w": _num(tdp),
        "value_per_watt": round(value / tdp, 6) if ok else None,
        "note": note, "reference": reference, "cv": None, "high_cv": None,
        "n_records": None, "value_min": None, "value_max": None, "outliers": None,
    }
    if entry.compute_setting:
        row.update(compute_columns(gpu_row, value, ok, compute[0], compute[1]))
    if entry.roofline:
        bandwidth = gpu_row["memory_bandwidth_gbs"]
        bound = bound_tokens_per_s(bandwidth, bytes_per_token)
        row.update(memory_bandwidth_gbs=_num(bandwidth), bytes_per_token=bytes_per_token,
                   bound_tokens_per_s=round(bound, 3),
                   efficiency=round(value / bound, 4) if ok else None)
    return row


DAGGER = r"$^{\dagger}$"

HEADERS = {
    "ko": {"gpu": "GPU", "price": "가격(USD)", "per_dollar": term("value_per_dollar", "ko"),
           "relative": "{base} 대비(배)",
           "efficiency": "연산 효율(%)",
           "it/s": "초당 반복(it/s)", "tokens/s": "초당 토큰(tokens/s)"},
    "en": {"gpu": "GPU", "price": "Price (USD)", "per_dollar": "{unit} per USD",
           "relative": "Relative to {base}", "efficiency": "Compute efficiency (%)", "it/s": "Iterations/s",
           "tokens/s": "Tokens/s"},
}
_STATUS = {"ko": {"OOM": "메모리 부족(OOM)", "error": "오류"},
           "en": {"OOM": "out of memory", "error": "error"}}
_MEASURED = {"ko": "이 파이프라인이 측정한 행", "en": "Measured by this pipeline"}
_NOISY = {"ko": "변동계수 5 % 초과", "en": "CV above 5 %"}
DDAGGER = r"$^{\ddagger}$"
_FAR = {"ko": "기록 중 하나 이상이 같은 카드의 다른 기록들과 동떨어짐"
              "(중앙값에서 MAD의 3 x 1.4826배 초과): 주석 참조",
        "en": "a record lies far from the others of its card (more than 3 x 1.4826 MAD from their median): "
              "see its note"}


def perf_fragment(table: pd.DataFrame, entry: Table, baseline_gpu: str, lang: str,
                  cards: Sequence[MeasuredCard] = ()) -> str:
    """Table ``entry.number`` as a LaTeX tabular in ``lang`` (``ko`` or ``en``); measured rows
    carry a dagger and a footnote line (GPU as detected, date, profile, weights, CV; for several
    records their median, range and each record), worded in ``lang`` where the row's card is
    among ``cards`` (matched by its records' paths); a row with a record far from the others
    carries a double dagger on its value."""
    by_reference = {card.reference: card for card in cards}
    words = HEADERS[lang]
    unit = table_unit(entry)
    header = [words["gpu"], words[unit], words["price"],
              words["per_dollar"].format(unit=unit), words["relative"].format(base=baseline_gpu)]
    compute = bool(entry.compute_setting)
    if compute:
        header.append(words["efficiency"])
    rows, notes = [], []
    for row in table.itertuples(index=False):
        measured = row.source == "measured"
        gpu = NoEscape(escape_latex(row.gpu) + DAGGER) if measured else row.gpu
        value = row.value_text if row.status == "ok" else _STATUS[lang][row.value_text]
        far = measured and not pd.isna(row.outliers) and row.outliers > 0
        if far:
            value = NoEscape(escape_latex(value) + DDAGGER)
        rows.append([gpu, value, _text(row.price_usd), _text(row.value_per_dollar),
                     _text(row.relative_to_baseline)]
                    + ([efficiency_percent(row.efficiency)] if compute else []))
        if measured:
            cv = "" if pd.isna(row.cv) else f"; CV {row.cv * 100:.1f} %"
            noisy = f" ({_NOISY[lang]})" if row.high_cv == "true" else ""
            card = by_reference.get(row.reference)
            note = card.describe(lang) if card is not None else row.note
            notes.append(DAGGER + " " + escape_latex(f"{_MEASURED[lang]}: {row.gpu} ({note}{cv}{noisy})"))
        if far and DDAGGER + " " + escape_latex(_FAR[lang]) not in notes:
            notes.append(DDAGGER + " " + escape_latex(_FAR[lang]))
    return tabular(header, rows, "lrrrr" + ("r" if compute else ""), notes=notes)


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)
