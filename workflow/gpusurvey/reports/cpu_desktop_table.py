"""The table of desktops predicted (``gpusurvey.reports.cpu_desktops``) from the build's files,
its CSV and its LaTeX fragments in Korean and English (every predicted number in italics, the
sources cited in the note); ``gpusurvey.paper.cpu_desktop_macros`` writes the numbers of the
paragraph that quotes it from the same ``Desktops``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from pylatex.utils import NoEscape

from gpusurvey.core import atomic
from gpusurvey.inputs.desktop_memory import load_desktop_memory
from gpusurvey.reports.cpu_compare import load_cpu_records
from gpusurvey.reports.cpu_desktops import (
    DesktopVersus,
    desktop_table,
    format_runs,
    pooled_cases,
    versus_cards,
)
from gpusurvey.reports.latex_tables import tabular
from gpusurvey.reports.literature_bib import cite, key

HEADERS = {
    "en": ("Desktop", "GB/s", "Format", "GB/token", "Bound", "Efficiency", "Predicted tokens/s", "Interval"),
    "ko": ("데스크톱", "GB/s", "형식", "GB/토큰", "상한", "효율", "예측 토큰/s", "구간"),
}
INTERVAL_WORDS = {
    "en": {"own": "the leave-one-out ratios of this format's own CPU machines",
           "pooled": "the leave-one-out ratios of every software group that predicts in "
                     "Section~\\ref{sec:since}, pooled, since fewer than five CPU cases exist"},
    "ko": {"own": "이 형식을 돌린 CPU 머신들의 리브-원-아웃 비율",
           "pooled": "CPU 사례가 다섯 개보다 적어 \\ref{sec:since}절에서 예측하는 모든 소프트웨어 그룹의 "
                     "리브-원-아웃 비율을 모은 것"},
}
NOTES = {
    "en": "Every speed is predicted (italics), none measured: the desktop's published bandwidth over "
          "the format's GB per token (Bound, tokens/s) times the efficiency this machine's llama.cpp "
          "reached against its own measured read bandwidth. Interval: the prediction times the "
          "smallest and largest of {interval} ({cases} cases). Bandwidths: {cites}.",
    "ko": "모든 속도는 측정값이 아닌 예측값(기울임꼴)이다. 데스크톱의 공개 대역폭을 형식의 토큰당 GB로 "
          "나눈 상한(토큰/s)에, 이 머신의 llama.cpp가 직접 측정한 읽기 대역폭에 대해 낸 효율을 곱했다. "
          "구간: 예측값에 {interval}의 최솟값과 최댓값을 곱한 범위(사례 {cases}개). 대역폭 출처: {cites}.",
}


def _italic(text: str) -> NoEscape:
    return NoEscape(rf"\textit{{{text}}}")


def fragment(table: pd.DataFrame, lang: str) -> str:
    """The table in ``lang``; a build without a CPU decode record says so in one line."""
    if table.empty:
        return {"en": "No CPU record of LLaMA-13B decoding: no desktop is predicted.\n",
                "ko": "CPU에서 LLaMA-13B를 디코딩한 기록이 없어 데스크톱을 예측하지 않았다.\n"}[lang]
    rows = []
    for r in table.to_dict("records"):
        rows.append([r["label_ko" if lang == "ko" else "label"], f"{r['bandwidth_gbs']:g}", r["format"],
                     f"{r['gb_per_token']:.2f}", f"{r['bound_tokens_per_s']:.1f}",
                     f"{r['efficiency'] * 100:.0f}%", _italic(f"{r['predicted_tokens_per_s']:.1f}"),
                     _italic(f"{r['predicted_low']:.1f}--{r['predicted_high']:.1f}")])
    keys = list(dict.fromkeys(key(s) for s in table["source"]))
    bases = dict.fromkeys(zip(table["format"], table["interval_from"], table["cases"], strict=True))
    shared = len({(source, cases) for _, source, cases in bases}) == 1
    interval = "; ".join(f"{'' if shared else fmt + ': '}{INTERVAL_WORDS[lang][source]}"
                         for fmt, source, _ in (list(bases)[:1] if shared else bases))
    cases = "/".join(str(int(c)) for c in dict.fromkeys(c for _, _, c in bases))
    note = NOTES[lang].format(interval=interval, cases=cases, cites=cite(keys))
    return tabular(HEADERS[lang], rows, "lrlrrrrr", notes=[note])


@dataclass(frozen=True)
class Desktops:
    """The predictions and the survey's cards against the DDR5 desktop (None without one)."""

    table: pd.DataFrame
    versus: DesktopVersus | None


def read_desktops(records: Sequence[str | os.PathLike], desktops: str | os.PathLike,
                  loo: str | os.PathLike, loo_summary: str | os.PathLike,
                  table5: str | os.PathLike) -> Desktops:
    """Every input read and checked: the CPU records, the desktops, the later-results section's
    leave-one-out cases and Table 5."""
    runs = format_runs(load_cpu_records(records))
    table = desktop_table(runs, load_desktop_memory(desktops), pooled_cases(loo, loo_summary))
    return Desktops(table, versus_cards(table, table5) if not table.empty else None)


@dataclass(frozen=True)
class TableOutputs:
    csv: str | os.PathLike
    ko: str | os.PathLike
    en: str | os.PathLike


def write_desktop_table(desktops: Desktops, out: TableOutputs) -> None:
    """The CSV and both fragments, each fragment made before the first file is written."""
    fragments = {lang: fragment(desktops.table, lang) for lang in ("ko", "en")}
    atomic.write_text(out.csv, desktops.table.to_csv(index=False, lineterminator="\n"))
    atomic.write_text(out.ko, fragments["ko"])
    atomic.write_text(out.en, fragments["en"])
