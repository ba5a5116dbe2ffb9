"""The GPU memory one inference run needs, as a sum a reader can check term by term.

A language model decoding on one GPU holds:

- **weights**, tensor by tensor from the weight-format model (``weight_formats``): GPTQ 4-bit
  g128 runs on exllamav2, the GGUF mixtures on llama.cpp with every layer offloaded, FP16 on
  transformers. exllamav2 and llama.cpp keep the token embedding (a lookup table) in host
  memory, so it is left out there unless it doubles as the output layer (tied);
- **the KV cache**: context x layers x KV heads x head dimension x 2 (K and V) x bytes per
  element of the cache (fp16: 2; llama.cpp's q8_0 cache: 34/32, q4_0: 18/32), for every layer
  (Gemma-2's sliding-window layers are counted at full length, as llama.cpp allocates them);
- **scratch**: the largest activations the backend holds at once while it reads a prompt. It is
  counted from the graph, not from a documented size: the attention scores of one chunk of the
  prompt against the whole context (chunk x heads x context) and the FFN's two intermediate
  tensors (chunk x 2 x FFN width), at the backend's activation width: llama.cpp 4 bytes (fp32)
  in chunks of 512 tokens (its default ``n_ubatch``), exllamav2 2 bytes in chunks of 2048 (its
  default ``max_input_len``), transformers 2 bytes over the whole prompt at once;
- **the runtime's fixed cost**: the CUDA context and the libraries' kernels, a published
  figure passed in by the caller (``data/vram.csv``, kind ``runtime``).

Stable Diffusion holds its three networks' weights at the run's precision (``sd_memory``) plus
its largest activation. Nothing here reads a file: shapes and figures come in as arguments.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from gpusurvey.models.llama import LlamaShape
from gpusurvey.models.roofline import tensor_bytes
from gpusurvey.models.weight_formats import (
    FP16_FORMAT,
    GPTQ_FORMAT,
    MEMORY_FORMATS,
    MODELLED_GGUF,
    format_inventory,
)

BACKENDS = {GPTQ_FORMAT: "exllamav2", **{fmt: "llama.cpp" for fmt in MODELLED_GGUF},
            FP16_FORMAT: "transformers"}
"""The backend each format runs on."""
HOST_EMBEDDING = {"exllamav2", "llama.cpp"}
"""Backends that keep the token embedding in host memory."""
SCRATCH = {"llama.cpp": (4, 512), "exllamav2": (2, 2048), "transformers": (2, None)}
"""Backend -> (bytes per activation, prompt tokens per chunk; None: the whole prompt)."""
KV_CACHE_BYTES = {"fp16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
"""Bytes per cached element: fp16, or llama.cpp's quantised caches (a block of 32 values)."""
DEFAULT_HEADROOM_GIB = 0.5
"""GiB of a card kept free for the display and other programs (``gpusurvey fit --headroom``; the
pipeline's ``fit.headroom``)."""
FORMAT_LABELS = {GPTQ_FORMAT: "GPTQ 4-bit g128", **MODELLED_GGUF, FP16_FORMAT: "FP16"}


@dataclass(frozen=True)
class Breakdown:
    """Bytes of each term of one run's GPU memory."""

    weights: float
    kv_cache: float
    scratch: float
    runtime: float

    @property
    def total(self) -> float:
        return self.weights + self.kv_cache + self.scratch + self.runtime

    def terms(self) -> dict[str, float]:
        return {"weights": self.weights, "kv_cache": self.kv_cache, "scratch": self.scratch,
                "runtime": self.runtime}


def check_format(fmt: str) -> str:
    if fmt not in BACKENDS:
        raise ValueError(f"format '{fmt}': expected one of {list(MEMORY_FORMATS)}")
    return BACKENDS[fmt]


@functools.cache
def gpu_weight_bytes(shape: LlamaShape, fmt: str) -> int:
    """Bytes of the weights the GPU holds for a checkpoint of ``shape`` in ``fmt`` (cached, as
    ``roofline.format_weight_bytes_per_token``)."""
    backend = check_format(fmt)
    total = 0
    for name, (dtype, dims) in format_inventory(shape, fmt).items():
        embedding = name.endswith(("embed_tokens.weight", "token_embd.weight"))
        if embedding and backend in HOST_EMBEDDING and not shape.tied:
            continue
        total += tensor_bytes(dtype, dims)
    return total


def kv_cache_bytes(shape: LlamaShape, context: int, cache: str = "fp16") -> float:
    if cache not in KV_CACHE_BYTES:
        raise ValueError(f"cache '{cache}': expected one of {sorted(KV_CACHE_BYTES)}")
    return context * shape.layers * shape.kv_heads * shape.head_dim * 2 * KV_CACHE_BYTES[cache]


def scratch_bytes(shape: LlamaShape, backend: str, context: int) -> float:
    width, chunk = SCRATCH[backend]
    tokens = context if chunk is None else min(chunk, context)
    return width * tokens * (shape.heads * context + 2 * shape.intermediate)


def llm_memory(shape: LlamaShape, fmt: str, context: int, runtime_bytes: float,
               cache: str = "fp16") -> Breakdown:
    """The memory of decoding with ``shape`` in ``fmt`` with ``context`` tokens cached."""
    if context <= 0:
        raise ValueError(f"context: expected a positive number of tokens, got {context}")
    backend = check_format(fmt)
    return Breakdown(weights=gpu_weight_bytes(shape, fmt),
                     kv_cache=kv_cache_bytes(shape, context, cache),
                     scratch=scratch_bytes(shape, backend, context),
                     runtime=runtime_bytes)
