"""The CPU's second ceiling for a llama.cpp decode (its arithmetic rate in the format, from the
run's own prefill), the record that states both ceilings, and Stable Diffusion in bf16 on the CPU."""

from __future__ import annotations

import importlib.util

import pytest
from gpusurvey.bench import harness
from gpusurvey.bench.synth import llama_gguf
from gpusurvey.bench.workloads.llm_decode import LlmDecodeConfig, LlmDecodeWorkload
from gpusurvey.bench.workloads.sd_config import Txt2ImgConfig
from gpusurvey.models.roofline import prefill_arithmetic_bound

needs_llama_cpp = pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                                     reason="llama-cpp-python is not installed (extra bench-llm-cpp)")


def test_the_arithmetic_ceiling_is_the_prefills_rate_per_decoded_token():
    """A 32-token prefill multiplies the layer matrices 32 times and the output layer once."""
    tensors = {"token_embd.weight": ("Q4_0", (1000, 64)), "output.weight": ("Q6_K", (1000, 64)),
               "blk.0.attn_q.weight": ("Q4_0", (64, 64)), "blk.0.ffn_up.weight": ("Q4_0", (256, 64)),
               "blk.0.attn_norm.weight": ("F32", (64,))}
    layers, head = 64 * 64 + 256 * 64, 1000 * 64
    bound = prefill_arithmetic_bound(8.0, 32, tensors)  # 32 tokens in 4 s
    assert bound.weights_per_s == pytest.approx((32 * layers + head) / 4.0)
    assert bound.weights_per_token == layers + head
    assert bound.tokens_per_s == pytest.approx(bound.weights_per_s / (layers + head))
    with pytest.raises(ValueError, match="positive prefill rate"):
        prefill_arithmetic_bound(0.0, 32, tensors)


@needs_llama_cpp
def test_a_decode_record_states_both_ceilings_and_which_binds(tmp_path):
    path = llama_gguf.write("llama-tiny", "gguf-q4_0", tmp_path / "tiny.gguf")
    config = LlmDecodeConfig.for_profile("smoke", backend="llama.cpp", threads="1", checkpoint=str(path))
    record = harness.measure(LlmDecodeWorkload(config, "cpu"), "smoke")
    assert record.status == "ok", record.error
    extra = record.extra
    prefill = record.metrics["prefill_tokens_per_s"].mean
    expected = prefill_arithmetic_bound(prefill, config.prompt_tokens, llama_gguf.inventory(path))
    assert extra["arithmetic_bound_tokens_per_s"] == pytest.approx(expected.tokens_per_s)
    lower = min(extra["arithmetic_bound_tokens_per_s"], extra["bandwidth_bound_tokens_per_s"])
    assert extra["bound_tokens_per_s"] == lower
    assert extra["binding"] == ("arithmetic" if lower == extra["arithmetic_bound_tokens_per_s"]
                                else "memory bandwidth")
    assert extra["efficiency"] == pytest.approx(record.value / lower)
    off = LlmDecodeConfig.for_profile("smoke", backend="llama.cpp", threads="1", checkpoint=str(path),
                                      arithmetic_ceiling="false")
    plain = harness.measure(LlmDecodeWorkload(off, "cpu"), "smoke")
    assert plain.extra["arithmetic_ceiling"] is None and plain.extra["binding"] == "memory bandwidth"


def test_stable_diffusion_takes_a_precision_and_refuses_an_unknown_one():
    assert Txt2ImgConfig.for_profile("cpu").dtype == "auto"
    assert Txt2ImgConfig.for_profile("cpu", dtype="bfloat16").dtype == "bfloat16"
    with pytest.raises(ValueError, match="dtype: expected one of"):
        Txt2ImgConfig.for_profile("cpu", dtype="int8")
