"""The words of a record's backend description in each edition's language.

A record's ``backend`` holds what a workload reported about how it ran: keys (``attention``,
``dtype``) and values that are names (``sdpa``, ``float16``), numbers, switches, or a few
phrases the workloads write in English. Names and versions stay as they are; keys, switches
and the known phrases are translated. A key or phrase not listed here is printed as
recorded (a new workload's description still appears, in its own words).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

KEYS = {
    "ko": {
        "library": "라이브러리", "attention": "어텐션", "dtype": "자료형", "scheduler": "스케줄러",
        "tokenizer": "토크나이저", "compiled": "컴파일", "compile_mode": "컴파일 모드",
        "unet_attention_processors": "U-Net 어텐션 프로세서",
        "vae_attention_processors": "VAE 어텐션 프로세서", "torch_threads": "torch 스레드 수",
        "numpy_blas": "NumPy BLAS", "thread_env": "스레드 환경 변수", "cpu_timing": "CPU 시간 측정",
        "device": "장치", "bits": "비트", "group_size": "그룹 크기", "kernel": "커널",
        "cpu_peak_gemm": "GEMM 최고 속도", "cpu_threads": "지표별 스레드 수",
        "activations": "활성값 자료형", "format": "가중치 형식", "weights": "가중치",
        "kv_cache": "KV 캐시", "n_threads": "스레드 수", "n_gpu_layers": "GPU에 올린 층 수",
        "gpu_offload_supported": "GPU 오프로드 지원", "version": "버전", "use_cache": "KV 캐시 사용",
        "repack": "가중치 재배열(repack)", "cuda_fp32_matmul_precision": "CUDA fp32 곱 정밀도",
        "cuda_timing": "CUDA 시간 측정", "fp16_reduced_precision_reduction": "fp16 저정밀 누산",
        "tf32": "TF32",
    },
    "en": {
        "library": "library", "attention": "attention", "dtype": "data type", "scheduler": "scheduler",
        "tokenizer": "tokenizer", "compiled": "compiled", "compile_mode": "compile mode",
        "unet_attention_processors": "U-Net attention processors",
        "vae_attention_processors": "VAE attention processors", "torch_threads": "torch threads",
        "numpy_blas": "NumPy BLAS", "thread_env": "thread environment variables",
        "cpu_timing": "CPU timing", "device": "device", "bits": "bits", "group_size": "group size",
        "kernel": "kernel", "cpu_peak_gemm": "peak GEMM", "cpu_threads": "threads per metric",
        "activations": "activations", "format": "weight format", "weights": "weights",
        "kv_cache": "KV cache", "n_threads": "threads", "n_gpu_layers": "layers on the GPU",
        "gpu_offload_supported": "GPU offload supported", "version": "version",
        "use_cache": "KV cache used", "repack": "repacked weights",
        "cuda_fp32_matmul_precision": "CUDA fp32 product precision", "cuda_timing": "CUDA timing",
        "fp16_reduced_precision_reduction": "fp16 reduced-precision reduction", "tf32": "TF32",
    },
}

SWITCHES = {"ko": {True: "예", False: "아니요", None: "설정 안 됨"},
            "en": {True: "yes", False: "no", None: "unset"}}

PHRASES = {
    "ko": (
        (re.compile(r"^perf_counter around (\d+) products, ([\d.]+) s idle before each library's loop$"),
         r"곱 \1회를 perf_counter로 재고, 라이브러리마다 재기 전 \2초 대기"),
        (re.compile(r"^(\d+)x(\d+) (fp32|fp32 and bf16) torch\.matmul on (\d+) threads?, (\d+) per "
                    r"repetition; the peak is the best timed repetition$"),
         lambda m: (f"{m[1]}x{m[2]} {m[3].replace(' and ', ', ')} torch.matmul, 스레드 {m[4]}개, "
                    f"반복마다 {m[5]}회; 최고 속도는 가장 빠른 반복")),
        (re.compile(r"^(\w+) \(llama\.cpp KV cache\)$"), r"\1 (llama.cpp KV 캐시)"),
        (re.compile(r"^CUDA events around (\d+) products replayed from a CUDA graph$"),
         r"CUDA 그래프로 재생한 곱 \1회를 CUDA 이벤트로 측정"),
        (re.compile(r"^CUDA events around (\d+) products launched eagerly$"),
         r"하나씩 실행한 곱 \1회를 CUDA 이벤트로 측정"),
        (re.compile(r"^(\w+) and (\w+)$"), r"\1, \2"),
    ),
    "en": (
        (re.compile(r"^(.*\bon )1 threads\b(.*)$"), r"\g<1>1 thread\2"),
    ),
}
"""The English phrases the workloads record, and how the Korean edition says them."""


def value_text(value: Any, lang: str) -> str:
    """One backend value in ``lang``: switches as words, a mapping as ``key=value`` pairs,
    a list joined by commas, a known phrase translated; anything else as recorded."""
    if isinstance(value, bool) or value is None:
        return SWITCHES[lang][value]
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={value_text(v, lang)}" for k, v in sorted(value.items()))
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, lang) for v in value)
    text = str(value)
    for pattern, replacement in PHRASES[lang]:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return text


def backend_items(backend: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """``(key, value)`` of a record's backend in ``lang``, in the order of its keys."""
    return [(KEYS[lang].get(key, key), value_text(value, lang)) for key, value in sorted(backend.items())]
