"""The decode roofline, for both halves and both kinds of row: bytes read per decoded token and
the memory-bandwidth bound of batch-1 decoding.

At batch size 1 every weight that takes part in a token is read once from memory per token,
and the arithmetic is too little to hide it, so tokens/s <= bandwidth / bytes per token.
The memory is the GPU's, or the CPU's for a CPU run. A measured row counts the tensors its
backend actually holds (``weight_bytes_per_token`` of the checkpoint's inventory, plus its KV
cache); a published row counts the tensors of the checkpoint its model and weight format
imply (``format_weight_bytes_per_token``: the survey's LLaMA-13B in GPTQ 4-bit, group size
128), without the KV cache, whose context the survey does not give (at a few hundred tokens
it adds under 5 %, and the bound stays an upper limit). The same count serves every format
(``gpusurvey.models.weight_formats``), so Q4_0, Q4_K_M, Q8_0 and GPTQ are compared on one
footing. What counts:

- every linear layer in full: for GGUF its blocks (codes and scales together); for GPTQ its
  ``qweight``, ``qzeros`` and ``scales``; ``g_idx`` is left out (with ``desc_act`` false it
  only says which group a row is in, which the loader turns into the matrix layout once);
- the output layer (``lm_head``, GGUF ``output``) in full, the RMSNorm weights in full;
- the token embedding (``embed_tokens``, GGUF ``token_embd``) as one row per token: it is a
  gather, not a full read (unless the embedding doubles as the output layer, tied, when it is
  read in full);
- the KV cache: K and V of every layer at the mean context length of the decode steps.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from gpusurvey.models.llama import PRESETS, LlamaShape, gptq_tensors
from gpusurvey.models.weight_formats import (
    GGML_BLOCKS,
    GGUF_FORMATS,
    GPTQ_FORMAT,
    Inventory,
    dense_tensors,
    format_inventory,
    ggml_tensor_bytes,
)

DTYPE_BYTES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "I16": 2, "U16": 2,
               "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8}


def tensor_bytes(dtype: str, shape: tuple[int, ...]) -> int:
    """Bytes of a tensor stored as a safetensors dtype or a ggml (GGUF) type."""
    if dtype in DTYPE_BYTES:
        return math.prod(shape) * DTYPE_BYTES[dtype]
    if dtype in GGML_BLOCKS:
        return ggml_tensor_bytes(dtype, shape)
    raise ValueError(f"storage type '{dtype}': expected a safetensors dtype ({sorted(DTYPE_BYTES)}) "
                     f"or a ggml type ({sorted(GGML_BLOCKS)})")


EMBEDDINGS = ("embed_tokens.weight", "token_embd.weight")
OUTPUTS = ("lm_head.weight", "output.weight")


def weight_bytes_per_token(tensors: Inventory) -> int:
    """Weight bytes one decode step reads (see the module's docstring for what counts)."""
    tied = not any(name in tensors for name in OUTPUTS)
    total = 0
    for name, (dtype, shape) in tensors.items():
        if name.endswith(".g_idx"):
            continue
        if name.endswith(EMBEDDINGS) and not tied:
            total += tensor_bytes(dtype, shape[-1:])
            continue
        total += tensor_bytes(dtype, shape)
    return total


@functools.cache
def format_weight_bytes_per_token(shape: LlamaShape, fmt: str) -> int:
    """Weight bytes one decode step reads from a checkpoint of ``shape`` in ``fmt`` (a name of
    ``weight_formats.FORMATS``), from the tensor list alone, with no file (cached: the tables ask
    for each model and format hundreds of times, once per card and context)."""
    return weight_bytes_per_token(format_inventory(shape, fmt))


def quantised_parameters(tensors: Inventory, bits: int = 4) -> int:
    """Weights held in the quantised linear layers: each int32 of a GPTQ ``qweight`` packs
    32 / bits; a GGUF layer matrix (``blk.N.*``, 2-D, in a block type) holds its shape's product."""
    gptq = sum(shape[0] * (32 // bits) * shape[1]
               for name, (_, shape) in tensors.items() if name.endswith(".qweight"))
    gguf = sum(math.prod(shape) for name, (dtype, shape) in tensors.items()
               if name.startswith("blk.") and len(shape) == 2 and GGML_BLOCKS.get(dtype, (1,))[0] > 1)
    return gptq + gguf


@dataclass(frozen=True)
class ArithmeticBound:
    """What a CPU's cores can multiply, from a prefill: see ``prefill_arithmetic_bound``."""

    weights_per_s: float
    weights_per_token: int
    tokens_per_s: float


def prefill_arithmetic_bound(prefill_tokens_per_s: float, prompt_tokens: int,
                             tensors: Inventory) -> ArithmeticBound:
    """The decode rate the cores' arithmetic allows, from a prefill of ``prompt_tokens`` tokens.

    A prefill evaluates its tokens in one batch: every layer matrix is read once and multiplied
    by all of them, and the output layer only for the last token (the one whose logits are
    asked). Its weights multiplied per second are then bound by arithmetic, not by memory; that
    rate over the weights one decoded token multiplies (the layer matrices and the output layer)
    estimates the decode's arithmetic ceiling. It is a ceiling where the batched kernels are at
    least as fast per weight as the single-token ones; where they are not, a decode can run above
    it, which its efficiency above 1 then shows."""
    if prefill_tokens_per_s <= 0 or prompt_tokens < 1:
        raise ValueError(f"expected a positive prefill rate and prompt, got {prefill_tokens_per_s} "
                         f"and {prompt_tokens}")
    layers = quantised_parameters(tensors)
    head = math.prod(tensors["output.weight"][1]) if "output.weight" in tensors else 0
    rate = (prompt_tokens * layers + head) * prefill_tokens_per_s / prompt_tokens
    per_token = layers + head
    return ArithmeticBound(rate, per_token, rate / per_token)


def mean_decode_context(prompt_tokens: int, new_tokens: int) -> float:
    """Mean number of cached positions a decode step attends to.

    The prefill yields the first new token; decode step k (1 .. new_tokens - 1) feeds token k
    at position prompt + k - 1 and attends to prompt + k positions: mean prompt + new_tokens / 2.
    """
    steps = new_tokens - 1
    return prompt_tokens + (steps + 1) / 2 if steps > 0 else float(prompt_tokens)


@dataclass(frozen=True)
class Roofline:
    weight_bytes: int
    kv_bytes: float
    mean_context_tokens: float

    @property
    def bytes_per_token(self) -> float:
        return self.weight_bytes + self.kv_bytes

    def bound_tokens_per_s(self, bandwidth_gbs: float) -> float:
        return bound_tokens_per_s(bandwidth_gbs, self.bytes_per_token)


def roofline(tensors: Inventory, shape: LlamaShape, prompt_tokens: int, new_tokens: int,
             kv_dtype_bytes: int = 2) -> Roofline:
    context = mean_decode_context(prompt_tokens, new_tokens)
    return Roofline(
        weight_bytes=weight_bytes_per_token(tensors),
        kv_bytes=shape.kv_bytes_per_position(kv_dtype_bytes) * context,
        mean_context_tokens=context,
    )


LLAMA13B_GPTQ_BYTES_PER_TOKEN = format_weight_bytes_per_token(PRESETS["llama-13b"], GPTQ_FORMAT)
"""The survey's Table 5 model: LLaMA-13B in GPTQ 4-bit, group size 128, about 6.92 GB per token."""


def bound_tokens_per_s(bandwidth_gbs: float, bytes_per_token: float) -> float:
    """The bandwidth bound on batch-1 decode speed (tokens/s); bandwidth in GB/s (10^9 bytes)."""
    return bandwidth_gbs * 1e9 / bytes_per_token


DENSE_DTYPES = {"float16": "F16", "bfloat16": "BF16", "float32": "F32"}
"""Unquantised weight formats (the transformers backend's ``backend.weights``) as safetensors dtypes."""


def format_tensors(shape: LlamaShape, weights_format: str) -> Inventory:
    """The tensors a decode reads for a weights format as a record's ``backend.weights`` names it:
    ``gptq int4 group 128`` (exllamav2), ``gguf Q4_K_M`` (llama.cpp) or a dtype (``float16``:
    the transformers backend). Raises ValueError for any other."""
    if weights_format.startswith("gptq"):
        return {name: (dtype, dims) for name, dtype, dims in gptq_tensors(shape)}
    gguf = {f"gguf {label}": fmt for fmt, label in GGUF_FORMATS.items()}
    if weights_format in gguf:
        return format_inventory(shape, gguf[weights_format])
    if weights_format in DENSE_DTYPES:
        return dense_tensors(shape, DENSE_DTYPES[weights_format])
    raise ValueError(f"unknown weights format '{weights_format}'; expected 'gptq ...', one of "
                     f"{sorted(gguf)} or one of {sorted(DENSE_DTYPES)}")
