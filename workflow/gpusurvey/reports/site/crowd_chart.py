"""The crowd's figure (``reports.crowd_figure``) as an interactive chart: for every card of
Table 7, each submitter's median batch-1 rate as a point (spread sideways so that none hides
another), its box (quartiles, whiskers at the 10th and 90th percentiles, the median marked), on a
log scale, cards by their compute bound, the bound and the survey's Table 3 value marked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gpusurvey.reports import crowd_figure, plotting
from gpusurvey.reports.site.charts import hover, plot, points


def distributions(votes: pd.DataFrame, table7: pd.DataFrame, lang: str):
    """The chart from ``results/crowd/votes.csv`` and Table 7's CSV."""
    from bokeh.models import ColumnDataSource, Whisker
    from bokeh.transform import jitter

    words = crowd_figure.TEXT[lang]
    cards = table7.sort_values(["bound", "gpu"], ascending=[True, True])
    names = list(cards["gpu"])
    mine = votes[votes["gpu"].isin(names) & votes["rate_b1"].notna()]
    p = plot(words["cards"], words["rate"], height=420, x_range=names, y_axis_type="log")
    p.xaxis.major_label_orientation = 0.9
    src = points(mine.assign(x=0.0), "x", "rate_b1", "crowd", lang, lambda r: r["submitter"],
                 [f"{v:g}" for v in mine["rate_b1"]])
    src.data["card"] = list(mine["gpu"])
    spread_x = jitter("card", width=2 * crowd_figure.JITTER, range=p.x_range)
    renderers = [p.scatter(x=spread_x, y="y", size=4, color=crowd_figure.POINT_COLOR, alpha=0.55, source=src,
                           legend_label=words["votes"])]
    spread = [np.percentile(mine.loc[mine["gpu"] == g, "rate_b1"], [10, 25, 50, 75, 90]) for g in names]
    boxes = ColumnDataSource({"card": names, **{k: [float(s[i]) for s in spread]
                                                for i, k in enumerate(("p10", "q1", "median", "q3", "p90"))}})
    p.vbar(x="card", bottom="q1", top="q3", width=0.62, fill_color=None, line_color="black", source=boxes)
    p.add_layout(Whisker(source=boxes, base="card", lower="p10", upper="p90", line_color="black"))
    p.scatter(x="card", y="median", marker="dash", size=22, line_width=2, color=plotting.PUBLISHED_COLOR,
              source=boxes)
    bound = points(cards.assign(x=0.0), "x", "bound", "predicted", lang, lambda r: words["bound"],
                   [f"{v:g}" for v in cards["bound"]])
    bound.data["card"] = names
    renderers.append(p.scatter(x="card", y="y", marker="dash", size=26, line_width=3, source=bound,
                               color=plotting.BASELINE_COLOR, legend_label=words["bound"]))
    surveyed = cards[cards["survey"].notna()]
    survey = points(surveyed.assign(x=0.0), "x", "survey", "published", lang, lambda r: words["survey"])
    survey.data["card"] = list(surveyed["gpu"])
    renderers.append(p.scatter(x="card", y="y", marker="diamond", size=11, color=plotting.MEASURED_COLOR,
                               line_color="black", source=survey, legend_label=words["survey"]))
    hover(p, renderers, lang)
    return p
