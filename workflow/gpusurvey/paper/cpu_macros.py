"""The numbers of the papers' "without a GPU" section, as macros (``\\CpuSd...``, ``\\CpuLlm...``,
``\\CpuMatmul...``) from the committed CPU records and the regenerated tables
(``gpusurvey.reports.cpu_compare``). Switches say which parts exist: ``\\ifCpuSd``,
``\\ifCpuSdBound``, ``\\ifCpuLlm``, ``\\ifCpuMatmul``; a build without any CPU record keeps
them all false and the section says so. Stable Diffusion per precision: ``\\CpuSdFpThirtyTwo...``
and ``\\CpuSdBfSixteen...`` (``Value``, and with the switch ``\\ifCpuSd<Precision>Bound`` the
``PeakGflops`` of that precision and the ``Efficiency`` against it); ``\\ifCpuSdBoth`` when both
exist, then ``\\CpuSdBfSixteenOverFp`` (bf16 it/s over fp32's) and ``\\ifCpuSdBfSixteenFaster``."""

from __future__ import annotations

from gpusurvey.core.rounding import fixed, to_decimal
from gpusurvey.paper.macros import Macros
from gpusurvey.reports.cpu_compare import CpuComparison, CpuWorkload, SdRun

SURVEY_STEPS = 100
"""Denoising steps of one image in the survey's Table 3 runs: the CPU's time for one such image
is quoted in minutes."""


def significant(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits, half up; whole numbers above that keep
    every digit (``1279.6`` -> ``1280``)."""
    if value == 0:
        return "0"
    places = max(0, digits - 1 - to_decimal(value).adjusted())
    return fixed(value, places)


def _versus(macros: Macros, prefix: str, item: CpuWorkload) -> None:
    macros.set(f"{prefix}Value", significant(item.value))
    macros.set(f"{prefix}SecondsPer", significant(item.seconds_per_unit))
    for label, card in (("Cheap", item.cheapest), ("Fast", item.fastest)):
        macros.text(f"{prefix}{label}Gpu", card.gpu)
        macros.text(f"{prefix}{label}Value", card.value_text)
        macros.set(f"{prefix}{label}Times", significant(item.times(card)))


PRECISIONS = {"float32": "FpThirtyTwo", "bfloat16": "BfSixteen"}
"""A Stable Diffusion record's ``backend.dtype`` -> its part of a macro name."""


def _sd_precision(macros: Macros, name: str, run: SdRun | None) -> None:
    prefix = f"CpuSd{name}"
    macros.switch(prefix, run is not None)
    macros.switch(f"{prefix}Bound", run is not None and run.bound is not None)
    if run is None:
        return
    macros.set(f"{prefix}Value", significant(run.value))
    if run.bound is not None:
        macros.set(f"{prefix}PeakGflops", significant(run.bound.peak_gflops))
        macros.set(f"{prefix}Efficiency", fixed(to_decimal(run.bound.efficiency) * 100, 0))


def _sd_precisions(macros: Macros, comparison: CpuComparison) -> None:
    """fp32 and bf16 side by side, each against its own precision's GEMM peak."""
    runs = {dtype: comparison.sd_run(dtype) for dtype in PRECISIONS}
    for dtype, name in PRECISIONS.items():
        _sd_precision(macros, name, runs[dtype])
    both = all(run is not None for run in runs.values())
    macros.switch("CpuSdBoth", both)
    ratio = runs["bfloat16"].value / runs["float32"].value if both else None
    macros.switch("CpuSdBfSixteenFaster", ratio is not None and ratio > 1)
    if ratio is not None:
        macros.set("CpuSdBfSixteenOverFp", significant(ratio))


def cpu_macros(macros: Macros, comparison: CpuComparison) -> None:
    """Every number of the section; see the module's docstring."""
    record = comparison.cpu_record
    macros.switch("CpuRecords", record is not None)
    macros.text("CpuName", record.environment.get("cpu_model", record.machine) if record else "-")
    macros.set("CpuThreads", str(record.environment.get("cpu_count", "-")) if record else "-")

    sd = comparison.sd
    macros.switch("CpuSd", sd is not None)
    if sd is not None:
        _versus(macros, "CpuSd", sd)
        macros.set("CpuSdSteps", str(sd.record.params.get("steps", "-")))
        macros.text("CpuSdDtype", str(sd.record.backend.get("dtype", "-")))
        macros.set("CpuSdSurveyImageMinutes", significant(SURVEY_STEPS / sd.value / 60))
    _sd_precisions(macros, comparison)
    bound = comparison.bound
    macros.switch("CpuSdBound", bound is not None)
    if bound is not None:
        macros.set("CpuPeakGflops", significant(bound.peak_gflops))
        macros.set("CpuSdBoundValue", significant(bound.bound_it_per_s))
        macros.set("CpuSdEfficiency", fixed(to_decimal(bound.efficiency) * 100, 0))
        if sd is not None:
            macros.set("CpuSdCheapOverBound", significant(sd.cheapest.value / bound.bound_it_per_s))

    matmul = comparison.matmul
    macros.switch("CpuMatmul", matmul is not None)
    peak = matmul[1].extra.get("cpu_peak_gflops") if matmul is not None else None
    macros.switch("CpuMatmulPeak", peak is not None)
    if matmul is not None:
        metrics = matmul[1].metrics
        # The single 1000x1000 product is Figure 1's (one number per quantity); this section
        # quotes the large GEMM that bounds Stable Diffusion.
        gemm = metrics.get("cpu_fp32_gemm_gflops")
        macros.set("CpuMatmulGemmGflops", significant(gemm.mean) if gemm is not None else "-")
        if peak is not None:
            macros.set("CpuMatmulPeakGflops", significant(float(peak)))
        threads = matmul[1].backend.get("torch_threads")
        macros.set("CpuMatmulThreads", str(threads) if threads is not None else "-")

    llm = comparison.llm
    macros.switch("CpuLlm", llm is not None)
    if llm is not None:
        _versus(macros, "CpuLlm", llm)
        macros.text("CpuLlmWeights", str(llm.record.backend.get("weights", "-")))
        macros.text("CpuLlmLibrary", str(llm.record.backend.get("library", "-")))
