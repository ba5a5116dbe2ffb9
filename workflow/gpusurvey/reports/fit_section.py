"""The outputs of the section "what fits and how fast" beside Table 8: the memory model's error
per validation source (cases and summary, with a LaTeX table), the survey check, and the buyer's
page (a LaTeX table per language). Every input is read and checked before the first write."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd
from pylatex.utils import NoEscape

from gpusurvey.core import atomic
from gpusurvey.core.glossary import term
from gpusurvey.reports.fit import DataPaths, load_fit_data
from gpusurvey.reports.fit_buyers import NEEDS, SD_STEPS, buyers_frame, eight_gb_without
from gpusurvey.reports.fit_validation import (
    CPU_RECORDS,
    GPU_RECORDS,
    SURVEY_CONTEXT,
    published_cases,
    record_cases,
    summarise,
    survey_check,
)
from gpusurvey.reports.latex_tables import stacked, tabular

SOURCE_WORDS = {
    "en": {GPU_RECORDS: "committed GPU records (peak allocated VRAM)",
           CPU_RECORDS: "committed CPU records (peak resident memory)",
           "published": "published figures (data/vram.csv)",
           "source": "Source", "cases": "Cases", "median": "Median error", "max": "Largest |error|"},
    "ko": {GPU_RECORDS: "커밋된 GPU 측정 기록(할당된 VRAM의 최대치)",
           CPU_RECORDS: "커밋된 CPU 측정 기록(최대 상주 메모리)",
           "published": "공개된 수치(data/vram.csv)",
           "source": "출처", "cases": "사례", "median": "오차 중앙값", "max": "최대 |오차|"},
}
NEED_WORDS = {
    "en": {"Sd": "SD 1.5, images/min", "Thirteen": "Llama-2-13B, Q4\\_K\\_M, tokens/s",
           "ThirtyTwo": "Qwen2.5-32B, Q4\\_K\\_M, tokens/s",
           "Seventy": "Llama-3.1-70B, Q4\\_K\\_M, tokens/s",
           "Eight": "Llama-3.1-8B, Q8\\_0, tokens/s", "need": "Need", "fastest": "Fastest",
           "cheapest": "Cheapest that fits", "value": "Most per dollar", "none": "no listed card",
           "published": "published", "predicted": "predicted", "bound": "bound"},
    "ko": {"Sd": "SD 1.5, 분당 이미지", "Thirteen": "Llama-2-13B, Q4\\_K\\_M, 초당 토큰",
           "ThirtyTwo": "Qwen2.5-32B, Q4\\_K\\_M, 초당 토큰",
           "Seventy": "Llama-3.1-70B, Q4\\_K\\_M, 초당 토큰",
           "Eight": "Llama-3.1-8B, Q8\\_0, 초당 토큰", "need": "용도", "fastest": "가장 빠른 카드",
           "cheapest": "들어가는 가장 싼 카드", "value": "가격 대비 성능 최고", "none": "맞는 카드 없음",
           "published": "공개", "predicted": "예측", "bound": "상한"},
}


def _pct(x: float) -> str:
    return f"{x * 100:+.0f}\\%"


def validation_fragment(summary, lang: str) -> str:
    w = SOURCE_WORDS[lang]
    rows = [[w[s.source], str(s.cases), NoEscape(_pct(s.median_error)),
             NoEscape(f"{s.max_abs_error * 100:.0f}\\%")] for s in summary]
    return tabular([w["source"], w["cases"], w["median"], w["max"]], rows, "lrrr")


def _cell(row: pd.Series, lang: str) -> NoEscape:
    w = NEED_WORDS[lang]
    if pd.isna(row["gpu"]):
        return NoEscape(w["none"])
    speed = f"{row['speed']:.0f}" if row["speed"] >= 10 else f"{row['speed']:.1f}"
    shown = rf"\textit{{{speed}}}" if row["kind"] != "published" else speed
    known = pd.notna(row["date"]) and str(row["date"]) != "nan"
    launched = str(row["date"])[:7] if known else term("unknown", lang)
    return stacked(rf"{row['gpu']}: {shown} ({w[row['kind']]})", rf"\${row['price']:,.0f} ({launched})")


def buyers_fragment(frame: pd.DataFrame, lang: str) -> str:
    w = NEED_WORDS[lang]
    rows = []
    for need, group in frame.groupby("need", sort=False):
        by_role = group.set_index("role")
        cells = [_cell(by_role.loc[role], lang) for role in ("fastest", "cheapest", "value")]
        rows.append([stacked(*w[need].split(", ", 1)), *cells])
    return tabular([w["need"], w["fastest"], w["cheapest"], w["value"]], rows, "llll")


def write_fit_section(paths: DataPaths, records: Sequence[str | os.PathLike],
                      points: str | os.PathLike, predictions: str | os.PathLike, context: int,
                      headroom_gib: float, outputs: dict[str, str | os.PathLike]) -> None:
    """``outputs``: ``validation``, ``survey``, ``buyers`` (CSVs) and ``validation_<lang>``,
    ``buyers_<lang>`` (fragments)."""
    data = load_fit_data(paths)
    cases = record_cases(data, [str(p) for p in records]) + published_cases(data, paths.vram)
    summary = summarise(cases)
    check = survey_check(data, paths.published / "table4.csv", paths.published / "table5.csv",
                         headroom_gib)
    buyers = buyers_frame(data, pd.read_csv(points), pd.read_csv(predictions), context, headroom_gib)
    _, model13, fmt13 = NEEDS[0]
    without = eight_gb_without(data, model13, fmt13, context, headroom_gib)
    eight = data.gpus.table[data.gpus.table["series"].isin(("RTX 30", "RTX 40", "RTX 50"))
                            & (data.gpus.table["memory_gb"] == 8)]
    survey = {
        "context": context, "headroom_gib": headroom_gib, "sd_steps": SD_STEPS,
        "eight_gb_cards": len(eight), "eight_gb_without_13b": len(without),
        "eight_gb_without_13b_names": "; ".join(without),
        "survey_context": SURVEY_CONTEXT, "llm_gb": check.llm_memory.total / 1e9,
        "table5_cards": len(check.table5_cards),
        "table5_fit": len(check.table5_fit), "missing_cards": len(check.missing_cards),
        "missing_do_not_fit": len(check.missing_do_not_fit),
        "missing_that_fit": "; ".join(g for g in check.missing_cards if g not in check.missing_do_not_fit),
        "table4_cards": len(check.table4_cards), "table4_fit_efficient": len(check.table4_fit_efficient),
        "table4_fit_standard": len(check.table4_fit_standard),
        "hires_efficient_gb": check.hires_efficient.total / 1e9,
        "hires_standard_gb": check.hires_standard.total / 1e9,
    }
    validation = pd.DataFrame([{"source": c.source, "case": c.case, "model_gb": c.model_bytes / 1e9,
                                "measured_gb": c.measured_bytes / 1e9, "error": c.error} for c in cases])
    texts = {
        "validation": validation.to_csv(index=False, lineterminator="\n", float_format="%.6g"),
        "survey": pd.DataFrame([{"key": k, "value": v} for k, v in survey.items()]).to_csv(
            index=False, lineterminator="\n", float_format="%.6g"),
        "buyers": buyers.to_csv(index=False, lineterminator="\n", float_format="%.6g"),
    }
    for lang in ("ko", "en"):
        texts[f"validation_{lang}"] = validation_fragment(summary, lang)
        texts[f"buyers_{lang}"] = buyers_fragment(buyers, lang)
    for name, text in texts.items():
        atomic.write_text(outputs[name], text)
