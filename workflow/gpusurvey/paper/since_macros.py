"""The numbers of the section "since the survey", as LaTeX macros (``results/macros/since.tex``).

Read from the section's CSVs (``gpusurvey.reports.predictions``) and Table 6, so that the prose
never types a published, predicted or derived value. Names start with ``Since``; rounding is
half up, as everywhere in the paper. Which card and which software the prose names is decided
here from the data: the survey's fastest card that today's fastest software was measured on,
and that software (``best_software``).
"""

from __future__ import annotations

import csv
import os

import pandas as pd

from gpusurvey.core import atomic
from gpusurvey.core.errors import DataError
from gpusurvey.core.rounding import fixed, trimmed
from gpusurvey.paper.macros import Macros
from gpusurvey.reports.predictions import SERIES, SURVEY, best_software

PREFIX = {"sd-txt2img": "SinceSd", "llm-decode": "SinceLlm"}


def _percent(fraction) -> str:
    return fixed(float(fraction) * 100, 0)


def _fixed(value, places: int) -> str:
    """``fixed`` of a pandas cell (a numpy float, whose repr is not a decimal)."""
    return fixed(float(value), places)


def workload_macros(macros: Macros, prefix: str, workload: str, points: pd.DataFrame,
                    predicted: pd.DataFrame, summary: pd.DataFrame, path: str) -> None:
    """The survey's value on its fastest card beside today's fastest software on it, the spread
    of that software's efficiencies, the leave-one-out errors and the RTX 50 predictions."""
    mine = points[points["workload"] == workload]
    best = best_software(points, workload)
    macros.text(f"{prefix}BestSoftware", best)
    later = mine[mine["software"] == best]
    survey = mine[(mine["software"] == SURVEY) & mine["gpu"].isin(later["gpu"])]
    if survey.empty:
        raise DataError(path, f"no card of the survey's {workload} table was measured with {best}",
                        column="gpu")
    card = survey.loc[survey["value"].idxmax()]
    today = later[later["gpu"] == card["gpu"]].iloc[0]
    macros.text(f"{prefix}Card", card["gpu"])
    macros.set(f"{prefix}SurveyValue", f"{card['value']:g}")
    macros.set(f"{prefix}SurveyEfficiency", _percent(card["efficiency"]))
    macros.set(f"{prefix}BestValue", f"{today['value']:g}")
    macros.set(f"{prefix}BestEfficiency", _percent(today["efficiency"]))
    macros.set(f"{prefix}Gain", trimmed(float(today["value"] / card["value"]), 1))
    macros.set(f"{prefix}Bound", _fixed(card["bound"], 0))
    macros.set(f"{prefix}BestCards", str(later["gpu"].nunique()))
    others = mine[mine["software"] != SURVEY]
    macros.set(f"{prefix}LaterEfficiencyMin", _percent(others["efficiency"].min()))
    macros.set(f"{prefix}LaterEfficiencyMax", _percent(others["efficiency"].max()))
    macros.set(f"{prefix}SoftwareCount", str(others["software"].nunique()))
    surveyed = mine[mine["software"] == SURVEY]
    macros.set(f"{prefix}SurveyEfficiencyMin", _percent(surveyed["efficiency"].min()))
    macros.set(f"{prefix}SurveyEfficiencyMax", _percent(surveyed["efficiency"].max()))

    rows = summary[summary["workload"] == workload].set_index("software")
    for software, label in (("all", "All"), (SURVEY, "Survey"), (best, "Best")):
        if software not in rows.index:
            raise DataError(path, f"no leave-one-out summary for {workload} / {software}", column="software")
        macros.set(f"{prefix}Loo{label}Median", _percent(rows.at[software, "median_error"]))
        macros.set(f"{prefix}Loo{label}Max", _percent(rows.at[software, "max_error"]))
        macros.set(f"{prefix}Loo{label}Cards", str(int(rows.at[software, "n_cards"])))

    ahead = predicted[(predicted["workload"] == workload) & (predicted["software"] == best)
                      & (predicted["series"] == SERIES) & predicted["predicted"].notna()]
    if ahead.empty:
        raise DataError(path, f"no {SERIES} prediction for {workload} with {best}", column="predicted")
    top = ahead.loc[ahead["predicted"].idxmax()]
    macros.text(f"{prefix}TopPredictedGpu", top["gpu"])
    macros.set(f"{prefix}TopPredicted", _fixed(top["predicted"], 0))
    macros.set(f"{prefix}TopPredictedLow", _fixed(top["predicted_low"], 0))
    macros.set(f"{prefix}TopPredictedHigh", _fixed(top["predicted_high"], 0))
    value = ahead.loc[ahead["value_per_dollar"].idxmax()]
    macros.text(f"{prefix}BestValueGpu", value["gpu"])
    macros.set(f"{prefix}BestValuePerDollar", _fixed(value["value_per_dollar"], 3))
    macros.set(f"{prefix}BestValuePredicted", _fixed(value["predicted"], 0))
    macros.set(f"{prefix}PredictedCards", str(ahead["gpu"].nunique()))
    unknown = predicted[(predicted["workload"] == workload) & (predicted["series"] == SERIES)
                        & predicted["predicted"].isna()]["gpu"].unique()
    macros.set(f"{prefix}UnknownCount", str(len(unknown)))


def write_since_macros(out: str | os.PathLike, *, points: str | os.PathLike, predicted: str | os.PathLike,
                       loo_summary: str | os.PathLike, table6: str | os.PathLike) -> None:
    """``since.tex``: every number the section quotes."""
    pts, pred, summary = pd.read_csv(points), pd.read_csv(predicted), pd.read_csv(loo_summary)
    macros = Macros()
    for workload, prefix in PREFIX.items():
        workload_macros(macros, prefix, workload, pts, pred, summary, str(points))
    with open(table6, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh), [])
    if not header or header[0] != "field":
        raise DataError(table6, "expected a header starting with 'field'", line=1)
    macros.set("SinceSeriesCount", str(len(header) - 1))
    eight = pred[(pred["workload"] == "llm-decode") & pred["weights_share_of_memory"].notna()]
    share = eight.groupby("gpu")["weights_share_of_memory"].first()
    macros.set("SinceWeightsShareMax", _percent(share.max()))
    macros.set("SinceLooCards", str(int(summary[summary["software"] == "all"]["n_cards"].sum())))
    atomic.write_text(out, macros.render())
