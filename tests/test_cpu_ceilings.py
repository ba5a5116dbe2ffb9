"""The CPU's second ceiling for a llama.cpp decode (its arithmetic rate in the format), the record
that states both ceilings, and Stable Diffusion in bf16 on the CPU."""

from __future__ import annotations

import importlib.util

import pytest
from gpusurvey.bench import cpu_kernel_rate, harness
from gpusurvey.bench.synth import llama_gguf
from gpusurvey.bench.workloads.llm_decode import LlmDecodeConfig, LlmDecodeWorkload
from gpusurvey.bench.workloads.sd_config import Txt2ImgConfig
from gpusurvey.models.llama import PRESETS
from gpusurvey.models.weight_formats import GGUF_FORMATS

needs_llama_cpp = pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                                     reason="llama-cpp-python is not installed (extra bench-llm-cpp)")


def test_weights_per_token_counts_every_matrix_but_the_embedding():
    inventory = {"token_embd.weight": ("Q4_0", (512, 64)), "output.weight": ("Q6_K", (512, 64)),
                 "blk.0.attn_q.weight": ("Q4_0", (64, 64)), "blk.0.attn_norm.weight": ("F32", (64,))}
    assert cpu_kernel_rate.weights_per_token(inventory) == 512 * 64 + 64 * 64


def test_the_rate_is_the_inverse_slope_and_a_flat_slope_is_an_error():
    points = [{"weights_per_token": 1e6, "s_per_token": 3e-5},
              {"weights_per_token": 3e6, "s_per_token": 7e-5}]
    assert 1 / cpu_kernel_rate.slope(points) == pytest.approx(5e10)  # 2e6 weights in 4e-5 s
    points[1]["s_per_token"] = 2e-5
    with pytest.raises(ValueError, match="was not slower than the narrower"):
        cpu_kernel_rate.slope(points)


def test_the_kernel_models_fit_in_a_cpus_caches_in_every_format():
    for preset in cpu_kernel_rate.PRESET_PAIR:
        for fmt in GGUF_FORMATS:
            size = sum(t.nbytes for t in llama_gguf.gguf_tensors(PRESETS[preset], fmt))
            assert size < 16e6, (preset, fmt, size)


@needs_llama_cpp
def test_the_kernel_rate_is_measured_on_both_models(tmp_path):
    found = cpu_kernel_rate.measure("gguf-q4_0", 1, True, tmp_path, tokens=16)
    narrow, wide = found["points"]
    assert (narrow["preset"], wide["preset"]) == cpu_kernel_rate.PRESET_PAIR
    assert wide["weights_per_token"] > narrow["weights_per_token"] > 0
    assert found["weights_per_s"] == pytest.approx(1 / cpu_kernel_rate.slope(found["points"]))
    assert sorted(p.name for p in tmp_path.glob("*.gguf")) == [
        f"{preset}-gguf-q4_0.gguf" for preset in cpu_kernel_rate.PRESET_PAIR]


@needs_llama_cpp
def test_a_decode_record_states_both_ceilings_and_which_binds(tmp_path, monkeypatch):
    path = llama_gguf.write("llama-tiny", "gguf-q4_0", tmp_path / "tiny.gguf")
    rate = {"weights_per_s": 1e6, "format": "gguf-q4_0", "threads": 1, "repack": True, "points": [],
            "method": "a test's rate"}
    monkeypatch.setattr(cpu_kernel_rate, "measure", lambda *args, **kwargs: dict(rate))
    config = LlmDecodeConfig.for_profile("smoke", backend="llama.cpp", threads="1", checkpoint=str(path),
                                         arithmetic_ceiling="true")
    record = harness.measure(LlmDecodeWorkload(config, "cpu"), "smoke")
    assert record.status == "ok", record.error
    extra = record.extra
    weights = cpu_kernel_rate.weights_per_token(llama_gguf.inventory(path))
    assert extra["arithmetic_ceiling"]["weights_per_token"] == weights
    assert extra["arithmetic_bound_tokens_per_s"] == pytest.approx(1e6 / weights)
    lower = min(extra["arithmetic_bound_tokens_per_s"], extra["bandwidth_bound_tokens_per_s"])
    assert extra["bound_tokens_per_s"] == lower
    assert extra["binding"] == ("arithmetic" if lower == extra["arithmetic_bound_tokens_per_s"]
                                else "memory bandwidth")
    assert extra["efficiency"] == pytest.approx(record.value / lower)


def test_stable_diffusion_takes_a_precision_and_refuses_an_unknown_one():
    assert Txt2ImgConfig.for_profile("cpu").dtype == "auto"
    assert Txt2ImgConfig.for_profile("cpu", dtype="bfloat16").dtype == "bfloat16"
    with pytest.raises(ValueError, match="dtype: expected one of"):
        Txt2ImgConfig.for_profile("cpu", dtype="int8")
