"""The numbers of the section "since the survey", as LaTeX macros (``results/macros/since.tex``).

Read from the section's CSVs (``gpusurvey.reports.predictions``) and Table 6, so that the prose
never types a published, predicted or derived value. Names start with ``Since``; rounding is
half up, as everywhere in the paper. Which card and which software the prose names is decided
here from the data: for the comparison on the survey's own cards, the later software with the
highest median efficiency (``fastest_software``) and the survey's fastest card it was measured
on; for the predictions, the later software with the highest median efficiency among those
that may predict (``predicting_software``), each number with that software's own
leave-one-out error.
"""

from __future__ import annotations

import csv
import os
import re

import pandas as pd

from gpusurvey.core import atomic
from gpusurvey.core.errors import DataError
from gpusurvey.core.glossary import particle
from gpusurvey.core.rounding import fixed, trimmed
from gpusurvey.models import prediction as model
from gpusurvey.paper.macros import Macros
from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG
from gpusurvey.reports.predictions import SERIES, SURVEY, fastest_software, predicting_software

PREFIX = {SD_TXT2IMG: "SinceSd", LLM_DECODE: "SinceLlm"}


def _percent(fraction) -> str:
    return fixed(float(fraction) * 100, 0)


def _fixed(value, places: int) -> str:
    """``fixed`` of a pandas cell (a numpy float, whose repr is not a decimal)."""
    return fixed(float(value), places)


def _cite(frame: pd.DataFrame) -> str:
    """``\\cite`` of every source key in ``frame``'s ``sources`` column (empty for none)."""
    keys = [k for cell in frame["sources"].dropna() for k in str(cell).split(";") if k]
    return rf"\cite{{{','.join(dict.fromkeys(keys))}}}" if keys else ""


def _name(macros: Macros, name: str, text: str) -> None:
    """A name and, for the Korean edition, the name with each particle it takes as read aloud
    (``<name>Topic``: 은/는, ``<name>With``: 으로/로; ``gpusurvey.core.glossary.particle``)."""
    macros.text(name, text)
    macros.text(f"{name}Topic", text + particle(text, "topic"))
    macros.text(f"{name}With", text + particle(text, "with"))


def _loo(macros: Macros, name: str, rows: pd.DataFrame, software: str, path: str) -> None:
    """A group's leave-one-out median and maximum error and its number of cases."""
    if software not in rows.index or not rows.at[software, "n_cases"] > 0:
        raise DataError(path, f"no leave-one-out cases for {software}", column="software")
    macros.set(f"{name}Median", _percent(rows.at[software, "median_error"]))
    macros.set(f"{name}Max", _percent(rows.at[software, "max_error"]))
    macros.set(f"{name}Cases", str(int(rows.at[software, "n_cases"])))


def comparison_macros(macros: Macros, prefix: str, workload: str, points: pd.DataFrame, path: str) -> None:
    """The survey's value on its fastest card beside today's fastest software on it, and the
    spread of the efficiencies of the survey's and of the later software."""
    mine = points[points["workload"] == workload]
    best = fastest_software(points, workload)
    _name(macros, f"{prefix}BestSoftware", best)
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
    macros.set(f"{prefix}BestCite", _cite(later[later["gpu"] == card["gpu"]]))
    macros.set(f"{prefix}LaterCite", _cite(mine[mine["software"] != SURVEY]))
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


def prediction_macros(macros: Macros, prefix: str, workload: str, points: pd.DataFrame,
                      predicted: pd.DataFrame, summary: pd.DataFrame, path: str) -> None:
    """Which groups predict and which do not (and why), each group's own leave-one-out error,
    and the RTX 50 predictions of the software that predicts best, with its interval."""
    rows = summary[summary["workload"] == workload].set_index("software")
    pred = predicting_software(points, workload)
    _name(macros, f"{prefix}PredSoftware", pred)
    basis = points[(points["workload"] == workload) & (points["software"] == pred)]
    macros.set(f"{prefix}PredCite", _cite(basis))
    _loo(macros, f"{prefix}LooPred", rows, pred, path)
    _loo(macros, f"{prefix}LooSurvey", rows, SURVEY, path)
    macros.switch(f"{prefix}SurveyPredicts", bool(rows.at[SURVEY, "predicts"]))
    rho = rows.at[SURVEY, "rank_correlation"]
    macros.set(f"{prefix}SurveyRank", "--" if pd.isna(rho) else _fixed(rho, 2))
    untestable = [s for s in rows.index if not rows.at[s, "testable"]]
    _name(macros, f"{prefix}Untestable", ", ".join(sorted(untestable)) or "--")
    macros.set(f"{prefix}UntestableCount", str(len(untestable)))

    ahead = predicted[(predicted["workload"] == workload) & (predicted["software"] == pred)
                      & (predicted["series"] == SERIES) & predicted["predicted"].notna()]
    if ahead.empty:
        raise DataError(path, f"no {SERIES} prediction for {workload} with {pred}", column="predicted")
    macros.switch(f"{prefix}PredPooled", (ahead["interval_from"] == "pooled").any())
    macros.set(f"{prefix}PredIntervalCases", str(int(ahead["interval_cases"].iloc[0])))
    top = ahead.loc[ahead["predicted"].idxmax()]
    macros.text(f"{prefix}TopPredictedGpu", top["gpu"])
    macros.set(f"{prefix}TopPredicted", _fixed(top["predicted"], 0))
    macros.set(f"{prefix}TopPredictedLow", _fixed(top["predicted_low"], 0))
    macros.set(f"{prefix}TopPredictedHigh", _fixed(top["predicted_high"], 0))
    value = ahead.loc[ahead["value_per_dollar"].idxmax()]
    macros.text(f"{prefix}BestValueGpu", value["gpu"])
    macros.set(f"{prefix}BestValuePerDollar", _fixed(value["value_per_dollar"], 3))
    macros.set(f"{prefix}BestValuePredicted", _fixed(value["predicted"], 0))
    macros.set(f"{prefix}BestValuePredictedLow", _fixed(value["predicted_low"], 0))
    macros.set(f"{prefix}BestValuePredictedHigh", _fixed(value["predicted_high"], 0))
    macros.set(f"{prefix}PredictedCards", str(ahead["gpu"].nunique()))
    unknown = predicted[(predicted["workload"] == workload) & (predicted["series"] == SERIES)
                        & (predicted["reason"] == model.NO_BOUND)]["gpu"].unique()
    macros.set(f"{prefix}UnknownCount", str(len(unknown)))


def write_since_macros(out: str | os.PathLike, *, points: str | os.PathLike, predicted: str | os.PathLike,
                       loo_summary: str | os.PathLike, table6: str | os.PathLike,
                       bibliography: str | os.PathLike) -> None:
    """``since.tex``: every number the section quotes, and ``\\SinceNoCite``, the ``\\nocite`` of
    every entry of ``bibliography`` (``results/paper/literature.bib``), so that the papers'
    bibliography lists every source of ``data/literature.csv``, compared or not."""
    pts, pred, summary = pd.read_csv(points), pd.read_csv(predicted), pd.read_csv(loo_summary)
    macros = Macros()
    for workload, prefix in PREFIX.items():
        comparison_macros(macros, prefix, workload, pts, str(points))
        prediction_macros(macros, prefix, workload, pts, pred, summary, str(loo_summary))
    macros.set("SinceMinCards", str(model.MIN_CARDS))
    macros.set("SinceMinBounds", str(model.MIN_BOUNDS))
    macros.set("SinceMinRank", fixed(model.MIN_RANK_CORRELATION, 1))
    macros.set("SinceMinOwnCases", str(model.MIN_OWN_CASES))
    with open(table6, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh), [])
    if not header or header[0] != "field":
        raise DataError(table6, "expected a header starting with 'field'", line=1)
    macros.set("SinceSeriesCount", str(len(header) - 1))
    eight = pred[(pred["workload"] == LLM_DECODE) & pred["weights_share_of_memory"].notna()]
    share = eight.groupby("gpu")["weights_share_of_memory"].first()
    macros.set("SinceWeightsShareMax", _percent(share.max()))
    with open(bibliography, encoding="utf-8") as fh:
        keys = re.findall(r"^@misc\{(\w+),", fh.read(), flags=re.M)
    macros.set("SinceNoCite", rf"\nocite{{{','.join(keys)}}}" if keys else "")
    atomic.write_text(out, macros.render())
