"""The section "Since the survey" written out: its points, predictions and leave-one-out CSVs and
their LaTeX fragments, from the data files (``gpusurvey.reports.predictions`` builds the frames,
``gpusurvey.reports.prediction_fragments`` the fragments)."""

from __future__ import annotations

import os

from gpusurvey.core import atomic
from gpusurvey.models import prediction as model
from gpusurvey.models.prediction import Point
from gpusurvey.registry import LANGS
from gpusurvey.reports import prediction_fragments as fragments
from gpusurvey.reports.crowd_points import crowd_points
from gpusurvey.reports.predictions import (
    card_bound,
    load_inputs,
    loo_frame,
    loo_summary_frame,
    measured_points,
    points_frame,
    predictions,
    predictions_frame,
)


def write_since_survey(gpus_path, literature_path, published_paths: dict[str, str | os.PathLike],
                       outputs: dict[str, str | os.PathLike], crowd: str | os.PathLike | None = None) -> None:
    """Every output of the section: ``points``, ``predictions``, ``loo`` and ``loo_summary`` CSVs,
    and the ``comparison``, ``predictions`` and ``loo`` fragments per language (``<name>_<lang>``).
    ``crowd`` (Table 7's CSV) adds the crowd's points as a software group of their own
    (``gpusurvey.reports.crowd_points``). All inputs are read and checked before the first file
    is written."""
    gpus, published, literature = load_inputs(gpus_path, literature_path, published_paths)
    points = measured_points(gpus, published, literature)
    if crowd is not None:
        points += crowd_points(crowd, gpus, Point, card_bound)
    preds = predictions(points, gpus, published)
    cases = model.leave_one_out(points)
    summary = loo_summary_frame(points, cases)
    texts = {
        "points": points_frame(points, gpus, literature).to_csv(index=False, lineterminator="\n"),
        "predictions": predictions_frame(preds, gpus).to_csv(index=False, lineterminator="\n"),
        "loo": loo_frame(cases).to_csv(index=False, lineterminator="\n"),
        "loo_summary": summary.to_csv(index=False, lineterminator="\n"),
    }
    for lang in LANGS:
        texts[f"comparison_{lang}"] = fragments.comparison_fragment(points, lang, literature)
        texts[f"predictions_{lang}"] = fragments.predictions_fragment(preds, gpus, lang)
        texts[f"loo_{lang}"] = fragments.loo_fragment(summary, lang)
    for name, text in texts.items():
        atomic.write_text(outputs[name], text)
