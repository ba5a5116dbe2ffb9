"""Table 7: the crowd per card, one vote per submitter.

From the kept rows of the crowd database (``gpusurvey.inputs.crowd``), for every card with at
least ``min_submitters`` submitters: its rows and submitters; the 10th, 50th and 90th
percentile of the batch-1 rate over its submitters, each submitter voting once with the median
of their own rows (one person's fifty runs count once); the median batch-4 throughput and the
median batch-1 rate with xformers, SDPA and any other attention, by the same vote; the survey's
Table 3 value and its percentile within the crowd's votes; the card's compute bound at this
benchmark's setting and the crowd's median over it (its efficiency).

Percentiles interpolate linearly between the sorted votes (numpy's default). The survey's
percentile counts the votes below its value and half of those equal to it, over all votes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from pylatex.utils import NoEscape

from gpusurvey.core.rounding import fixed
from gpusurvey.inputs.crowd import KEPT
from gpusurvey.reports.latex_tables import tabular

ATTENTION = ("xformers", "SDPA", "other")
COLUMNS = ["gpu", "rows", "submitters", "p10", "p50", "p90", "batch4_median",
           "xformers_median", "sdpa_median", "other_median", "survey", "survey_percentile",
           "bound", "efficiency"]

WORDS = {
    "ko": {"gpu": "GPU", "rows": "결과 수", "submitters": "제출자", "p10": "P10", "p50": "중앙값",
           "p90": "P90", "batch4": "배치 4", "xformers": "xformers", "SDPA": "SDPA", "other": "기타",
           "survey": "서베이", "survey_percentile": "서베이 백분위", "bound": "상한",
           "efficiency": "효율", "none": "–"},
    "en": {"gpu": "GPU", "rows": "rows", "submitters": "submitters", "p10": "P10", "p50": "median",
           "p90": "P90", "batch4": "batch 4", "xformers": "xformers", "SDPA": "SDPA", "other": "other",
           "survey": "survey", "survey_percentile": "survey pct.", "bound": "bound",
           "efficiency": "eff.", "none": "–"},
}


def votes(kept: pd.DataFrame, column: str = "rate_b1") -> pd.Series:
    """Each submitter's median of ``column`` per card (index: gpu, submitter), rows without a
    value left out."""
    mine = kept[kept[column].notna()]
    return mine.groupby(["gpu", "submitter"], sort=True)[column].median()


def percentile_of(values: np.ndarray, value: float) -> float:
    """The percentile of ``value`` among ``values``: below, plus half of the equal, over all."""
    below = float(np.sum(values < value))
    equal = float(np.sum(values == value))
    return 100 * (below + equal / 2) / len(values)


def card_table(rows: pd.DataFrame, survey: Mapping[str, float], bounds: Mapping[str, float],
               min_submitters: int) -> pd.DataFrame:
    """Table 7's rows (``COLUMNS``), fastest compute bound first. ``rows``: every row with its
    status (``inputs.crowd.classify``); ``survey``: Table 3's value by canonical card."""
    kept = rows[rows["status"] == KEPT]
    b1 = votes(kept)
    b4 = votes(kept, "rate_b4")
    by_attention = {group: votes(kept[kept["attention_group"] == group]) for group in ATTENTION}
    out = []
    for gpu, part in b1.groupby(level="gpu", sort=False):
        values = part.to_numpy(dtype=float)
        if len(values) < min_submitters:
            continue
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        value = survey.get(gpu)
        bound = bounds.get(gpu)
        out.append({
            "gpu": gpu, "rows": int((kept["gpu"] == gpu).sum()), "submitters": len(values),
            "p10": p10, "p50": p50, "p90": p90,
            "batch4_median": _median(b4, gpu),
            **{f"{g.lower()}_median": _median(by_attention[g], gpu) for g in ATTENTION},
            "survey": value,
            "survey_percentile": None if value is None else percentile_of(values, value),
            "bound": bound, "efficiency": None if bound is None else p50 / bound,
        })
    table = pd.DataFrame(out, columns=COLUMNS)
    table = table.sort_values(["bound", "gpu"], ascending=[False, True], na_position="last")
    return table.reset_index(drop=True)


def _median(series: pd.Series, gpu: str) -> float | None:
    if gpu not in series.index.get_level_values("gpu"):
        return None
    return float(series.loc[gpu].median())


def csv_text(table: pd.DataFrame) -> str:
    """The table as CSV, rates to 3 decimals, percentiles to 1, efficiency to 4."""
    rounded = table.copy()
    for column in ("p10", "p50", "p90", "batch4_median", "xformers_median", "sdpa_median",
                   "other_median", "bound"):
        rounded[column] = rounded[column].astype(float).round(3)
    rounded["survey_percentile"] = rounded["survey_percentile"].astype(float).round(1)
    rounded["efficiency"] = rounded["efficiency"].astype(float).round(4)
    return rounded.to_csv(index=False, lineterminator="\n")


def _cell(value, places: int, none: str) -> str:
    return none if value is None or pd.isna(value) else fixed(float(value), places)


def latex(table: pd.DataFrame, lang: str) -> str:
    """The LaTeX fragment: rates to one decimal, the survey's percentile and the efficiency in
    percent; a card the survey did not print shows a dash."""
    words = WORDS[lang]
    none = words["none"]
    header = [words[k] for k in ("gpu", "rows", "submitters", "p10", "p50", "p90", "batch4",
                                 "xformers", "SDPA", "other", "survey", "survey_percentile",
                                 "bound", "efficiency")]
    body = []
    for row in table.itertuples(index=False):
        body.append([
            row.gpu, str(row.rows), str(row.submitters),
            *(_cell(v, 1, none) for v in (row.p10, row.p50, row.p90, row.batch4_median,
                                          row.xformers_median, row.sdpa_median, row.other_median,
                                          row.survey)),
            _cell(row.survey_percentile, 0, none),
            _cell(row.bound, 0, none),
            NoEscape(_cell(None if row.efficiency is None else row.efficiency * 100, 1, none)
                     + ("" if row.efficiency is None or pd.isna(row.efficiency) else r"\%")),
        ])
    return tabular(header, body, "l" + "r" * (len(header) - 1))
