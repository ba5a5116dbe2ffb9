"""The decode roofline, for both halves and both kinds of row: bytes read per decoded token and
the memory-bandwidth bound of batch-1 decoding.

At batch size 1 every weight that takes part in a token is read once from memory per token,
and the arithmetic is too little to hide it, so tokens/s <= bandwidth / bytes per token.
A measured row counts the tensors its backend actually holds (``weight_bytes_per_token`` of
the checkpoint's inventory, plus its KV cache); a published row counts the tensors of the
checkpoint its model and weight format imply (``gptq_bytes_per_token``: the survey's
LLaMA-13B in GPTQ 4-bit, group size 128), without the KV cache, whose context the survey
does not give (at a few hundred tokens it adds under 5 %, and the bound stays an upper
limit). What counts:

- every linear layer in full: for GPTQ its ``qweight``, ``qzeros`` and ``scales``; ``g_idx``
  is left out (with ``desc_act`` false it only says which group a row is in, which the loader
  turns into the matrix layout once);
- the output layer (``lm_head``) in full, the RMSNorm weights in full;
- the token embedding as one row per token: it is a gather, not a full read (unless the
  embedding doubles as the output layer, tied, when it is read in full);
- the KV cache: K and V of every layer at the mean context length of the decode steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gpusurvey.models.llama import PRESETS, LlamaShape, gptq_tensors

Inventory = dict[str, tuple[str, tuple[int, ...]]]
"""Tensor name -> (safetensors dtype, shape): what a checkpoint holds."""

DTYPE_BYTES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "I16": 2, "U16": 2,
               "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8}


def tensor_bytes(dtype: str, shape: tuple[int, ...]) -> int:
    return math.prod(shape) * DTYPE_BYTES[dtype]


def weight_bytes_per_token(tensors: Inventory) -> int:
    """Weight bytes one decode step reads (see the module's docstring for what counts)."""
    tied = "lm_head.weight" not in tensors
    total = 0
    for name, (dtype, shape) in tensors.items():
        if name.endswith(".g_idx"):
            continue
        if name.endswith("embed_tokens.weight") and not tied:
            total += shape[-1] * DTYPE_BYTES[dtype]
            continue
        total += tensor_bytes(dtype, shape)
    return total


def quantised_parameters(tensors: Inventory, bits: int = 4) -> int:
    """Weights held in the quantised linear layers: each int32 of ``qweight`` packs 32 / bits."""
    return sum(shape[0] * (32 // bits) * shape[1]
               for name, (_, shape) in tensors.items() if name.endswith(".qweight"))


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


def gptq_bytes_per_token(shape: LlamaShape) -> int:
    """Weight bytes one decoded token reads from a GPTQ checkpoint of ``shape`` (no KV cache)."""
    return weight_bytes_per_token({name: (dtype, dims) for name, dtype, dims in gptq_tensors(shape)})


LLAMA13B_GPTQ_BYTES_PER_TOKEN = gptq_bytes_per_token(PRESETS["llama-13b"])
"""The survey's Table 5 model: LLaMA-13B in GPTQ 4-bit, group size 128, about 6.92 GB per token."""


def bound_tokens_per_s(bandwidth_gbs: float, bytes_per_token: float) -> float:
    """The bandwidth bound on batch-1 decode speed (tokens/s); bandwidth in GB/s (10^9 bytes)."""
    return bandwidth_gbs * 1e9 / bytes_per_token


DENSE_DTYPES = {"float16": "F16", "bfloat16": "BF16", "float32": "F32"}
"""Unquantised weight formats (the transformers backend's ``backend.weights``) as safetensors dtypes."""


def dense_tensors(shape: LlamaShape, dtype: str) -> Inventory:
    """The tensors of an unquantised LLaMA of ``shape`` in ``dtype`` (``F16``, ``BF16``, ``F32``)."""
    tensors: Inventory = {"model.embed_tokens.weight": (dtype, (shape.vocab, shape.hidden))}
    for layer in range(shape.layers):
        prefix = f"model.layers.{layer}"
        for name, n_in, n_out in shape.linear_layers():
            tensors[f"{prefix}.{name}.weight"] = (dtype, (n_out, n_in))
        for norm in ("input_layernorm", "post_attention_layernorm"):
            tensors[f"{prefix}.{norm}.weight"] = (dtype, (shape.hidden,))
    tensors["model.norm.weight"] = (dtype, (shape.hidden,))
    tensors["lm_head.weight"] = (dtype, (shape.vocab, shape.hidden))
    return tensors


def format_tensors(shape: LlamaShape, weights_format: str) -> Inventory:
    """The tensors a decode reads for a weights format as a record's ``backend.weights`` names it:
    ``gptq int4 group 128`` (exllamav2) or a dtype (``float16``: the transformers backend).
    Raises ValueError for any other."""
    if weights_format.startswith("gptq"):
        return {name: (dtype, dims) for name, dtype, dims in gptq_tensors(shape)}
    if weights_format in DENSE_DTYPES:
        return dense_tensors(shape, DENSE_DTYPES[weights_format])
    raise ValueError(f"unknown weights format '{weights_format}'; expected 'gptq ...' or one of "
                     f"{sorted(DENSE_DTYPES)}")
