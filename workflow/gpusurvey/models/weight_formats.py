"""The weight formats LLaMA is run in, tensor by tensor: which storage type each tensor of a
LLaMA gets in a given format, and how many bytes a tensor of that type and shape occupies.

GGUF formats follow llama.cpp's quantiser (``llama_tensor_get_type_impl`` in
``src/llama-quant.cpp``, the rules for an untied LLaMA without an importance matrix):

- ``gguf-q4_0`` / ``gguf-q8_0``: every 2-D weight in Q4_0 / Q8_0, the token embedding too,
  except the output layer: Q6_K under Q4_0 (any type but Q8_0 is raised to Q6_K there), Q8_0
  under Q8_0;
- ``gguf-q4_k_m`` / ``gguf-q5_k_m``: Q4_K / Q5_K by default; the output layer in Q6_K;
  ``attn_v`` and ``ffn_down`` in Q6_K on the layers ``use_more_bits`` picks (the first and last
  eighth of the layers and every third one between), the token embedding stays Q4_K / Q5_K;
- a k-quant needs rows of whole 256-value blocks: a matrix whose row length is not a multiple
  of 256 (Qwen2.5-72B's ``ffn_down``, rows of 29568) falls back to Q5_0 for Q4_K, Q5_1 for Q5_K
  and Q8_0 for Q6_K;
- a tied model (Gemma-2) has no output layer: its token embedding serves as one and gets the
  output layer's type;
- the RMSNorm weights and biases are 1-D and never quantised: F32.

``fp16`` is the unquantised checkpoint: every tensor in F16.

``gptq-4bit-g128`` is the GPTQ checkpoint ``gpusurvey synth llama-13b-gptq`` writes (its tensors
are ``gpusurvey.models.llama.gptq_tensors``).

Shapes here are in row-major (numpy) order, ``(rows, row_length)``: a quantised block runs
along the last dimension (ggml's ``ne[0]``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gpusurvey.models.llama import LlamaShape, gptq_tensors

GGML_BLOCKS: dict[str, tuple[int, int]] = {
    # (values per block, bytes per block), as gguf-py's constants.GGML_QUANT_SIZES states them
    # (ggml-common.h): Q4_0 = fp16 d + 16 bytes of 4-bit codes; Q8_0 = fp16 d + 32 int8;
    # Q4_K = fp16 d, fp16 dmin, 12 bytes of 6-bit scales and mins, 128 bytes of codes;
    # Q6_K = 128 bytes low 4 bits, 64 bytes high 2 bits, 16 int8 scales, fp16 d.
    "F32": (1, 4),
    "F16": (1, 2),
    "Q4_0": (32, 18),
    "Q8_0": (32, 34),
    "Q4_K": (256, 144),
    "Q6_K": (256, 210),
    # Q5_0 = fp16 d + 4 bytes of high bits + 16 of low nibbles; Q5_1 adds an fp16 min;
    # Q5_K = fp16 d, fp16 dmin, 12 bytes of scales, 32 bytes of high bits, 128 of low nibbles.
    "Q5_0": (32, 22),
    "Q5_1": (32, 24),
    "Q5_K": (256, 176),
}

GGUF_FORMATS: dict[str, str] = {"gguf-q4_0": "Q4_0", "gguf-q4_k_m": "Q4_K_M", "gguf-q8_0": "Q8_0"}
"""Format name -> llama.cpp's name of the mixture (``llama-quantize``'s type argument): the
formats the benchmarks write and run."""
GPTQ_FORMAT = "gptq-4bit-g128"
FORMATS = (*GGUF_FORMATS, GPTQ_FORMAT)
FP16_FORMAT = "fp16"
MODELLED_GGUF: dict[str, str] = {**GGUF_FORMATS, "gguf-q5_k_m": "Q5_K_M"}
"""Every GGUF mixture the byte count knows (the memory model's too)."""
MEMORY_FORMATS = (GPTQ_FORMAT, "gguf-q4_0", "gguf-q4_k_m", "gguf-q5_k_m", "gguf-q8_0", FP16_FORMAT)
"""The formats the memory model sizes, smallest first for a LLaMA."""
K_FALLBACK = {"Q4_K": "Q5_0", "Q5_K": "Q5_1", "Q6_K": "Q8_0"}
"""llama.cpp's type for a k-quant matrix whose rows are not whole 256-value blocks."""

Inventory = dict[str, tuple[str, tuple[int, ...]]]
"""tensor name -> (storage type: a safetensors dtype such as F16 or a ggml type such as Q4_K,
shape in row-major order)."""


def ggml_tensor_bytes(ggml_type: str, shape: tuple[int, ...]) -> int:
    """Bytes of a tensor stored in ``ggml_type``: whole blocks along its last dimension."""
    if ggml_type not in GGML_BLOCKS:
        raise ValueError(f"ggml type '{ggml_type}': expected one of {sorted(GGML_BLOCKS)}")
    values, nbytes = GGML_BLOCKS[ggml_type]
    if shape[-1] % values:
        raise ValueError(f"row length {shape[-1]} is not a whole number of {ggml_type} blocks "
                         f"of {values} values")
    return math.prod(shape) // values * nbytes


def use_more_bits(layer: int, layers: int) -> bool:
    """llama.cpp's choice of the layers a ``_M`` mixture stores with more bits."""
    return layer < layers // 8 or layer >= 7 * layers // 8 or (layer - layers // 8) % 3 == 2


@dataclass(frozen=True)
class GgufTensor:
    name: str
    """llama.cpp's tensor name (``blk.N.attn_q.weight`` ...)."""
    ggml_type: str
    shape: tuple[int, ...]
    """Row-major: (rows, row_length) for a matrix."""

    @property
    def nbytes(self) -> int:
        return ggml_tensor_bytes(self.ggml_type, self.shape)


LAYER_MATRICES = ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")
"""llama.cpp's names of a decoder layer's seven linear layers, in ``LlamaShape.linear_layers``
order (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)."""


def _fitted(ggml_type: str, row_length: int) -> str:
    """The type llama.cpp stores a matrix in: a k-quant falls back where rows are not whole blocks."""
    if ggml_type in K_FALLBACK and row_length % GGML_BLOCKS[ggml_type][0]:
        return K_FALLBACK[ggml_type]
    return ggml_type


def gguf_tensors(shape: LlamaShape, fmt: str) -> list[GgufTensor]:
    """Every tensor of a LLaMA GGUF file in ``fmt``: the embedding, the layers in order, the
    final norm and the output layer (none when tied)."""
    if fmt not in MODELLED_GGUF:
        raise ValueError(f"format '{fmt}': expected one of {sorted(MODELLED_GGUF)}")
    mixture = MODELLED_GGUF[fmt]
    base = {"Q4_0": "Q4_0", "Q8_0": "Q8_0", "Q4_K_M": "Q4_K", "Q5_K_M": "Q5_K"}[mixture]
    output = "Q8_0" if base == "Q8_0" else "Q6_K"
    embd = output if shape.tied else base
    out = [GgufTensor("token_embd.weight", _fitted(embd, shape.hidden), (shape.vocab, shape.hidden))]
    extra_norms = ("post_attention_norm", "post_ffw_norm")[:max(0, shape.norms_per_layer - 2)]
    for layer in range(shape.layers):
        more_bits = mixture.endswith("_K_M") and use_more_bits(layer, shape.layers)
        out.append(GgufTensor(f"blk.{layer}.attn_norm.weight", "F32", (shape.hidden,)))
        for gguf_name, (_, n_in, n_out) in zip(LAYER_MATRICES, shape.linear_layers(), strict=True):
            kind = "Q6_K" if more_bits and gguf_name in ("attn_v", "ffn_down") else base
            out.append(GgufTensor(f"blk.{layer}.{gguf_name}.weight", _fitted(kind, n_in), (n_out, n_in)))
            if shape.qkv_bias and gguf_name in ("attn_q", "attn_k", "attn_v"):
                out.append(GgufTensor(f"blk.{layer}.{gguf_name}.bias", "F32", (n_out,)))
        out.append(GgufTensor(f"blk.{layer}.ffn_norm.weight", "F32", (shape.hidden,)))
        out += [GgufTensor(f"blk.{layer}.{norm}.weight", "F32", (shape.hidden,)) for norm in extra_norms]
    out.append(GgufTensor("output_norm.weight", "F32", (shape.hidden,)))
    if not shape.tied:
        out.append(GgufTensor("output.weight", _fitted(output, shape.hidden), (shape.vocab, shape.hidden)))
    return out


def dense_tensors(shape: LlamaShape, dtype: str) -> Inventory:
    """The tensors of an unquantised LLaMA of ``shape`` in ``dtype`` (``F16``, ``BF16``, ``F32``);
    no ``lm_head`` when tied."""
    tensors: Inventory = {"model.embed_tokens.weight": (dtype, (shape.vocab, shape.hidden))}
    for layer in range(shape.layers):
        prefix = f"model.layers.{layer}"
        for name, n_in, n_out in shape.linear_layers():
            tensors[f"{prefix}.{name}.weight"] = (dtype, (n_out, n_in))
        for norm in ("input_layernorm", "post_attention_layernorm"):
            tensors[f"{prefix}.{norm}.weight"] = (dtype, (shape.hidden,))
    tensors["model.norm.weight"] = (dtype, (shape.hidden,))
    if not shape.tied:
        tensors["lm_head.weight"] = (dtype, (shape.vocab, shape.hidden))
    return tensors


def format_inventory(shape: LlamaShape, fmt: str) -> Inventory:
    """The tensors a checkpoint of ``shape`` holds in ``fmt``, computed without any file (a tied
    model's GPTQ checkpoint without ``lm_head``)."""
    if fmt == GPTQ_FORMAT:
        return {name: (dtype, dims) for name, dtype, dims in gptq_tensors(shape)
                if not (shape.tied and name == "lm_head.weight")}
    if fmt == FP16_FORMAT:
        return dense_tensors(shape, "F16")
    return {t.name: (t.ggml_type, t.shape) for t in gguf_tensors(shape, fmt)}
