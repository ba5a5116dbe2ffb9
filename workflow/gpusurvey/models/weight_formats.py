"""The weight formats LLaMA is run in, tensor by tensor: which storage type each tensor of a
LLaMA gets in a given format, and how many bytes a tensor of that type and shape occupies.

GGUF formats follow llama.cpp's quantiser (``llama_tensor_get_type_impl`` in
``src/llama-quant.cpp``, the rules for an untied LLaMA without an importance matrix):

- ``gguf-q4_0`` / ``gguf-q8_0``: every 2-D weight in Q4_0 / Q8_0, the token embedding too,
  except the output layer: Q6_K under Q4_0 (any type but Q8_0 is raised to Q6_K there), Q8_0
  under Q8_0;
- ``gguf-q4_k_m``: Q4_K by default; the output layer in Q6_K; ``attn_v`` and ``ffn_down`` in
  Q6_K on the layers ``use_more_bits`` picks (the first and last eighth of the layers and every
  third one between), the token embedding stays Q4_K;
- the RMSNorm weights are 1-D and never quantised: F32.

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
}

GGUF_FORMATS: dict[str, str] = {"gguf-q4_0": "Q4_0", "gguf-q4_k_m": "Q4_K_M", "gguf-q8_0": "Q8_0"}
"""Format name -> llama.cpp's name of the mixture (``llama-quantize``'s type argument)."""
GPTQ_FORMAT = "gptq-4bit-g128"
FORMATS = (*GGUF_FORMATS, GPTQ_FORMAT)

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


def gguf_tensors(shape: LlamaShape, fmt: str) -> list[GgufTensor]:
    """Every tensor of a LLaMA GGUF file in ``fmt``: the embedding, the layers in order, the
    final norm and the output layer."""
    if fmt not in GGUF_FORMATS:
        raise ValueError(f"format '{fmt}': expected one of {sorted(GGUF_FORMATS)}")
    mixture = GGUF_FORMATS[fmt]
    base = {"Q4_0": "Q4_0", "Q8_0": "Q8_0", "Q4_K_M": "Q4_K"}[mixture]
    output = "Q8_0" if base == "Q8_0" else "Q6_K"
    out = [GgufTensor("token_embd.weight", base, (shape.vocab, shape.hidden))]
    for layer in range(shape.layers):
        more_bits = mixture == "Q4_K_M" and use_more_bits(layer, shape.layers)
        out.append(GgufTensor(f"blk.{layer}.attn_norm.weight", "F32", (shape.hidden,)))
        for gguf_name, (_, n_in, n_out) in zip(LAYER_MATRICES, shape.linear_layers(), strict=True):
            kind = "Q6_K" if more_bits and gguf_name in ("attn_v", "ffn_down") else base
            out.append(GgufTensor(f"blk.{layer}.{gguf_name}.weight", kind, (n_out, n_in)))
        out.append(GgufTensor(f"blk.{layer}.ffn_norm.weight", "F32", (shape.hidden,)))
    out += [GgufTensor("output_norm.weight", "F32", (shape.hidden,)),
            GgufTensor("output.weight", output, (shape.vocab, shape.hidden))]
    return out


def format_inventory(shape: LlamaShape, fmt: str) -> Inventory:
    """The tensors a checkpoint of ``shape`` holds in ``fmt``, computed without any file."""
    if fmt == GPTQ_FORMAT:
        return {name: (dtype, dims) for name, dtype, dims in gptq_tensors(shape)}
    return {t.name: (t.ggml_type, t.shape) for t in gguf_tensors(shape, fmt)}
