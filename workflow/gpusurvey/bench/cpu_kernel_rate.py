"""The CPU's arithmetic ceiling for a llama.cpp decode: how many weights of a format its cores
multiply per second when memory does not hold them back.

Decoding one token multiplies every weight of the model once (a matrix-vector product per
layer). On a few cores the dequantising and multiplying can take longer than reading the
weights, and then the memory-bandwidth bound is not the one that binds. The rate is measured
with llama.cpp's own kernels, in the run's format, threads and repacking: two synthetic LLaMAs of
the same depth and operations but different widths (``llama-kernel-512`` and
``llama-kernel-768``, at most 15 MB in any format, so their weights stay in the caches) decode
``tokens`` tokens each, in turns; the fastest of ``REPEATS`` runs gives each one's seconds per token. The
slope of seconds per token against weights per token is the seconds per weight; what both
models pay alike (per-operation overhead, norms, the thread barrier) falls into the intercept.
The ceiling of a model is then rate / its weights per token.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gpusurvey.models.llama import PRESETS

PRESET_PAIR = ("llama-kernel-512", "llama-kernel-768")
REPEATS = 15
TOKENS = 256


def weights_per_token(inventory: dict[str, tuple[str, tuple[int, ...]]]) -> int:
    """Weights multiplied per decoded token: every matrix of the file but the token embedding,
    of which one row is looked up."""
    return sum(shape[0] * shape[1] for name, (_, shape) in inventory.items()
               if len(shape) == 2 and name != "token_embd.weight")


def slope(points: list[dict[str, float]]) -> float:
    """Seconds per weight between the two points' (weights_per_token, s_per_token); ValueError
    when the wider model was not slower (the rate is then not measurable on this machine)."""
    (w1, t1), (w2, t2) = ((p["weights_per_token"], p["s_per_token"]) for p in points)
    if not w2 > w1 or not t2 > t1:
        raise ValueError(f"the wider model ({w2} weights, {t2:.3g} s per token) was not slower than "
                         f"the narrower ({w1} weights, {t1:.3g} s per token)")
    return (t2 - t1) / (w2 - w1)


def measure(fmt: str, threads: int, repack: bool, folder: str | os.PathLike, seed: int = 0,
            tokens: int = TOKENS) -> dict[str, Any]:
    """The rate (``weights_per_s``) of ``fmt`` on ``threads`` threads with its two points. Both
    models stay loaded and take turns, so that a change in the machine's speed while they run
    reaches both alike."""
    from gpusurvey.bench.llm_llama_cpp import LlamaCppBackend
    from gpusurvey.bench.synth import llama_gguf

    backends = []
    try:
        for preset in PRESET_PAIR:
            path = llama_gguf.write(preset, fmt, Path(folder) / f"{preset}-{fmt}.gguf")
            backend = LlamaCppBackend(str(path), PRESETS[preset], fmt, "cpu", tokens + 1, 1, threads,
                                      seed, repack=repack)
            backends.append(backend)
            backend.load()
            backend.generate([1], tokens)  # warm-up: caches and thread pool
        best = [float("inf")] * len(backends)
        for _ in range(REPEATS):
            for i, backend in enumerate(backends):
                best[i] = min(best[i], backend.generate([1], tokens).decode_s / (tokens - 1))
        points = [{"preset": preset, "weights_per_token": weights_per_token(backend.tensors()),
                   "s_per_token": seconds}
                  for preset, backend, seconds in zip(PRESET_PAIR, backends, best, strict=True)]
    finally:
        for backend in backends:
            backend.close()
    rate = 1.0 / slope(points)
    return {
        "weights_per_s": rate,
        "format": fmt,
        "threads": threads,
        "repack": repack,
        "points": points,
        "method": (f"llama.cpp decode of {PRESET_PAIR[0]} and {PRESET_PAIR[1]} (synthetic, weights in "
                   f"the caches) in {fmt}, {tokens - 1} tokens, fastest of {REPEATS} taken in turns; "
                   "rate = 1 / the slope of seconds per token against weights per token"),
    }
