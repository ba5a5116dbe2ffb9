"""LLaMA-13B in the weight formats people run: one row per machine, backend and format of every
decode record given (the committed ``data/measurements/<machine>/formats/*.json`` and
any other decode record), and one row per format of the roofline model alone, so that Q4_0,
Q4_K_M, Q8_0 and GPTQ are compared on one footing even where nothing was measured.

A record's GB per token is the one roofline model's for its model, weights format and context
(``gpusurvey.inputs.record_bounds.decode_bytes_per_token``), never the record's own number. The
bandwidth of the bound is, on a CPU, the median of the record's own probe samples of that machine
(``extra.cpu_bandwidth_probe``, its spread kept beside it), on a GPU its row of ``data/gpus.csv``.
A CPU run of llama.cpp may carry a second ceiling, its cores' arithmetic rate in the format,
which its own prefill measured (``extra.arithmetic_ceiling``; recomputed here from the prefill
samples and the model); the bound is the lower of the two, and the row says which binds. A
record that ran out of memory or failed shows its status instead of numbers. The model rows
count the weights only (no context, so no KV cache): what one token reads of each format's file.
"""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from pylatex.utils import bold, escape_latex

from gpusurvey.core import atomic
from gpusurvey.core.catalogue import read_catalogue
from gpusurvey.core.errors import DataError
from gpusurvey.core.record import Record
from gpusurvey.inputs.record_bounds import check_bound, decode_bytes_per_token
from gpusurvey.inputs.record_checks import load_checked
from gpusurvey.inputs.record_settings import trusted_settings
from gpusurvey.models.llama import PRESETS
from gpusurvey.models.roofline import (
    bound_tokens_per_s,
    format_tensors,
    format_weight_bytes_per_token,
    prefill_arithmetic_bound,
)
from gpusurvey.models.weight_formats import FORMATS, GGUF_FORMATS, GPTQ_FORMAT
from gpusurvey.registry import LLM_DECODE
from gpusurvey.reports.latex_tables import stacked, tabular, wrapped_column

MODEL = "llama-13b"
"""The survey's model: the model rows are of its shape."""
SURVEY_NEW_TOKENS = 400
"""New tokens per run in the survey's Table 5; a record that decoded another number says so."""
LABELS = {**GGUF_FORMATS, GPTQ_FORMAT: "GPTQ 4-bit g128"}
"""Format name -> the name the table prints."""

COLUMNS = ("source", "machine", "device", "backend", "format", "status", "tokens_per_s", "tokens_per_s_sd",
           "n", "gb_per_token", "bandwidth_gbs", "bandwidth_min_gbs", "bandwidth_max_gbs", "bandwidth_source",
           "memory_bound_tokens_per_s", "arithmetic_bound_tokens_per_s", "binding", "bound_tokens_per_s",
           "efficiency", "memory_efficiency", "cv", "threads", "repack", "peak_memory_gb", "settings",
           "settings_ko", "path")


def record_format(path: str, record: Record) -> str:
    """The format name (``weight_formats.FORMATS``) of a decode record's ``backend.weights``."""
    weights = str(record.backend.get("weights", ""))
    if weights.startswith("gptq"):
        return GPTQ_FORMAT
    by_label = {f"gguf {label}": fmt for fmt, label in GGUF_FORMATS.items()}
    if weights in by_label:
        return by_label[weights]
    raise DataError(path, f"key 'backend/weights': {weights!r}; expected 'gptq ...' or one of "
                    f"{sorted(by_label)}")


def is_format_record(record: Record) -> bool:
    """A decode record in a quantised format (an unquantised transformers run is no format row)."""
    weights = str(record.backend.get("weights", ""))
    return record.workload == LLM_DECODE and (weights.startswith(("gptq", "gguf")))


SETTING_WORDS = {"en": ("{} new tokens", "threads: {}", "profile {}", "no repacking"),
                 "ko": ("새 토큰 {}개", "스레드 {}개", "프로필 {}", "리패킹 없음")}


def _settings(record: Record, lang: str) -> str:
    """The record's settings that differ from the survey's: new tokens, threads, profile, and
    llama.cpp's repacked copy of the weights turned off."""
    new_words, thread_words, profile_words, no_repack = SETTING_WORDS[lang]
    parts = []
    new_tokens = record.params.get("new_tokens")
    if new_tokens is not None and new_tokens != SURVEY_NEW_TOKENS:
        parts.append(new_words.format(new_tokens))
    threads = record.backend.get("n_threads", record.params.get("threads"))
    if record.gpu is None and threads is not None:
        parts.append(thread_words.format(threads))
    if record.profile != "full":
        parts.append(profile_words.format(record.profile))
    if record.backend.get("repack") is False:
        parts.append(no_repack)
    return "; ".join(parts)


def _bandwidth(path: str, record: Record, gpus_path: str | os.PathLike) -> tuple[float, float, float, str]:
    """(GB/s of the bound, lowest, highest, where it came from)."""
    if record.gpu is None:
        samples = (record.extra.get("cpu_bandwidth_probe") or {}).get("samples_gbs")
        if not isinstance(samples, list) or not samples or not all(
                isinstance(x, int | float) and not isinstance(x, bool) and x > 0 for x in samples):
            raise DataError(path, f"key 'extra/cpu_bandwidth_probe/samples_gbs': {samples!r}; expected "
                            "the CPU's measured read bandwidths in GB/s")
        return statistics.median(samples), min(samples), max(samples), "measured (CPU probe, median)"
    catalogue = read_catalogue(gpus_path)
    name = catalogue.canonical(str(record.gpu), path, column="gpu")
    gbs = float(catalogue.rows[name]["memory_bandwidth_gbs"])
    return gbs, gbs, gbs, f"{gpus_path} ({name})"


def _arithmetic_bound(path: str, record: Record) -> float | None:
    """The arithmetic ceiling of a CPU llama.cpp run that measured one (``extra.arithmetic_ceiling``),
    recomputed from its prefill samples and the profile's model in its format
    (``gpusurvey.models.roofline.prefill_arithmetic_bound``); None otherwise."""
    if record.gpu is not None or not record.extra.get("arithmetic_ceiling"):
        return None
    prefill = record.metrics.get("prefill_tokens_per_s")
    if prefill is None or not prefill.mean or prefill.mean <= 0:
        raise DataError(path, "key 'metrics/prefill_tokens_per_s': missing or not positive; a record with "
                        "an arithmetic ceiling takes it from its prefill")
    settings = trusted_settings(path, record)
    tensors = format_tensors(PRESETS[settings["model"]], str(record.backend.get("weights", "")))
    return prefill_arithmetic_bound(prefill.mean, settings["prompt_tokens"], tensors).tokens_per_s


def measured_row(path: str, record: Record, gpus_path: str | os.PathLike) -> dict:
    fmt = record_format(path, record)
    row = dict.fromkeys(COLUMNS)
    row.update(threads=record.backend.get("n_threads", record.params.get("threads")),
               repack=record.backend.get("repack"))
    row.update(source="measured", machine=record.machine, device=record.gpu or "cpu",
               backend=record.params.get("backend", "-"), format=LABELS[fmt], status=record.status,
               settings=_settings(record, "en"), settings_ko=_settings(record, "ko"), path=path)
    row["gb_per_token"] = decode_bytes_per_token(path, record) / 1e9
    if record.status != "ok":
        return row
    if record.gpu is None:
        check_bound(path, record, None)
    metric = record.metrics[record.primary_metric]
    row.update(tokens_per_s=metric.mean, tokens_per_s_sd=metric.std, n=len(metric.samples),
               cv=metric.std / metric.mean)
    bandwidth, low, high, source = _bandwidth(path, record, gpus_path)
    memory = bound_tokens_per_s(bandwidth, row["gb_per_token"] * 1e9)
    arithmetic = _arithmetic_bound(path, record)
    bound = min(memory, arithmetic) if arithmetic is not None else memory
    row.update(bandwidth_gbs=bandwidth, bandwidth_min_gbs=low, bandwidth_max_gbs=high,
               bandwidth_source=source, memory_bound_tokens_per_s=memory,
               arithmetic_bound_tokens_per_s=arithmetic,
               binding="arithmetic" if bound != memory else "memory bandwidth",
               bound_tokens_per_s=bound, efficiency=metric.mean / bound,
               memory_efficiency=metric.mean / memory)
    peak = record.peak_memory.get("rss_bytes" if record.gpu is None else "vram_bytes")
    row["peak_memory_gb"] = peak / 1e9 if peak is not None else None
    return row


def model_rows() -> list[dict]:
    """One row per format: LLaMA-13B's weight GB per token from the roofline model alone."""
    rows = []
    for fmt in FORMATS:
        row = dict.fromkeys(COLUMNS)
        row.update(source="model", machine="-", device="-", backend="-", format=LABELS[fmt], status="model",
                   gb_per_token=format_weight_bytes_per_token(PRESETS[MODEL], fmt) / 1e9, settings="",
                   settings_ko="")
        rows.append(row)
    return rows


def format_table(record_paths: Sequence[str | os.PathLike], gpus_path: str | os.PathLike) -> pd.DataFrame:
    """The table: measured rows (by machine, backend, format, path), then the model's rows."""
    loaded = [(str(p), load_checked(p)) for p in sorted(record_paths, key=str)]
    measured = [measured_row(p, r, gpus_path) for p, r in loaded
                if is_format_record(r) and r.params.get("model") == MODEL]
    measured.sort(key=lambda r: (r["machine"], str(r["backend"]), r["format"], r["path"]))
    table = pd.DataFrame(measured + model_rows(), columns=list(COLUMNS))
    table["n"] = table["n"].astype("Int64")
    return table


HEADERS = {
    "en": (stacked("Machine,", "backend"), "Format", "tokens/s", stacked("GB per", "token"), "GB/s",
           stacked("Memory", "bound"), stacked("Arithm.", "bound"), "Efficiency", stacked("Peak", "GB"),
           "Settings"),
    "ko": (stacked("머신,", "백엔드"), "형식", "토큰/s", "GB/토큰", "GB/s", stacked("메모리", "상한"),
           stacked("연산", "상한"), "효율", stacked("메모리", "GB"), "설정"),
}
STATUS = {"en": {"oom": "out of memory", "error": "error"}, "ko": {"oom": "메모리 부족", "error": "오류"}}
NOTES = {
    "en": "GB/token: bytes one token reads by the roofline model (weights and KV cache); the model "
          "rows count the weights only. GB/s: the measured read bandwidth of a CPU, a GPU's from "
          "its specifications (a CPU's is the median of the samples its run took). Memory bound: GB/s "
          "over GB/token; arithmetic bound: the rate at which the run's prefill multiplied weights "
          "(one read of the weights for all its tokens) over the weights per token, an estimate "
          "(CPU runs of llama.cpp). Efficiency is against the lower bound, in bold. "
          f"Settings: where a run differs from the survey's {SURVEY_NEW_TOKENS} new tokens.",
    "ko": "GB/토큰: 루프라인 모델로 센 토큰 하나당 읽는 바이트(가중치와 KV 캐시). 모델 행은 가중치만 "
          "센다. GB/s: CPU는 실행 중에 잰 읽기 대역폭의 중앙값, GPU는 사양의 값. 메모리 상한: GB/s를 "
          "GB/토큰으로 나눈 값. 연산 상한: 실행의 프리필이 가중치를 곱한 속도(가중치를 한 번 읽어 모든 "
          "토큰에 씀)를 토큰당 가중치 수로 나눈 추정값(llama.cpp의 CPU 실행). 효율은 둘 중 낮은 "
          "상한(굵게)에 대한 비율. 설정: 서베이의 "
          f"새 토큰 {SURVEY_NEW_TOKENS}개와 다른 점.",
}


def _num(value, places: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{places}f}"


SETTINGS_COLUMN = wrapped_column("2.1cm")
"""The settings column: wrapped between words only (no word is broken inside a cell)."""


def fragment(table: pd.DataFrame, lang: str) -> str:
    """The table as a LaTeX fragment in ``lang``."""
    rows = []
    for r in table.to_dict("records"):
        if r["source"] == "model":
            rows.append(["-", r["format"], "-", _num(r["gb_per_token"], 2), "-", "-", "-", "-", "-",
                         "모델" if lang == "ko" else "model"])
            continue
        head = [stacked(escape_latex(r["machine"]), escape_latex(r["backend"])), r["format"]]
        settings = r["settings_ko" if lang == "ko" else "settings"] or "-"
        if r["status"] != "ok":
            rows.append([*head, STATUS[lang].get(r["status"], r["status"]), _num(r["gb_per_token"], 2),
                         "-", "-", "-", "-", "-", settings])
            continue
        speed = stacked(f"{r['tokens_per_s']:.3f} ± {r['tokens_per_s_sd']:.3f}", f"(n={int(r['n'])})")
        arithmetic = r["arithmetic_bound_tokens_per_s"]
        bounds = [_num(r["memory_bound_tokens_per_s"], 3),
                  "-" if arithmetic is None or pd.isna(arithmetic) else _num(arithmetic, 3)]
        binding = int(r["binding"] == "arithmetic")
        bounds[binding] = bold(bounds[binding])
        rows.append([*head, speed, _num(r["gb_per_token"], 2), _num(r["bandwidth_gbs"], 1), *bounds,
                     f"{r['efficiency'] * 100:.0f}%", _num(r["peak_memory_gb"], 1), settings])
    # Ten columns: one size below the other tables', the settings wrapped between words
    # (ragged, never hyphenated), so that it fits the text width.
    return tabular(HEADERS[lang], rows, "llrrrrrrr" + SETTINGS_COLUMN, notes=[NOTES[lang]])


@dataclass(frozen=True)
class FormatOutputs:
    csv: str | os.PathLike
    ko: str | os.PathLike
    en: str | os.PathLike


def write_format_table(record_paths: Sequence[str | os.PathLike], gpus_path: str | os.PathLike,
                       out: FormatOutputs) -> None:
    """The CSV and both LaTeX fragments, every input read before the first output is written."""
    table = format_table(record_paths, gpus_path)
    fragments = {lang: fragment(table, lang) for lang in ("ko", "en")}
    atomic.write_text(out.csv, table.to_csv(index=False, lineterminator="\n"))
    atomic.write_text(out.ko, fragments["ko"])
    atomic.write_text(out.en, fragments["en"])
