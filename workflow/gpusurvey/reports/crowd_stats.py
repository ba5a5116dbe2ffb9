"""What the crowd says, worked out from its kept rows (``results/crowd/rows.csv``) and Table 7.

**The per-call overhead.** A crowd row's rate at batch ``b`` is ``steps x b / T_b``, ``T_b``
the wall time of the whole txt2img call. The model: ``T_b = c + steps x b / r``, a fixed cost
``c`` per call (text encoder, VAE decode, the web UI) and a sampler rate ``r`` in image steps
per second that does not depend on the batch. Divided by the steps, ``b / rate_b = c / steps
+ b / r``: a straight line in ``b`` whose intercept ``o = c / steps`` is the overhead per step
of the call and whose slope is ``1 / r``. Each row with rates at batch 1, 2 and 4 gets its own
least-squares line; a card's overhead is the median over its submitters of each submitter's
median ``o``. The survey's sampler rate ``R`` (100 steps, the sampler alone) then becomes what
the crowd's benchmark would report on the same card: ``1 / (o + 1 / R)``.

**Groups.** The crowd's batch-1 rate of one card by torch major version (1.x, 2.x) and by
attention (xformers, SDPA), one vote per submitter, compared only where each side has at least
``MIN_GROUP`` submitters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gpusurvey.inputs.crowd import KEPT
from gpusurvey.reports.crowd_table import percentile_of

FIT_BATCHES = (1, 2, 4)
MIN_GROUP = 20
"""Submitters each side of a software comparison needs on one card."""


def overhead_per_row(kept: pd.DataFrame) -> pd.DataFrame:
    """Per row with positive rates at batch 1, 2 and 4: the intercept ``overhead_s`` (seconds
    per step of the call) and the slope's rate ``sampler_rate`` of ``b / rate_b`` against b."""
    rates = kept[[f"rate_b{b}" for b in FIT_BATCHES]].to_numpy(dtype=float)
    ok = np.all(np.isfinite(rates) & (rates > 0), axis=1)
    x = np.array(FIT_BATCHES, dtype=float)
    y = x / rates[ok]
    xc = x - x.mean()
    slope = (y - y.mean(axis=1, keepdims=True)) @ xc / (xc @ xc)
    intercept = y.mean(axis=1) - slope * x.mean()
    frame = kept.loc[ok, ["gpu", "submitter"]].copy()
    frame["overhead_s"] = intercept
    frame["sampler_rate"] = np.where(slope > 0, 1 / np.where(slope > 0, slope, 1), np.nan)
    return frame


def card_overhead(kept: pd.DataFrame) -> pd.Series:
    """Each card's overhead per step (seconds): the median of its submitters' medians."""
    fits = overhead_per_row(kept)
    return fits.groupby(["gpu", "submitter"])["overhead_s"].median().groupby(level="gpu").median()


def converted(survey_rate: float, overhead_s: float) -> float:
    """The survey's sampler rate as the crowd's benchmark would report it (see the module)."""
    return 1 / (overhead_s + 1 / survey_rate)


def survey_against_crowd(rows: pd.DataFrame, table7: pd.DataFrame) -> pd.DataFrame:
    """For each Table 7 card the survey printed: its value and percentile as printed, the
    overhead, the converted value and its percentile among the crowd's votes."""
    kept = rows[rows["status"] == KEPT]
    overhead = card_overhead(kept)
    votes = kept.groupby(["gpu", "submitter"])["rate_b1"].median()
    out = []
    for row in table7[table7["survey"].notna()].itertuples(index=False):
        values = votes.loc[row.gpu].to_numpy(dtype=float)
        o = float(overhead.get(row.gpu, np.nan))
        conv = converted(row.survey, o) if np.isfinite(o) else np.nan
        out.append({"gpu": row.gpu, "survey": row.survey, "crowd_median": row.p50,
                    "survey_percentile": row.survey_percentile, "overhead_s": o, "converted": conv,
                    "converted_percentile": percentile_of(values, conv) if np.isfinite(conv) else np.nan,
                    "within_p10_p90": bool(row.p10 <= conv <= row.p90) if np.isfinite(conv) else False})
    return pd.DataFrame(out)


def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    return float(a.rank().corr(b.rank()))


def group_medians(kept: pd.DataFrame, column: str, sides: tuple, min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Per card where each of ``sides`` (values of ``column``) has ``min_group`` submitters: the
    median of the submitters' medians on each side, their counts and the ratio second/first."""
    out = []
    mine = kept[kept[column].isin(sides)]
    for gpu, part in mine.groupby("gpu"):
        votes = part.groupby([column, "submitter"])["rate_b1"].median()
        counts = {side: int((votes.index.get_level_values(0) == side).sum()) for side in sides}
        if min(counts.values()) < min_group:
            continue
        medians = {side: float(votes.loc[side].median()) for side in sides}
        out.append({"gpu": gpu, **{f"n_{s}": counts[s] for s in sides},
                    **{f"median_{s}": medians[s] for s in sides},
                    "ratio": medians[sides[1]] / medians[sides[0]]})
    return pd.DataFrame(out)


def torch_groups(kept: pd.DataFrame) -> pd.DataFrame:
    frame = kept.assign(torch_line=kept["torch_major"].map({1: "1.x", 2: "2.x"}))
    return group_medians(frame, "torch_line", ("1.x", "2.x"))


def attention_groups(kept: pd.DataFrame) -> pd.DataFrame:
    return group_medians(kept, "attention_group", ("xformers", "SDPA"))


def efficiency_spread(rows: pd.DataFrame, table7: pd.DataFrame) -> pd.DataFrame:
    """Per Table 7 card: the efficiency of its submitters' votes at P10, median and P90."""
    kept = rows[rows["status"] == KEPT]
    votes = kept.groupby(["gpu", "submitter"])["rate_b1"].median()
    out = []
    for row in table7[table7["bound"].notna()].itertuples(index=False):
        eff = votes.loc[row.gpu].to_numpy(dtype=float) / row.bound
        p10, p50, p90 = np.percentile(eff, [10, 50, 90])
        out.append({"gpu": row.gpu, "bound": row.bound, "eff_p10": p10, "eff_p50": p50, "eff_p90": p90})
    return pd.DataFrame(out)


def pooled_efficiency(rows: pd.DataFrame, table7: pd.DataFrame) -> tuple[float, float]:
    """The 10th and 90th percentile of every Table 7 submitter's efficiency (their median over
    the card's bound), all cards pooled: what one user's card may reach around a prediction."""
    kept = rows[rows["status"] == KEPT]
    votes = kept.groupby(["gpu", "submitter"])["rate_b1"].median().reset_index()
    bounds = table7.set_index("gpu")["bound"]
    mine = votes[votes["gpu"].isin(bounds.index)]
    eff = (mine["rate_b1"] / mine["gpu"].map(bounds)).to_numpy(dtype=float)
    p10, p90 = np.percentile(eff, [10, 90])
    return float(p10), float(p90)
