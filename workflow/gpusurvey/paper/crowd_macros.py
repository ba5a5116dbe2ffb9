"""The numbers of the section "What thousands of users measured" (``results/macros/crowd.tex``)
and its software fragment (``results/crowd/software.{ko,en}.tex``).

Read from the crowd's rows and Table 7 (``gpusurvey.reports.crowd_stats`` works them out), so
the prose never types a number. Names start with ``Crowd``; rounding is half up. Which card
the prose names is decided here from the data: the card with the most submitters.
"""

from __future__ import annotations

import os

import pandas as pd
from pylatex.utils import NoEscape

from gpusurvey.core import atomic
from gpusurvey.core.errors import DataError
from gpusurvey.core.rounding import fixed, trimmed
from gpusurvey.inputs.crowd import KEPT
from gpusurvey.paper.macros import Macros
from gpusurvey.registry import SD_TXT2IMG
from gpusurvey.reports import crowd_stats
from gpusurvey.reports.crowd_points import CROWD
from gpusurvey.reports.latex_tables import tabular
from gpusurvey.reports.predictions import SERIES

RATIO_CARDS = ("RTX 4090", "RTX 3060")
"""The fastest and the baseline card of the survey, whose speed ratio the section compares."""

WORDS = {
    "ko": {"gpu": "GPU", "torch": "PyTorch 1.x / 2.x", "attention": "xformers / SDPA",
           "n": "제출자", "ratio": "비"},
    "en": {"gpu": "GPU", "torch": "PyTorch 1.x / 2.x", "attention": "xformers / SDPA",
           "n": "submitters", "ratio": "ratio"},
}


def _f(value, places: int) -> str:
    return fixed(float(value), places)


def _pct(fraction) -> str:
    return fixed(float(fraction) * 100, 0)


def _card(table7: pd.DataFrame, gpu: str, path: str) -> pd.Series:
    found = table7[table7["gpu"] == gpu]
    if found.empty:
        raise DataError(path, f"card '{gpu}' is not in Table 7; expected it among the crowd's cards",
                        column="gpu")
    return found.iloc[0]


def counts_macros(macros: Macros, rows: pd.DataFrame, table7: pd.DataFrame, survey_cards: int,
                  min_submitters: int) -> None:
    kept = rows[rows["status"] == KEPT]
    macros.set("CrowdRows", f"{len(rows):,}")
    macros.set("CrowdDumps", str(rows["dump"].nunique()))
    macros.set("CrowdKept", f"{len(kept):,}")
    macros.set("CrowdDropped", f"{len(rows) - len(kept):,}")
    macros.set("CrowdSubmitters", f"{kept['submitter'].nunique():,}")
    macros.set("CrowdKeptCards", str(kept["gpu"].nunique()))
    times = pd.to_datetime(rows["time"], utc=True, errors="coerce").dropna()
    macros.set("CrowdFirstDate", times.min().strftime("%Y-%m-%d"))
    macros.set("CrowdLastDate", times.max().strftime("%Y-%m-%d"))
    macros.set("CrowdCards", str(len(table7)))
    macros.set("CrowdFewestSubmitters", str(int(table7["submitters"].min())))
    macros.set("CrowdMinSubmitters", str(min_submitters))
    macros.set("CrowdSurveyCards", str(int(table7["survey"].notna().sum())))
    macros.set("CrowdSurveyTotal", str(survey_cards))
    reasons = rows.loc[rows["status"] != KEPT, "reason"].value_counts()
    for reason, name in (("not NVIDIA", "NotNvidia"), ("laptop GPU", "Laptop"),
                         ("card not in data/gpus.csv", "UnknownCard"), ("medvram/lowvram", "LowMemory"),
                         ("SD 2.x/XL/768 checkpoint", "LaterModel"), ("repeated id", "Repeated")):
        macros.set(f"CrowdDrop{name}", str(int(reasons.get(reason, 0))))


def survey_macros(macros: Macros, rows: pd.DataFrame, table7: pd.DataFrame, path: str) -> None:
    top = table7.loc[table7["submitters"].idxmax()]
    macros.text("CrowdTopGpu", top["gpu"])
    macros.set("CrowdTopSubmitters", str(int(top["submitters"])))
    macros.set("CrowdTopRows", f"{int(top['rows']):,}")
    for name, column in (("PTen", "p10"), ("Median", "p50"), ("PNinety", "p90")):
        macros.set(f"CrowdTop{name}", _f(top[column], 1))
    macros.set("CrowdTopBound", _f(top["bound"], 0))
    against = crowd_stats.survey_against_crowd(rows, table7)
    if against.empty:
        raise DataError(path, "no card of the survey's Table 3 in Table 7", column="survey")
    mine = against[against["gpu"] == top["gpu"]]
    if mine.empty:
        raise DataError(path, f"the survey printed no value for {top['gpu']}", column="survey")
    first = mine.iloc[0]
    macros.set("CrowdTopSurvey", _f(first["survey"], 1))
    macros.set("CrowdTopSurveyPercentile", _f(first["survey_percentile"], 0))
    macros.set("CrowdTopOverheadMs", _f(first["overhead_s"] * 1000, 0))
    macros.set("CrowdTopOverheadCallMs", _f(first["overhead_s"] * 1000 * 20, 0))
    macros.set("CrowdTopConverted", _f(first["converted"], 1))
    macros.set("CrowdTopConvertedPercentile", _f(first["converted_percentile"], 0))
    macros.set("CrowdSurveyPercentileMin", _f(against["survey_percentile"].min(), 0))
    macros.set("CrowdSurveyPercentileMax", _f(against["survey_percentile"].max(), 0))
    macros.set("CrowdSurveyPercentileMedian", _f(against["survey_percentile"].median(), 0))
    macros.set("CrowdSurveyAboveMedian", str(int((against["survey_percentile"] > 50).sum())))
    macros.set("CrowdConvertedPercentileMin", _f(against["converted_percentile"].min(), 0))
    macros.set("CrowdConvertedPercentileMax", _f(against["converted_percentile"].max(), 0))
    macros.set("CrowdConvertedPercentileMedian", _f(against["converted_percentile"].median(), 0))
    macros.set("CrowdConvertedWithin", str(int(against["within_p10_p90"].sum())))
    macros.set("CrowdOverheadMinMs", _f(against["overhead_s"].min() * 1000, 0))
    macros.set("CrowdOverheadMaxMs", _f(against["overhead_s"].max() * 1000, 0))
    both = table7[table7["survey"].notna()]
    macros.set("CrowdSpearman", _f(crowd_stats.spearman(both["p50"], both["survey"]), 2))
    macros.set("CrowdSpearmanCards", str(len(both)))
    fast, base = (_card(table7, gpu, path) for gpu in RATIO_CARDS)
    macros.text("CrowdRatioFastGpu", fast["gpu"])
    macros.text("CrowdRatioBaseGpu", base["gpu"])
    macros.set("CrowdRatioCrowd", trimmed(float(fast["p50"] / base["p50"]), 1))
    macros.set("CrowdRatioSurvey", trimmed(float(fast["survey"] / base["survey"]), 1))


def group_macros(macros: Macros, name: str, groups: pd.DataFrame,
                 sides: tuple[str, str]) -> None:
    macros.set(f"Crowd{name}Cards", str(len(groups)))
    macros.set(f"Crowd{name}MinSubmitters", str(crowd_stats.MIN_GROUP))
    macros.switch(f"Crowd{name}Compared", not groups.empty)
    if groups.empty:
        return
    top = groups.loc[(groups[f"n_{sides[0]}"] + groups[f"n_{sides[1]}"]).idxmax()]
    macros.text(f"Crowd{name}Gpu", top["gpu"])
    for label, side in zip(("First", "Second"), sides, strict=True):
        macros.set(f"Crowd{name}{label}", _f(top[f"median_{side}"], 1))
        macros.set(f"Crowd{name}{label}Submitters", str(int(top[f"n_{side}"])))
    macros.set(f"Crowd{name}Change", _f((top["ratio"] - 1) * 100, 0))
    macros.set(f"Crowd{name}ChangeMin", _f((groups["ratio"].min() - 1) * 100, 0))
    macros.set(f"Crowd{name}ChangeMax", _f((groups["ratio"].max() - 1) * 100, 0))


def efficiency_macros(macros: Macros, rows: pd.DataFrame, table7: pd.DataFrame) -> None:
    spread = crowd_stats.efficiency_spread(rows, table7)
    low, high = spread.loc[spread["eff_p50"].idxmin()], spread.loc[spread["eff_p50"].idxmax()]
    macros.set("CrowdEffMin", _pct(low["eff_p50"]))
    macros.text("CrowdEffMinGpu", low["gpu"])
    macros.set("CrowdEffMax", _pct(high["eff_p50"]))
    macros.text("CrowdEffMaxGpu", high["gpu"])
    macros.set("CrowdEffMedian", _pct(spread["eff_p50"].median()))
    macros.set("CrowdEffPTenMin", _pct(spread["eff_p10"].min()))
    macros.set("CrowdEffPNinetyMax", _pct(spread["eff_p90"].max()))
    macros.set("CrowdEffSpreadMedian", trimmed(float((spread["eff_p90"] / spread["eff_p10"]).median()), 1))
    top = spread.loc[spread["gpu"] == table7.loc[table7["submitters"].idxmax(), "gpu"]].iloc[0]
    macros.set("CrowdTopEffPTen", _pct(top["eff_p10"]))
    macros.set("CrowdTopEffMedian", _pct(top["eff_p50"]))
    macros.set("CrowdTopEffPNinety", _pct(top["eff_p90"]))


def prediction_macros(macros: Macros, rows: pd.DataFrame, table7: pd.DataFrame, loo_summary: pd.DataFrame,
                      predicted: pd.DataFrame, path: str) -> None:
    r"""The crowd as a software group of the predictions: its leave-one-out error, its RTX 50
    prediction with the interval the predictions table prints (from the group's own leave-one-out
    errors, or all groups' where it has too few cases: ``\ifCrowdIntervalOwn``) and, beside it,
    the spread of single submitters (their pooled P10 to P90)."""
    mine = loo_summary[(loo_summary["workload"] == SD_TXT2IMG) & (loo_summary["software"] == CROWD)]
    if mine.empty:
        raise DataError(path, "no leave-one-out summary of the crowd group", column="software")
    macros.set("CrowdLooMedian", _pct(mine["median_error"].iloc[0]))
    macros.set("CrowdLooMax", _pct(mine["max_error"].iloc[0]))
    macros.set("CrowdLooCards", str(int(mine["n_cards"].iloc[0])))
    ahead = predicted[(predicted["workload"] == SD_TXT2IMG) & (predicted["software"] == CROWD)
                      & (predicted["series"] == SERIES) & predicted["predicted"].notna()]
    if ahead.empty:
        raise DataError(path, f"no {SERIES} prediction of the crowd group", column="predicted")
    top = ahead.loc[ahead["bound"].idxmax()]
    macros.text("CrowdPredictedGpu", top["gpu"])
    macros.set("CrowdPredicted", _f(top["predicted"], 1))
    macros.set("CrowdPredictedLow", _f(top["predicted_low"], 1))
    macros.set("CrowdPredictedHigh", _f(top["predicted_high"], 1))
    macros.switch("CrowdIntervalOwn", top["interval_from"] == "own")
    macros.set("CrowdIntervalCases", str(int(top["interval_cases"])))
    pooled = crowd_stats.pooled_efficiency(rows, table7)
    macros.set("CrowdPoolEffPTen", _pct(pooled[0]))
    macros.set("CrowdPoolEffPNinety", _pct(pooled[1]))
    macros.set("CrowdPoolPredictedLow", _f(top["bound"] * pooled[0], 1))
    macros.set("CrowdPoolPredictedHigh", _f(top["bound"] * pooled[1], 1))


def software_fragment(torch: pd.DataFrame, attention: pd.DataFrame, lang: str) -> str:
    """Per card with enough submitters on both sides: the median of each side and the ratio."""
    words = WORDS[lang]
    parts = []
    for frame, sides, label in ((torch, ("1.x", "2.x"), words["torch"]),
                                (attention, ("xformers", "SDPA"), words["attention"])):
        body = [[row["gpu"], f"{int(row[f'n_{sides[0]}'])} / {int(row[f'n_{sides[1]}'])}",
                 f"{_f(row[f'median_{sides[0]}'], 1)} / {_f(row[f'median_{sides[1]}'], 1)}",
                 NoEscape(_f(row["ratio"], 2))] for _, row in frame.iterrows()]
        parts.append(tabular([words["gpu"], words["n"], f"{label} (it/s)", words["ratio"]], body, "lrrr"))
    return "\\par\\medskip\n".join(parts)


def write_crowd_macros(out: str | os.PathLike, fragments: dict[str, str | os.PathLike], *,
                       rows: str | os.PathLike, table7: str | os.PathLike, table3: str | os.PathLike,
                       loo_summary: str | os.PathLike, predictions: str | os.PathLike,
                       min_submitters: int) -> None:
    """``crowd.tex`` and the software fragment per language (``fragments``: lang -> path)."""
    frame = pd.read_csv(rows, low_memory=False)
    cards = pd.read_csv(table7)
    survey_cards = len(pd.read_csv(table3))
    kept = frame[frame["status"] == KEPT]
    macros = Macros()
    counts_macros(macros, frame, cards, survey_cards, min_submitters)
    survey_macros(macros, frame, cards, str(table7))
    torch, attention = crowd_stats.torch_groups(kept), crowd_stats.attention_groups(kept)
    group_macros(macros, "Torch", torch, ("1.x", "2.x"))
    group_macros(macros, "Attention", attention, ("xformers", "SDPA"))
    efficiency_macros(macros, frame, cards)
    prediction_macros(macros, frame, cards, pd.read_csv(loo_summary), pd.read_csv(predictions),
                      str(loo_summary))
    texts = {lang: software_fragment(torch, attention, lang) for lang in fragments}
    atomic.write_text(out, macros.render())
    for lang, path in fragments.items():
        atomic.write_text(path, texts[lang])
