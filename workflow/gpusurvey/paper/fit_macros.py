"""The numbers of the buyer's page and of the section "what fits and how fast", as macros
(``results/macros/fit.tex``), from the section's CSVs (``gpusurvey.reports.fit_section``):

``\\FitContext``, ``\\FitHeadroom``, ``\\FitSdSteps``; the error of the memory model per source
(``\\Fit<Source>Cases``, ``...Median`` (signed %), ``...Max`` (%), with the switch
``\\ifFit<Source>`` (the source has cases); Source ``GpuRecords``, ``CpuRecords`` or
``Published``); the survey check (``\\FitSurvey...``, ``\\FitHires...``); the 8 GB cards on which
a 13B model at 4-bit does not fit (``\\FitEightGbWithout``, ``...Names``, ``\\FitEightGbCards``);
and per need of the buyer's page (``Sd``, ``Thirteen``, ``ThirtyTwo``, ``Seventy``, ``Eight``)
and role (``Fastest``, ``Cheapest``, ``Value``): ``\\FitBuy<Need><Role>Gpu``, ``...Speed``,
``...Kind``, ``...Price``, ``...Date``, with the switch ``\\ifFitBuy<Need>`` (some card holds it).
"""

from __future__ import annotations

import os

import pandas as pd

from gpusurvey.core import atomic
from gpusurvey.paper.macros import Macros
from gpusurvey.reports.fit_validation import CPU_RECORDS, GPU_RECORDS

SOURCES = {GPU_RECORDS: "GpuRecords", CPU_RECORDS: "CpuRecords", "published": "Published"}
ROLES = {"fastest": "Fastest", "cheapest": "Cheapest", "value": "Value"}


def _speed(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def fit_macros(macros: Macros, validation: pd.DataFrame, survey: pd.DataFrame,
               buyers: pd.DataFrame) -> None:
    s = dict(zip(survey["key"], survey["value"], strict=True))
    macros.set("FitContext", str(int(float(s["context"]))))
    macros.set("FitHeadroom", f"{float(s['headroom_gib']):g}")
    macros.set("FitSdSteps", str(int(float(s["sd_steps"]))))
    for source, name in SOURCES.items():
        errors = validation.loc[validation["source"] == source, "error"].astype(float)
        macros.switch(f"Fit{name}", not errors.empty)
        macros.set(f"Fit{name}Cases", str(len(errors)))
        macros.set(f"Fit{name}Median", f"{errors.median() * 100:+.0f}" if not errors.empty else "-")
        macros.set(f"Fit{name}Max", f"{errors.abs().max() * 100:.0f}" if not errors.empty else "-")
    macros.set("FitSurveyLlmGb", f"{float(s['llm_gb']):.1f}")
    macros.set("FitSurveyContext", str(int(float(s["survey_context"]))))
    for key, name in (("table5_cards", "FitSurveyTableFiveCards"), ("table5_fit", "FitSurveyTableFiveFit"),
                      ("missing_cards", "FitSurveyMissingCards"),
                      ("missing_do_not_fit", "FitSurveyMissingNoFit"), ("table4_cards", "FitHiresCards"),
                      ("table4_fit_efficient", "FitHiresFitEfficient"),
                      ("table4_fit_standard", "FitHiresFitStandard"), ("eight_gb_cards", "FitEightGbCards"),
                      ("eight_gb_without_13b", "FitEightGbWithout")):
        macros.set(name, str(int(float(s[key]))))
    macros.text("FitSurveyMissingThatFit", str(s["missing_that_fit"]).replace("; ", ", ")
                if isinstance(s["missing_that_fit"], str) else "")
    macros.text("FitEightGbWithoutNames", str(s["eight_gb_without_13b_names"]).replace("; ", ", "))
    macros.switch("FitEightGbNone", int(float(s["eight_gb_without_13b"])) == int(float(s["eight_gb_cards"])))
    macros.set("FitHiresEfficientGb", f"{float(s['hires_efficient_gb']):.1f}")
    macros.set("FitHiresStandardGb", f"{float(s['hires_standard_gb']):.0f}")
    for need, group in buyers.groupby("need", sort=False):
        held = group["gpu"].notna().all()
        macros.switch(f"FitBuy{need}", bool(held))
        if not held:
            continue
        for _, row in group.iterrows():
            base = f"FitBuy{need}{ROLES[row['role']]}"
            macros.text(f"{base}Gpu", row["gpu"])
            macros.set(f"{base}Speed", _speed(float(row["speed"])))
            macros.text(f"{base}Kind", row["kind"])
            macros.set(f"{base}Price", f"{float(row['price']):,.0f}".replace(",", "{,}"))
            macros.text(f"{base}Date", str(row["date"]))


def write_fit_macros(out: str | os.PathLike, validation, survey, buyers) -> None:
    macros = Macros()
    fit_macros(macros, pd.read_csv(validation), pd.read_csv(survey, keep_default_na=False),
               pd.read_csv(buyers))
    atomic.write_text(out, macros.render())
