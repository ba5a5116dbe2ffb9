"""Table 8, what fits and how fast: for every RTX 30, 40 and 50 card of ``data/gpus.csv`` and
each model of the config list, at the config's context and headroom, the listed format that
needs the least memory and fits, the memory it needs, its decode bound and its predicted speed
(italics, with the interval: a prediction, never a measurement). A card on which no listed
format of a model fits says so.

The CSV holds one row per card and model; the LaTeX fragment one row per card with two columns
per model (format and GB; bound and prediction), set in landscape by the paper.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd
from pylatex import MultiColumn, Tabular
from pylatex.utils import NoEscape, bold

from gpusurvey.core import atomic
from gpusurvey.models.memory import FORMAT_LABELS, MEMORY_FORMATS
from gpusurvey.reports.fit import (
    CONSUMER_SERIES,
    DataPaths,
    FitData,
    load_fit_data,
    smallest_fitting_format,
)

COLUMNS = ("gpu", "series", "memory_gib", "launch_price_usd", "model", "context", "headroom_gib",
           "format", "needed_gb", "spare_gb", "bound_tokens_per_s", "predicted_tokens_per_s",
           "predicted_low", "predicted_high", "software", "kind")

WORDS = {
    "en": {"card": "Card", "memory": "GiB", "fit": "format, GB", "speed": "bound, \\textit{predicted}",
           "none": "none fits",
           "note": "Format: the listed format that needs the least memory and fits, with the GB it "
                   "needs (weights, KV cache at {context} tokens, scratch, runtime) and {headroom} GiB "
                   "kept free. Speed in tokens/s: the bandwidth bound, then in italics the prediction "
                   "and its interval (predicted, not measured; none where no software group "
                   "qualifies). Launch prices in data/gpus.csv."},
    "ko": {"card": "카드", "memory": "GiB", "fit": "형식, GB", "speed": "상한, \\textit{예측}",
           "none": "맞는 형식 없음",
           "note": "형식: 나열된 형식 가운데 메모리를 가장 적게 쓰면서 들어가는 것과 그때 필요한 GB"
                   "(가중치, {context}토큰의 KV 캐시, 작업 버퍼, 런타임, 여유 {headroom} GiB 제외). "
                   "속도는 초당 토큰: 대역폭 상한, 이어서 기울임꼴로 예측값과 구간(측정이 아닌 예측; "
                   "기준을 채운 소프트웨어 묶음이 없으면 없음)."},
}


def fit_rows(data: FitData, models: Sequence[str], context: int, headroom_gib: float) -> pd.DataFrame:
    """One row per RTX 30/40/50 card and model (see ``COLUMNS``); unknown model ids raise."""
    rows = []
    cards = data.gpus.table[data.gpus.table["series"].isin(CONSUMER_SERIES)]
    for model_id in models:
        if model_id not in data.models:
            raise ValueError(f"config fit.models: unknown model '{model_id}'; expected ids of "
                             f"data/models.csv ({', '.join(data.models)})")
        model = data.models[model_id]
        for gpu, card in cards.iterrows():
            best = smallest_fitting_format(data, gpu, model, context, headroom_gib, MEMORY_FORMATS)
            row = {"gpu": gpu, "series": card["series"], "memory_gib": card["memory_gb"],
                   "launch_price_usd": card["launch_price_usd"], "model": model_id,
                   "context": context, "headroom_gib": headroom_gib}
            if best is not None:
                s = best.speed
                row |= {"format": FORMAT_LABELS[best.fmt], "needed_gb": best.memory.total / 1e9,
                        "spare_gb": best.spare / 1e9, "bound_tokens_per_s": s.bound,
                        "predicted_tokens_per_s": s.predicted, "predicted_low": s.low,
                        "predicted_high": s.high, "software": s.software,
                        "kind": "predicted" if s.predicted is not None else None}
            rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _esc(text: str) -> str:
    return text.replace("_", r"\_")


def _speed(row: pd.Series) -> NoEscape:
    bound = f"{row['bound_tokens_per_s']:.0f}"
    if pd.isna(row["predicted_tokens_per_s"]):
        return NoEscape(bound)
    return NoEscape(rf"{bound}, \textit{{{row['predicted_tokens_per_s']:.0f} "
                    rf"({row['predicted_low']:.0f}--{row['predicted_high']:.0f})}}")


def fragment(table: pd.DataFrame, names: dict[str, str], lang: str) -> str:
    """The LaTeX fragment: one row per card; per model a header over two columns."""
    words = WORDS[lang]
    models = list(dict.fromkeys(table["model"]))
    grid = Tabular("lr" + "lr" * len(models), booktabs=True)
    grid.add_row(["", ""] + [MultiColumn(2, align="c", data=bold(names[m])) for m in models])
    grid.append(NoEscape("".join(rf"\cmidrule(lr){{{3 + 2 * i}-{4 + 2 * i}}}" for i in range(len(models)))))
    grid.add_row([bold(words["card"]), bold(words["memory"])]
                 + [bold(NoEscape(w)) for _ in models for w in (words["fit"], words["speed"])])
    grid.add_hline()
    for gpu, group in table.groupby("gpu", sort=False):
        by_model = group.set_index("model")
        row = [gpu, f"{float(group['memory_gib'].iloc[0]):g}"]
        for model in models:
            r = by_model.loc[model]
            if pd.isna(r["format"]):
                row += [words["none"], NoEscape("--")]
            else:
                row += [NoEscape(f"{_esc(r['format'])}, {r['needed_gb']:.1f}"), _speed(r)]
        grid.add_row(row)
    first = table.iloc[0]
    note = words["note"].format(context=int(first["context"]), headroom=f"{first['headroom_gib']:g}")
    return grid.dumps() + "\n" + rf"\par\smallskip{{\footnotesize {note}\par}}" + "\n"


def write_table8(paths: DataPaths, models: Sequence[str], context: int,
                 headroom_gib: float, outputs: dict[str, str | os.PathLike]) -> None:
    """``outputs``: ``csv``, ``ko``, ``en``. Everything is computed before the first write."""
    data = load_fit_data(paths)
    table = fit_rows(data, models, context, headroom_gib)
    names = {m: data.models[m].name for m in models}
    texts = {"csv": table.to_csv(index=False, lineterminator="\n", float_format="%.6g")}
    texts |= {lang: fragment(table, names, lang) for lang in ("ko", "en")}
    for key, text in texts.items():
        atomic.write_text(outputs[key], text)
