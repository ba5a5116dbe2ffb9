"""What fits, precomputed for the page: for every card of ``data/gpus.csv``, every model of
``data/models.csv``, every weight format and a few context lengths, the answer ``gpusurvey fit``
gives (``reports.fit.plan``, the same models and data): the memory breakdown, whether it fits
with the headroom kept free and by how much, the decode bound and the predicted speed with its
interval and software. The page looks an answer up; it computes nothing.

Numbers are kept as ``gpusurvey fit`` prints them (GB of 10^9 bytes to 2 decimals, tokens/s to
1), in flat arrays indexed by ``((card x models + model) x formats + format) x contexts +
context``; the memory breakdown, which does not depend on the card, by ``(model x formats +
format) x contexts + context``. The file is JSON (``results/fit/answers.json``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from gpusurvey.core import atomic
from gpusurvey.models.memory import FORMAT_LABELS, MEMORY_FORMATS
from gpusurvey.reports.fit import GIB, DataPaths, FitData, load_fit_data, plan

GB = 1e9
TERMS = ("weights", "kv_cache", "scratch", "runtime", "total")


def _gb(value: float) -> float:
    return round(value / GB, 2)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def fit_answers(data: FitData, contexts: Sequence[int], headroom_gib: float) -> dict:
    """Every answer, as described in the module's docstring."""
    if not contexts or any(int(c) <= 0 for c in contexts):
        raise ValueError(f"site.fit_contexts: {list(contexts)}; expected positive numbers of tokens")
    cards, models = list(data.gpus.table.index), list(data.models.values())
    software: list[str] = []
    memory: dict[str, list[float]] = {term: [] for term in TERMS}
    out: dict[str, list] = {k: [] for k in ("fits", "spare", "bound", "predicted", "low", "high", "software")}
    for c, gpu in enumerate(cards):
        for model in models:
            for fmt in MEMORY_FORMATS:
                for context in contexts:
                    fit = plan(data, gpu, model, fmt, int(context), headroom_gib)
                    if c == 0:
                        for term in TERMS:
                            memory[term].append(_gb(getattr(fit.memory, term)))
                    s = fit.speed
                    if s.software is not None and s.software not in software:
                        software.append(s.software)
                    out["fits"].append(int(fit.fits))
                    out["spare"].append(_gb(fit.spare))
                    out["bound"].append(_rate(s.bound))
                    for key, value in (("predicted", s.predicted), ("low", s.low), ("high", s.high)):
                        out[key].append(_rate(value))
                    out["software"].append(None if s.software is None else software.index(s.software))
    return {
        "cards": cards,
        "capacity_gib": [float(data.gpus.table.at[g, "memory_gb"]) for g in cards],
        "models": [[m.model, m.name] for m in models],
        "formats": [[f, FORMAT_LABELS[f]] for f in MEMORY_FORMATS],
        "contexts": [int(c) for c in contexts],
        "headroom_gb": _gb(headroom_gib * GIB),
        "software_names": software,
        "memory": memory,
        **out,
    }


def write_fit_answers(paths: DataPaths, contexts: Sequence[int], headroom_gib: float,
                      out: str | os.PathLike) -> None:
    """Read the data ``gpusurvey fit`` reads and write every answer to ``out`` (JSON)."""
    answers = fit_answers(load_fit_data(paths), contexts, headroom_gib)
    atomic.write_text(out, json.dumps(answers, separators=(",", ":"), ensure_ascii=False) + "\n")
