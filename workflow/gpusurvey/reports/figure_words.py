"""The words of the figures in each edition: axis titles, legend entries and panel titles, built
on the glossary's terms (``gpusurvey.core.glossary``) so that a figure names a concept as the
paper's text and tables do."""

from __future__ import annotations

from gpusurvey.core.glossary import term
from gpusurvey.registry import LLM_DECODE, SD_HIRES, SD_TXT2IMG

TEXT = {
    "ko": {
        "it/s": "초당 반복 횟수 (it/s)",
        "tokens/s": "초당 토큰 수 (tokens/s)",
        "published": "서베이 발표값",
        "measured": "본 파이프라인의 측정값",
        "baseline": "기준",
        "price": "출시 가격 (USD)",
        "per_dollar": term("value_per_dollar", "ko") + " ({unit}/USD)",
        "front": "파레토 전선 (같은 가격 이하에서 가장 빠른 GPU)",
        SD_TXT2IMG: "Stable Diffusion 512x512",
        SD_HIRES: "Stable Diffusion 고해상도 업스케일링",
        LLM_DECODE: "LLaMA-13B 4비트 디코딩",
        "bandwidth": "메모리 대역폭 (GB/s, 로그 축)",
        "decode": term("decoding", "ko") + " 속도 (tokens/s, 로그 축)",
        "bound": "대역폭 상한: 대역폭 / 토큰당 {gb:.2f} GB",
        "matmul": "1000x1000 행렬곱 1회 시간 (ms, 로그 축)",
        "survey": "서베이",
        "cpu": "CPU",
        "gpu": "GPU",
        "cpu_decode": "CPU의 llama.cpp (GGUF)\n가로 막대: 대역폭 측정 범위",
        "cpu_memory": "CPU 메모리 상한",
        "cpu_arithmetic": "CPU 연산 상한",
    },
    "en": {
        "it/s": "Iterations per second (it/s)",
        "tokens/s": "Tokens per second",
        "published": "Published in the survey",
        "measured": "Measured by this pipeline",
        "baseline": "baseline",
        "price": "Launch price (USD)",
        "per_dollar": term("value_per_dollar", "en").capitalize() + " ({unit}/USD)",
        "front": "Pareto front (fastest GPU at or below each price)",
        SD_TXT2IMG: "Stable Diffusion 512x512",
        SD_HIRES: "Stable Diffusion high-resolution upscaling",
        LLM_DECODE: "LLaMA-13B 4-bit decoding",
        "bandwidth": "Memory bandwidth (GB/s, log scale)",
        "decode": "Decode speed (tokens/s, log scale)",
        "bound": "Bandwidth bound: bandwidth / {gb:.2f} GB per token",
        "matmul": "Time per 1000x1000 matrix product (ms, log scale)",
        "survey": "survey",
        "cpu": "CPU",
        "gpu": "GPU",
        "cpu_decode": "CPU, llama.cpp (GGUF)\nbar: range of the measured bandwidth",
        "cpu_memory": "CPU memory ceiling",
        "cpu_arithmetic": "CPU arithmetic ceiling",
    },
}
