"""Synthetic GPTQ LLaMA checkpoints: layout exllamav2 loads, values that stay finite, the
LLaMA-13B plan and the bytes-per-token arithmetic of the roofline."""

from __future__ import annotations

import dataclasses
import json
import os

import numpy as np
import pytest
from gpusurvey import cli
from gpusurvey.bench import llm_checkpoint
from gpusurvey.bench.synth import llama_gptq
from gpusurvey.core.errors import DataError
from gpusurvey.models.llama import PRESETS, LlamaShape, read_config
from gpusurvey.models.roofline import (
    mean_decode_context,
    quantised_parameters,
    roofline,
    weight_bytes_per_token,
)
from helpers import snakemake
from llama_gptq_reference import dequantised, read_all, state_dict, unpack_cols

TINY = PRESETS["llama-tiny"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return llama_gptq.write("llama-tiny", tmp_path_factory.mktemp("weights") / "llama-tiny-gptq")


def test_tiny_checkpoint_has_the_gptq_layout_exllamav2_loads(tiny):
    tensors = read_all(tiny)
    g = TINY.group_size
    linear = 0
    for layer in range(TINY.layers):
        for name, n_in, n_out in TINY.linear_layers():
            base = f"model.layers.{layer}.{name}"
            assert tensors[f"{base}.qweight"].dtype == np.int32
            assert tensors[f"{base}.qweight"].shape == (n_in // 8, n_out)
            assert tensors[f"{base}.qzeros"].dtype == np.int32
            assert tensors[f"{base}.qzeros"].shape == (n_in // g, n_out // 8)
            assert tensors[f"{base}.scales"].dtype == np.float16
            assert tensors[f"{base}.scales"].shape == (n_in // g, n_out)
            g_idx = tensors[f"{base}.g_idx"]
            assert g_idx.dtype == np.int32 and g_idx.shape == (n_in,)
            assert g_idx.min() == 0 and g_idx.max() == n_in // g - 1
            np.testing.assert_array_equal(g_idx, np.arange(n_in) // g)  # desc_act false
            assert (unpack_cols(tensors[f"{base}.qzeros"]) == 7).all()  # zero point 8, stored - 1
            linear += 1
        for norm in ("input_layernorm", "post_attention_layernorm"):
            w = tensors[f"model.layers.{layer}.{norm}.weight"]
            assert w.dtype == np.float16 and w.shape == (TINY.hidden,)
    assert linear == 7 * TINY.layers
    for name in ("model.embed_tokens.weight", "lm_head.weight"):
        assert tensors[name].dtype == np.float16
        assert tensors[name].shape == (TINY.vocab, TINY.hidden)
    assert tensors["model.norm.weight"].shape == (TINY.hidden,)
    assert len(tensors) == 4 * 7 * TINY.layers + 2 * TINY.layers + 3


def test_tiny_checkpoint_files_index_and_configs(tiny):
    shards = sorted(p.name for p in tiny.glob("*.safetensors"))
    assert len(shards) > 1, "the tiny preset is split so that sharding is exercised"
    assert shards[0] == f"model-00001-of-{len(shards):05d}.safetensors"
    index = json.loads((tiny / "model.safetensors.index.json").read_text())
    assert set(index["weight_map"].values()) == set(shards)
    assert set(index["weight_map"]) == set(read_all(tiny))
    assert index["metadata"]["total_size"] == sum(s.nbytes for s in llama_gptq.plan(TINY))
    config = json.loads((tiny / "config.json").read_text())
    assert config["architectures"] == ["LlamaForCausalLM"]
    assert config["quantization_config"]["bits"] == 4
    quant = json.loads((tiny / "quantize_config.json").read_text())
    assert (quant["bits"], quant["group_size"], quant["desc_act"]) == (4, 128, False)
    assert read_config(tiny) == TINY


def test_header_inventory_matches_the_plan(tiny):
    planned = {s.name: (s.dtype, s.shape) for s in llama_gptq.plan(TINY)}
    assert llm_checkpoint.inventory(tiny) == planned


def forward_peak(shape: LlamaShape, weights: dict[str, np.ndarray]) -> tuple[float, float]:
    """(largest hidden-state magnitude, logit standard deviation) of an fp32 forward pass."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    values = {k: v for k, v in shape.hf_config().items() if k != "quantization_config"}
    model = LlamaForCausalLM(LlamaConfig(**values)).eval()
    missing, unexpected = model.load_state_dict(
        {k: torch.from_numpy(v) for k, v in weights.items()}, strict=False)
    assert not unexpected and all("rotary" in m for m in missing)
    ids = torch.arange(32).unsqueeze(0) % shape.vocab
    with torch.inference_mode():
        out = model(input_ids=ids, output_hidden_states=True)
    assert torch.isfinite(out.logits).all()
    return max(float(h.abs().max()) for h in out.hidden_states), float(out.logits.std())


def test_values_keep_a_forward_pass_finite_and_bounded(tiny):
    peak, spread = forward_peak(TINY, state_dict(tiny))
    assert peak < 100, f"hidden states reach {peak}"
    assert spread > 0.1, "logits should vary (weights are not all zero)"


def test_values_stay_far_from_fp16_overflow_at_llama_13b_depth():
    # LLaMA-13B's 40 layers at toy width: the residual stream grows with depth, not width
    # (the scales give every linear layer a gain of about one).
    deep = dataclasses.replace(TINY, layers=40, hidden=128, intermediate=256, heads=1, kv_heads=1)
    peak, _ = forward_peak(deep, dequantised({s.name: llama_gptq.values(s) for s in llama_gptq.plan(deep)}))
    assert peak < 1000, f"hidden states reach {peak}: too close to fp16's 65504"


def test_write_is_reused_and_refuses_a_foreign_folder(tiny, tmp_path):
    before = {p.name: p.stat().st_mtime_ns for p in tiny.iterdir()}
    assert llama_gptq.write("llama-tiny", tiny) == tiny
    assert {p.name: p.stat().st_mtime_ns for p in tiny.iterdir()} == before
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not a synthetic 'llama-tiny' checkpoint"):
        llama_gptq.write("llama-tiny", foreign)
    assert sorted(os.listdir(tmp_path)) == ["foreign"], "no temporary folder left behind"


def test_same_seed_same_bytes_and_the_digest_sees_a_change(tiny, tmp_path):
    again = llama_gptq.write("llama-tiny", tmp_path / "again")
    assert llm_checkpoint.digest(again) == llm_checkpoint.digest(tiny)
    assert llm_checkpoint.describe(tiny)["kind"] == "synthetic"
    shard = sorted(again.glob("*.safetensors"))[-1]
    data = bytearray(shard.read_bytes())
    data[-1] ^= 0xFF
    shard.write_bytes(bytes(data))
    assert llm_checkpoint.digest(again) != llm_checkpoint.digest(tiny)


def test_cli_synth_writes_the_tiny_checkpoint(tmp_path, capsys):
    assert cli.main(["synth", "llama-tiny-gptq", str(tmp_path / "w")]) == 0
    assert json.loads(capsys.readouterr().out)["folder"] == str(tmp_path / "w")
    assert llama_gptq.existing_preset(tmp_path / "w") == ("llama-tiny", llama_gptq.SEED)


def test_a_folder_without_safetensors_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no \\*.safetensors"):
        llm_checkpoint.inventory(tmp_path)
    with pytest.raises(DataError, match="config.json"):
        read_config(tmp_path)


def test_llama_13b_plan_without_writing():
    shape = PRESETS["llama-13b"]
    specs = llama_gptq.plan(shape)
    tensors = {s.name: (s.dtype, s.shape) for s in specs}
    params = quantised_parameters(tensors)
    assert params == 40 * (4 * 5120 * 5120 + 3 * 5120 * 13824) == 12_687_769_600
    weight_bytes = weight_bytes_per_token(tensors)
    # 0.5195 byte per quantised weight (6.59 GB) + the fp16 output layer (0.33 GB)
    # + RMSNorm weights + one embedding row: about 6.92 GB per token.
    assert 6.90e9 < weight_bytes < 6.93e9
    packed = params * (0.5 + 2 / 128 + 0.5 / 128)
    assert weight_bytes == pytest.approx(packed + 32000 * 5120 * 2, rel=1e-3)
    parts = llama_gptq.shards(specs, llama_gptq.SHARD_BYTES["llama-13b"])
    assert len(parts) == 4 and all(sum(s.nbytes for s in p) <= 2e9 for p in parts)
    assert shape.kv_bytes_per_position() == 2 * 40 * 5120 * 2 == 819_200


def test_roofline_adds_the_kv_cache_at_the_mean_context():
    shape = PRESETS["llama-13b"]
    tensors = {s.name: (s.dtype, s.shape) for s in llama_gptq.plan(shape)}
    assert mean_decode_context(128, 400) == 328
    roof = roofline(tensors, shape, prompt_tokens=128, new_tokens=400)
    assert roof.kv_bytes == 819_200 * 328
    assert roof.bytes_per_token == roof.weight_bytes + roof.kv_bytes
    # The reference's bound for an RTX 4090 (1008 GB/s) is about 146 tokens/s without the cache.
    assert 1008e9 / roof.weight_bytes == pytest.approx(145.7, abs=0.5)
    assert roof.bound_tokens_per_s(1008) == pytest.approx(1008e9 / roof.bytes_per_token)


def test_tied_embeddings_count_in_full_and_g_idx_not_at_all():
    tensors = {"model.embed_tokens.weight": ("F16", (100, 8)), "x.g_idx": ("I32", (8,)),
               "x.qweight": ("I32", (1, 8))}
    assert weight_bytes_per_token(tensors) == 100 * 8 * 2 + 8 * 4
    tensors["lm_head.weight"] = ("F16", (100, 8))
    assert weight_bytes_per_token(tensors) == 8 * 2 + 8 * 4 + 100 * 8 * 2


@pytest.mark.workflow
def test_snakemake_rule_writes_the_tiny_checkpoint(project):
    snakemake(project, "--cores", "1", "results/weights/llama-tiny-gptq")
    folder = project / "results/weights/llama-tiny-gptq"
    assert llama_gptq.existing_preset(folder) == ("llama-tiny", llama_gptq.SEED)
    assert read_config(folder) == TINY
