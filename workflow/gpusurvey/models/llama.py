"""LLaMA architecture sizes: the presets we benchmark, the HF ``config.json`` they map to and the
tensors a GPTQ checkpoint of them holds (what the synthetic writer writes and the roofline counts)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpusurvey.core.errors import DataError


@dataclass(frozen=True)
class LlamaShape:
    """The sizes that fix every tensor of a LLaMA checkpoint (GPTQ group size included)."""

    layers: int
    hidden: int
    intermediate: int
    heads: int
    kv_heads: int
    vocab: int
    max_positions: int
    rms_norm_eps: float = 1e-6
    rope_theta: float = 10000.0
    bits: int = 4
    group_size: int = 128
    head_size: int = 0
    """The config's ``head_dim`` where it is not hidden / heads (Gemma-2, Mistral-Small); 0: none."""
    tied: bool = False
    """The output layer is the token embedding (``tie_word_embeddings``)."""
    qkv_bias: bool = False
    """The q, k and v projections carry a bias (Qwen2)."""
    norms_per_layer: int = 2
    """RMSNorm weight vectors per decoder layer (Gemma-2 adds two after attention and FFN)."""

    @property
    def head_dim(self) -> int:
        return self.head_size or self.hidden // self.heads

    def linear_layers(self) -> list[tuple[str, int, int]]:
        """(name within a decoder layer, in_features, out_features) of its seven linear layers."""
        kv = self.kv_heads * self.head_dim
        q = self.heads * self.head_dim
        return [
            ("self_attn.q_proj", self.hidden, q),
            ("self_attn.k_proj", self.hidden, kv),
            ("self_attn.v_proj", self.hidden, kv),
            ("self_attn.o_proj", q, self.hidden),
            ("mlp.gate_proj", self.hidden, self.intermediate),
            ("mlp.up_proj", self.hidden, self.intermediate),
            ("mlp.down_proj", self.intermediate, self.hidden),
        ]

    def kv_bytes_per_position(self, dtype_bytes: float = 2) -> float:
        """Bytes of K and V over all layers for one token of context (fp16 cache by default)."""
        return 2 * self.layers * self.kv_heads * self.head_dim * dtype_bytes

    def parameters(self) -> int:
        """Every weight: the seven linear layers, the q/k/v biases, the norms of each layer, the
        final norm, the token embedding and (untied) the output layer."""
        per_layer = sum(n_in * n_out for _, n_in, n_out in self.linear_layers())
        if self.qkv_bias:
            per_layer += (self.heads + 2 * self.kv_heads) * self.head_dim
        per_layer += self.norms_per_layer * self.hidden
        embedding = self.vocab * self.hidden
        return self.layers * per_layer + self.hidden + embedding * (1 if self.tied else 2)

    def hf_config(self) -> dict[str, Any]:
        """``config.json`` as transformers and exllamav2 read it, with the GPTQ quantisation."""
        return {
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "hidden_size": self.hidden,
            "intermediate_size": self.intermediate,
            "num_hidden_layers": self.layers,
            "num_attention_heads": self.heads,
            "num_key_value_heads": self.kv_heads,
            "vocab_size": self.vocab,
            "max_position_embeddings": self.max_positions,
            "rms_norm_eps": self.rms_norm_eps,
            "rope_theta": self.rope_theta,
            "hidden_act": "silu",
            "tie_word_embeddings": False,
            "bos_token_id": 1,
            "eos_token_id": 2,
            "pad_token_id": 0,
            "torch_dtype": "float16",
            "quantization_config": quantize_config(self),
        }


def quantize_config(shape: LlamaShape) -> dict[str, Any]:
    """GPTQ settings (``quantize_config.json``; also ``quantization_config`` in config.json).
    ``checkpoint_format: gptq`` is the v1 layout: stored zeros are the zero point minus one."""
    return {
        "quant_method": "gptq",
        "bits": shape.bits,
        "group_size": shape.group_size,
        "desc_act": False,
        "sym": True,
        "checkpoint_format": "gptq",
    }


PRESETS: dict[str, LlamaShape] = {
    # LLaMA-13B (Touvron et al. 2023, Table 2): 40 layers, width 5120, 40 heads, FFN 13824.
    "llama-13b": LlamaShape(layers=40, hidden=5120, intermediate=13824, heads=40, kv_heads=40,
                            vocab=32000, max_positions=2048),
    # The same layout at toy size, for the CPU and the tests (dimensions multiples of 128, as
    # GPTQ groups and exllamav2's kernels need; head_dim 128 as in LLaMA).
    "llama-tiny": LlamaShape(layers=2, hidden=256, intermediate=512, heads=2, kv_heads=2,
                             vocab=1024, max_positions=512),
}


def gptq_tensors(shape: LlamaShape) -> list[tuple[str, str, tuple[int, ...]]]:
    """(name, safetensors dtype, shape) of every tensor of a GPTQ checkpoint, in file order.

    Per linear layer ``qweight`` int32 [in/8, out], ``qzeros`` int32 [in/group, out/8],
    ``scales`` fp16 [in/group, out] and ``g_idx`` int32 [in]; embedding, norms and the
    output layer in fp16.
    """
    if shape.bits != 4:
        raise ValueError(f"bits: exllamav2 loads 4-bit GPTQ only, got {shape.bits}")
    g = shape.group_size
    tensors = [("model.embed_tokens.weight", "F16", (shape.vocab, shape.hidden))]
    for layer in range(shape.layers):
        prefix = f"model.layers.{layer}"
        for name, n_in, n_out in shape.linear_layers():
            if n_in % g or n_out % 8:
                raise ValueError(f"{name}: in_features {n_in} must be a multiple of the group size {g} "
                                 f"and out_features {n_out} a multiple of 8")
            base = f"{prefix}.{name}"
            tensors += [(f"{base}.qweight", "I32", (n_in // 8, n_out)),
                        (f"{base}.qzeros", "I32", (n_in // g, n_out // 8)),
                        (f"{base}.scales", "F16", (n_in // g, n_out)),
                        (f"{base}.g_idx", "I32", (n_in,))]
        tensors += [(f"{prefix}.input_layernorm.weight", "F16", (shape.hidden,)),
                    (f"{prefix}.post_attention_layernorm.weight", "F16", (shape.hidden,))]
    tensors += [("model.norm.weight", "F16", (shape.hidden,)),
                ("lm_head.weight", "F16", (shape.vocab, shape.hidden))]
    return tensors


def read_config(folder: str | os.PathLike) -> LlamaShape:
    """The shape a checkpoint folder's ``config.json`` describes (DataError for missing keys)."""
    path = Path(folder) / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(path, "not found; expected a checkpoint folder with config.json") from None
    except json.JSONDecodeError as exc:
        raise DataError(path, f"malformed JSON: {exc.msg}", line=exc.lineno) from None
    keys = {"layers": "num_hidden_layers", "hidden": "hidden_size",
            "intermediate": "intermediate_size", "heads": "num_attention_heads",
            "vocab": "vocab_size", "max_positions": "max_position_embeddings"}
    values: dict[str, Any] = {}
    for field_name, key in keys.items():
        if not isinstance(data.get(key), int):
            raise DataError(path, f"key '{key}': expected an integer, got {data.get(key)!r}")
        values[field_name] = data[key]
    values["kv_heads"] = data.get("num_key_value_heads", values["heads"])
    values["rms_norm_eps"] = float(data.get("rms_norm_eps", 1e-6))
    values["rope_theta"] = float(data.get("rope_theta", 10000.0))
    quant = data.get("quantization_config") or {}
    quant_path = Path(folder) / "quantize_config.json"
    if not quant and quant_path.exists():
        quant = json.loads(quant_path.read_text(encoding="utf-8"))
    values["bits"] = int(quant.get("bits", 4))
    values["group_size"] = int(quant.get("group_size", 128))
    return LlamaShape(**values)
