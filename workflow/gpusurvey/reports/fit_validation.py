"""How wrong the memory model is, against every source we have:

- ``gpu records`` and ``cpu records``: every committed record that holds a peak memory, by
  where it ran. A GPU record's peak VRAM is what torch's allocator held at most
  (``torch.cuda.max_memory_allocated``), so it is set against the model's GPU sum without the
  runtime's fixed cost (the CUDA context lies outside the allocator), as a framework's
  allocated peak of ``data/vram.csv`` is. A CPU record's peak resident memory is set against
  what the same run holds in host memory: every tensor of the checkpoint, the KV cache and
  scratch at the run's context (llama.cpp), or the three networks at the run's precision with
  the largest activation (Stable Diffusion), plus the record's own bandwidth-probe buffer. The
  Python interpreter and its libraries (on a CPU) and the kernels' temporary buffers (on a GPU)
  are not modelled, so both are expected low;
- ``published``: the runs of ``data/vram.csv``, each with what the source measured (a card's
  total use includes the runtime's fixed cost; a framework's allocated peak does not);
- ``survey``: whether the model says why Table 5 has no 8 GB card (LLaMA-13B in GPTQ 4-bit at
  its 2048-token context) and that all cards of Table 4 hold the 2048x1152 pass with
  memory-efficient attention (xformers, as the survey's web UI ran) and none without.

The error of a case is (model - measured) / measured.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass

from gpusurvey.core.errors import DataError
from gpusurvey.inputs.published import load_published_table
from gpusurvey.inputs.record_checks import load_checked
from gpusurvey.inputs.record_selection import record_place
from gpusurvey.inputs.vram import load_vram
from gpusurvey.models.memory import SCRATCH, Breakdown, kv_cache_bytes, llm_memory
from gpusurvey.models.roofline import tensor_bytes
from gpusurvey.models.sd_compute import CONFIG_DIR, SETTINGS, StepShape
from gpusurvey.models.sd_memory import sd_memory
from gpusurvey.models.weight_formats import format_inventory
from gpusurvey.registry import LLM_DECODE, SD_HIRES, SD_TXT2IMG
from gpusurvey.reports.fit import DEFAULT_HEADROOM_GIB, GIB, FitData

DTYPE_BYTES = {"fp16": 2, "bf16": 2, "fp32": 4, "float16": 2, "bfloat16": 2, "float32": 4}
SURVEY_CONTEXT = 2048
"""LLaMA-13B's context length (data/models.csv), what the survey's web UI allocated by default."""


GPU_RECORDS, CPU_RECORDS = "gpu records", "cpu records"
"""The sources of the records' cases: a GPU's allocated peak and a CPU's resident peak differ in
what they hold, so their errors are summarised apart."""


@dataclass(frozen=True)
class Case:
    source: str
    case: str
    model_bytes: float
    measured_bytes: float

    @property
    def error(self) -> float:
        return (self.model_bytes - self.measured_bytes) / self.measured_bytes


def sd_configs(architecture: str = "sd15") -> dict:
    return {name: json.loads((CONFIG_DIR / architecture / name / "config.json").read_text(encoding="utf-8"))
            for name in ("unet", "vae", "text_encoder")}


def _host_llm(data: FitData, record) -> float:
    shape = data.models[record.params["model"]].shape
    context = int(record.params["prompt_tokens"]) + int(record.params["new_tokens"])
    inventory = format_inventory(shape, record.backend["format"])
    width, chunk = SCRATCH["llama.cpp"]
    scratch = width * min(chunk, context) * (shape.heads * context + 2 * shape.intermediate)
    return sum(tensor_bytes(d, s) for d, s in inventory.values()) + kv_cache_bytes(shape, context) + scratch


def record_cases(data: FitData, paths: list[str]) -> list[Case]:
    cases = []
    for path in paths:
        record = load_checked(path)
        peak = record.peak_memory or {}
        measured = peak.get("vram_bytes") or peak.get("rss_bytes")
        if not measured or record.status != "ok" or record.workload not in (LLM_DECODE, SD_TXT2IMG):
            continue
        on_gpu = bool(peak.get("vram_bytes"))
        if record.workload == LLM_DECODE:
            fmt = record.backend.get("format", "gptq-4bit-g128")
            if on_gpu:
                shape = data.models[record.params["model"]].shape
                context = int(record.params["prompt_tokens"]) + int(record.params["new_tokens"])
                model = llm_memory(shape, fmt, context, 0.0).total
            else:
                model = _host_llm(data, record) + float(record.params.get("bandwidth_probe_bytes") or 0)
            what = fmt
        else:
            shape = StepShape(int(record.params["width"]), int(record.params["height"]),
                              int(record.params.get("batch", 1)))
            efficient = record.params.get("attention") in ("sdpa", "xformers")
            dtype = DTYPE_BYTES[str(record.backend.get("dtype", "float16"))]
            model = sd_memory(shape, sd_configs(), dtype, efficient, 0.0).total
            what = str(record.backend.get("dtype", "float16"))
        place = record_place(path, record.machine)
        cases.append(Case(GPU_RECORDS if on_gpu else CPU_RECORDS,
                          f"{place}: {what} ({'VRAM' if on_gpu else 'RSS'})", model, float(measured)))
    return cases


def published_cases(data: FitData, vram_path) -> list[Case]:
    cases = []
    for row in load_vram(vram_path, data.models):
        runtime = data.runtime_bytes if row.measure == "total" else 0.0
        if row.kind == "llm":
            got = llm_memory(data.models[row.model].shape, row.format, row.context, runtime)
            what = f"{data.models[row.model].name} {row.format}, {row.context} tokens ({row.software})"
        elif row.kind == "sd":
            got = sd_memory(StepShape(row.width, row.height), sd_configs(), DTYPE_BYTES[row.precision],
                            row.attention == "efficient", runtime)
            what = (f"SD 1.5 {row.width}x{row.height} {row.precision}, {row.attention} attention "
                    f"({row.software})")
        else:
            continue
        cases.append(Case("published", what, got.total, row.bytes))
    return cases


@dataclass(frozen=True)
class SurveyCheck:
    table5_cards: tuple[str, ...]
    table5_fit: tuple[str, ...]
    missing_cards: tuple[str, ...]
    missing_do_not_fit: tuple[str, ...]
    llm_memory: Breakdown
    table4_cards: tuple[str, ...]
    table4_fit_efficient: tuple[str, ...]
    table4_fit_standard: tuple[str, ...]
    hires_efficient: Breakdown
    hires_standard: Breakdown


def survey_check(data: FitData, table4_path, table5_path,
                 headroom_gib: float = DEFAULT_HEADROOM_GIB) -> SurveyCheck:
    """Which cards of the survey hold its runs, with ``headroom_gib`` kept free."""

    def _fits(data: FitData, gpu: str, total: float) -> bool:
        return (float(data.gpus.table.at[gpu, "memory_gb"]) - headroom_gib) * GIB >= total

    table5 = [r.gpu for r in load_published_table(table5_path, data.gpus, "tokens/s")]
    table4 = [r.gpu for r in load_published_table(table4_path, data.gpus, "it/s")]
    survey_cards = [g for g in data.gpus.table.index[data.gpus.table["survey_table"].notna()]]
    llm = llm_memory(data.models["llama-13b"].shape, "gptq-4bit-g128", SURVEY_CONTEXT, data.runtime_bytes)
    missing = [g for g in survey_cards if g not in table5]
    configs = sd_configs()
    efficient = sd_memory(SETTINGS[SD_HIRES], configs, 2, True, data.runtime_bytes)
    standard = sd_memory(SETTINGS[SD_HIRES], configs, 2, False, data.runtime_bytes)
    if not table5 or not table4:
        raise DataError(table5_path, "expected the survey's printed rows")
    return SurveyCheck(
        tuple(table5), tuple(g for g in table5 if _fits(data, g, llm.total)),
        tuple(missing), tuple(g for g in missing if not _fits(data, g, llm.total)), llm,
        tuple(table4), tuple(g for g in table4 if _fits(data, g, efficient.total)),
        tuple(g for g in table4 if _fits(data, g, standard.total)), efficient, standard)


@dataclass(frozen=True)
class Summary:
    source: str
    cases: int
    median_error: float
    max_abs_error: float


def summarise(cases: list[Case]) -> list[Summary]:
    out = []
    for source in dict.fromkeys(c.source for c in cases):
        errors = [c.error for c in cases if c.source == source]
        out.append(Summary(source, len(errors), statistics.median(errors), max(abs(e) for e in errors)))
    return out

