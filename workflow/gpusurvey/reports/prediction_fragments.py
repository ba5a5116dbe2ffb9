"""The LaTeX fragments of the section "since the survey", in Korean and English: the survey's
cards beside later software, the predictions for the cards nobody measured (in italics, each
group's interval and why a group predicts nothing said under the table), and the leave-one-out
validation per software group (``gpusurvey.models.prediction`` for the rules)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from pylatex.utils import NoEscape, escape_latex

from gpusurvey.core.glossary import term
from gpusurvey.core.rounding import fixed
from gpusurvey.inputs.comparability import FIELDS, SURVEY_STEPS
from gpusurvey.inputs.gpus import GpuTable
from gpusurvey.inputs.literature import LiteratureRow
from gpusurvey.models import prediction as model
from gpusurvey.models.prediction import Point, Prediction
from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG
from gpusurvey.reports.latex_tables import stacked, tabular
from gpusurvey.reports.literature_bib import cite, sources
from gpusurvey.reports.predictions import SURVEY, WORKLOAD_TABLES, weights_share

PLACES = {SD_TXT2IMG: 1, LLM_DECODE: 1}
"""Decimals of a printed predicted or bound value."""

WORDS = {
    "ko": {SURVEY: "서베이(2023)", "bound": term("bound", "ko"), "predicted": term("predicted", "ko"),
           "software": "소프트웨어", "cards": "카드", "bounds": "상한 수", "cases": "사례",
           "median": "중앙값", "max": "최대", "none": "–", "unknown": term("unknown", "ko"),
           "weights": "가중치/메모리", "status": "판정", "predicts": "예측함",
           SD_TXT2IMG: "Stable Diffusion 512x512 (it/s)", LLM_DECODE: "LLaMA-13B 4비트 (tokens/s)",
           "short": {SD_TXT2IMG: "Stable Diffusion", LLM_DECODE: "LLaMA-13B"},
           model.FEW_CARDS: "검증 불가: 카드 {cards}개, 상한 {bounds}개",
           model.ONE_BOUND: "검증 불가: 카드 {cards}개, 상한 {bounds}개",
           model.NOT_FOLLOWING: "상한을 따르지 않음(순위 상관 {rho})",
           "own": "구간은 같은 소프트웨어를 하나씩 빼고 검증한 사례에서 발표값/예측값 비의 최솟값과 "
                  "최댓값을 예측값에 곱한 것이다({groups}).",
           "own_group": "{software}: {cases}개 사례",
           "pooled": "{groups}: 자기 사례가 {min}개보다 적어, 예측하는 모든 소프트웨어의 사례 {cases}개로 "
                     "구간을 정했다.",
           "silent": "예측하지 않음: {groups}.",
           "fields": {"model": "모델", "steps": "단계 수", "batch": "배치", "precision": "정밀도",
                      "weights": "가중치 형식", "resolution": "해상도"},
           "verdicts": {None: "예측함", model.FEW_CARDS: "검증 불가", model.ONE_BOUND: "검증 불가",
                        model.NOT_FOLLOWING: "상한을 따르지 않음"},
           "rho": "순위 상관", "field": "{f}({v})", "not_stated": "밝히지 않음",
           "not_gptq": "GPTQ가 아닌 4비트",
           "survey_steps": "서베이 {n}",
           "sources": "출처: {items}.",
           "relaxed": "완화한 설정(서베이와 다르지만 비교하는 속도는 그대로 비교할 수 있는 설정): {items}.",
           "rule": "예측과 검증에는 카드 {cards}개 이상, 서로 다른 상한 {bounds}개 이상이 필요하고, 값이 "
                   "상한과 함께 커져야 한다(스피어만 순위 상관 {rho} 이상)."},
    "en": {SURVEY: "survey (2023)", "bound": term("bound", "en"), "predicted": term("predicted", "en"),
           "software": "software", "cards": "cards", "bounds": "bounds", "cases": "cases",
           "median": "median", "max": "max.", "none": "–", "unknown": term("unknown", "en"),
           "weights": "weights/memory", "status": "verdict", "predicts": "predicts",
           SD_TXT2IMG: "Stable Diffusion 512x512 (it/s)", LLM_DECODE: "LLaMA-13B 4-bit (tokens/s)",
           "short": {SD_TXT2IMG: "Stable Diffusion", LLM_DECODE: "LLaMA-13B"},
           model.FEW_CARDS: "not testable: {cards} cards, {bounds} bound{s}",
           model.ONE_BOUND: "not testable: {cards} cards, {bounds} bound{s}",
           model.NOT_FOLLOWING: "does not follow its bound (rank correlation {rho})",
           "own": "Each interval is the prediction times the smallest and the largest ratio of measured "
                  "to predicted value in the leave-one-out cases of the same software ({groups}).",
           "own_group": "{software}: {cases} cases",
           "pooled": "{groups} had fewer than {min} cases of their own; their intervals come from the "
                     "{cases} cases of every software that predicts.",
           "silent": "No prediction: {groups}.",
           "fields": {"model": "model", "steps": "steps", "batch": "batch", "precision": "precision",
                      "weights": "weight format", "resolution": "resolution"},
           "verdicts": {None: "predicts", model.FEW_CARDS: "not testable",
                        model.ONE_BOUND: "not testable", model.NOT_FOLLOWING: "does not follow its bound"},
           "rho": "rank corr.",
           "field": "{f} ({v})", "not_stated": "not stated", "not_gptq": "4-bit, not GPTQ",
           "survey_steps": "survey {n}",
           "sources": "Sources: {items}.",
           "relaxed": "Settings relaxed (they differ from the survey's in a way that leaves the rate "
                      "comparable): {items}.",
           "rule": "A software predicts, and is validated, only when measured on at least {cards} cards "
                   "spanning at least {bounds} distinct bounds, its value rising with the bound "
                   "(Spearman rank correlation at least {rho})."},
}


def software_label(software: str, lang: str) -> str:
    """How a software group is printed: the survey's in the edition's words, others by name."""
    return WORDS[lang][SURVEY] if software == SURVEY else software


def _num(value: float, workload: str) -> str:
    return fixed(value, PLACES[workload])


def _percent(fraction: float) -> str:
    return fixed(fraction * 100, 0) + r"\%"


def _italic(text: str) -> NoEscape:
    return NoEscape(rf"\textit{{{text}}}")


def verdict(reason: str | None, cards: int, bounds: int, rho: float | None, lang: str) -> str:
    """Why a group predicts nothing, in the edition's words (``predicts`` when it does)."""
    words = WORDS[lang]
    if reason is None:
        return words["predicts"]
    return words[reason].format(cards=cards, bounds=bounds, s="" if bounds == 1 else "s",
                                rho="–" if rho is None else fixed(rho, 2))


def _relaxed_value(field: str, rows: Sequence[LiteratureRow], lang: str) -> str:
    words = WORDS[lang]
    if field == "model":
        return ", ".join(sorted({r.model for r in rows if "model" in r.relaxed}))
    if field == "steps":
        steps = sorted({r.steps for r in rows if "steps" in r.relaxed and r.steps})
        return "; ".join([", ".join(map(str, steps)) or words["not_stated"],
                          words["survey_steps"].format(n=SURVEY_STEPS)])
    return words["not_gptq"] if field == "weights" else words["not_stated"]


def relaxed_note(rows: Sequence[LiteratureRow], workload: str, lang: str) -> str | None:
    """The settings each later software's comparable rows of ``workload`` relax, with what they
    ran (``gpusurvey.inputs.comparability``); None where none relaxes any."""
    words = WORDS[lang]
    items = []
    for software in sorted({r.software_group for r in rows if r.workload == workload and r.comparable}):
        mine = [r for r in rows if r.workload == workload and r.comparable and r.software_group == software]
        fields = [f for f in FIELDS if any(f in r.relaxed for r in mine)]
        if fields:
            items.append(escape_latex(f"{software}: ") + ", ".join(
                escape_latex(words["field"].format(f=words["fields"][f], v=_relaxed_value(f, mine, lang)))
                for f in fields))
    return words["relaxed"].format(items="; ".join(items)) if items else None


def sources_note(rows: Sequence[LiteratureRow], workload: str, software: Sequence[str],
                 lang: str) -> str | None:
    """Each later software's sources, cited (``gpusurvey.reports.literature_bib``)."""
    items = [f"{escape_latex(s)}~{cite(sources(rows, workload, s))}" for s in software
             if sources(rows, workload, s)]
    return WORDS[lang]["sources"].format(items="; ".join(items)) if items else None


def comparison_fragment(points: Sequence[Point], lang: str, literature: Sequence[LiteratureRow] = ()) -> str:
    """For each workload, the survey's cards that later software was measured on: the bound,
    the survey's value and each later software's, with the fraction of the bound in brackets;
    under it, the settings each software's rows relax (``relaxed_note``)."""
    words = WORDS[lang]
    parts = []
    for workload in WORKLOAD_TABLES:
        mine = [p for p in points if p.workload == workload]
        survey = {p.gpu: p for p in mine if p.software == SURVEY}
        later = sorted({p.software for p in mine if p.software != SURVEY})
        cards = [g for g in survey if any(p.gpu == g and p.software != SURVEY for p in mine)]
        rows = []
        for gpu in cards:
            row = [gpu, _num(survey[gpu].bound, workload)]
            for software in [SURVEY, *later]:
                point = next((p for p in mine if p.gpu == gpu and p.software == software), None)
                row.append(NoEscape(f"{point.value:g} ({_percent(point.efficiency)})") if point
                           else words["none"])
            rows.append(row)
        header = [f"{words[workload]}", words["bound"], *(software_label(s, lang) for s in [SURVEY, *later])]
        notes = [sources_note(literature, workload, later, lang), relaxed_note(literature, workload, lang)]
        parts.append(tabular(header, rows, "l" + "r" * (len(header) - 1), notes=[n for n in notes if n]))
    return "\\par\\medskip\n".join(parts)


def _names(names, lang: str) -> str:
    return ", ".join(escape_latex(software_label(n, lang)) for n in names)


def prediction_notes(mine: Sequence[Prediction], lang: str) -> list[str]:
    """Under a workload's predictions: the rule, where each interval comes from, and the groups
    that predict nothing with their reason."""
    words = WORDS[lang]
    valued = {p.software: p for p in mine if p.value is not None}
    own = [p for p in valued.values() if p.interval_from == "own"]
    pooled = [p for p in valued.values() if p.interval_from == "pooled"]
    notes = [words["rule"].format(cards=model.MIN_CARDS, bounds=model.MIN_BOUNDS,
                                  rho=fixed(model.MIN_RANK_CORRELATION, 1))]
    if own:
        notes.append(words["own"].format(groups="; ".join(
            words["own_group"].format(software=escape_latex(software_label(p.software, lang)), cases=p.cases)
            for p in own)))
    if pooled:
        notes.append(words["pooled"].format(groups=_names([p.software for p in pooled], lang),
                                            min=model.MIN_OWN_CASES, cases=pooled[0].cases))
    silent = {p.software: p.group for p in mine if p.reason not in (None, model.NO_BOUND)}
    if silent:
        why = {s: verdict(g.reason, g.cards, g.bounds, g.rank_correlation, lang) for s, g in silent.items()}
        notes.append(words["silent"].format(groups="; ".join(
            f"{escape_latex(software_label(s, lang))} ({reason})" for s, reason in why.items())))
    return notes


def predictions_fragment(preds: Sequence[tuple[str, Prediction]], gpus: GpuTable, lang: str) -> str:
    """For each workload, the cards nobody measured: the bound (for decoding, also the share of
    the card's memory the weights take) and, per software that may predict, the predicted value
    with its interval, all in italics (a predicted cell never looks like a measured one)."""
    words = WORDS[lang]
    parts = []
    for workload in WORKLOAD_TABLES:
        mine = [(gpu, p) for gpu, p in preds if p.workload == workload]
        software = list(dict.fromkeys(p.software for _, p in mine if p.group.predicts))
        decode = workload == LLM_DECODE
        rows = []
        for gpu in dict.fromkeys(g for g, _ in mine):
            bound = next(p.bound for g, p in mine if g == gpu)
            row = [gpu, words["unknown"] if bound is None else _num(bound, workload)]
            if decode:
                row.append(NoEscape(_percent(weights_share(workload, gpus.table.loc[gpu]))))
            for s in software:
                p = next((q for g, q in mine if g == gpu and q.software == s), None)
                if p is None:
                    row.append(words["none"])
                elif p.value is None:
                    row.append(words["unknown"])
                else:
                    row.append(_italic(f"{_num(p.value, workload)} "
                                       f"({_num(p.low, workload)}--{_num(p.high, workload)})"))
            rows.append(row)
        # Long headers on two lines (``diffusers +`` over ``torch.compile``), so that every
        # software's column fits the page.
        header = [stacked(escape_latex(words[workload]), escape_latex(words["predicted"])), words["bound"],
                  *([words["weights"]] if decode else []),
                  *(stacked(*map(escape_latex, software_label(s, lang).replace(" + ", " +\n").split("\n")))
                    for s in software)]
        notes = prediction_notes([p for _, p in mine], lang)
        parts.append(tabular(header, rows, "l" + "r" * (len(header) - 1), notes=notes))
    return "\\par\\medskip\n".join(parts)


def loo_fragment(summary: pd.DataFrame, lang: str) -> str:
    """The leave-one-out validation per workload and software group: cards, distinct bounds,
    cases, median and maximum error, the rank correlation of value with bound (testable groups)
    and the verdict (predicts, or why not)."""
    words = WORDS[lang]
    rows = []
    for workload in WORKLOAD_TABLES:
        first = True
        for s in summary[summary["workload"] == workload].itertuples():
            tested = s.n_cases > 0
            rho = None if pd.isna(s.rank_correlation) else float(s.rank_correlation)
            reason = None if pd.isna(s.reason) else s.reason
            rows.append([words["short"][workload] if first else "", software_label(s.software, lang),
                         str(s.n_cards), str(s.n_bounds), str(s.n_cases) if tested else words["none"],
                         NoEscape(_percent(s.median_error)) if tested else words["none"],
                         NoEscape(_percent(s.max_error)) if tested else words["none"],
                         words["none"] if rho is None else fixed(rho, 2), words["verdicts"][reason]])
            first = False
    header = ["", words["software"], words["cards"], words["bounds"], words["cases"], words["median"],
              words["max"], words["rho"], words["status"]]
    return tabular(header, rows, "llrrrrrrl")
