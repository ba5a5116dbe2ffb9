"""The memory model: the sum for LLaMA-13B GPTQ at 2048 tokens computed by hand, term by term;
Stable Diffusion's parameter counts against diffusers' own; the hires pass with and without
memory-efficient attention; the published figures loaded with their quotes checked."""

import json

import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.inputs.models import load_models
from gpusurvey.inputs.vram import load_vram, runtime_bytes
from gpusurvey.models import memory, sd_memory
from gpusurvey.models.sd_compute import CONFIG_DIR, SETTINGS, StepShape


@pytest.fixture(scope="module")
def models(root):
    return load_models(root / "data/models.csv")


def test_llama_13b_gptq_at_2048_tokens_by_hand(models):
    shape = models["llama-13b"].shape
    # Linear layers per decoder layer: q, k, v, o (5120 x 5120) and gate, up, down (5120 x 13824).
    per_layer = 4 * 5120 * 5120 + 3 * 5120 * 13824
    # GPTQ g128 per weight: 4 bits, plus an fp16 scale and a 4-bit zero per 128 weights.
    packed = per_layer * 40 // 2
    scales = per_layer * 40 // 128 * 2
    zeros = per_layer * 40 // 128 // 2
    g_idx = 40 * (6 * 5120 + 13824) * 4  # one int32 per input row of each linear layer
    norms = (40 * 2 + 1) * 5120 * 2  # fp16 RMSNorm weights
    lm_head = 32000 * 5120 * 2  # fp16 output layer; the embedding stays in host memory
    weights = packed + scales + zeros + g_idx + norms + lm_head
    kv = 2048 * 40 * 40 * 128 * 2 * 2  # tokens x layers x KV heads x head dim x (K, V) x fp16
    scratch = 2 * 2048 * (40 * 2048 + 2 * 13824)  # fp16 scores of a 2048-token chunk, FFN pair
    runtime = 781e6
    got = memory.llm_memory(shape, "gptq-4bit-g128", 2048, runtime)
    assert got.weights == weights == 6_927_329_280
    assert got.kv_cache == kv
    assert got.scratch == scratch
    assert got.total == pytest.approx(weights + kv + scratch + runtime)
    assert got.total / 1e9 == pytest.approx(9.835, abs=0.001)


def test_kv_cache_precision_and_grouped_query_attention(models):
    qwen = models["qwen2.5-14b"].shape
    assert memory.kv_cache_bytes(qwen, 8192) == 8192 * 48 * 8 * 128 * 2 * 2
    assert memory.kv_cache_bytes(qwen, 8192, "q8_0") == pytest.approx(8192 * 48 * 8 * 128 * 2 * 34 / 32)


def test_formats_by_size(models):
    shape = models["llama-3.1-8b"].shape
    gguf = ["gguf-q4_0", "gguf-q4_k_m", "gguf-q5_k_m", "gguf-q8_0", "fp16"]
    sizes = [memory.gpu_weight_bytes(shape, fmt) for fmt in gguf]
    assert sizes == sorted(sizes)
    assert sizes[-1] == 2 * shape.parameters()  # fp16 on transformers holds every weight
    # GPTQ keeps the 128256-token output layer in fp16: larger than Q4_0 here.
    assert sizes[0] < memory.gpu_weight_bytes(shape, "gptq-4bit-g128") < sizes[3]


def test_tied_embedding_stays_on_the_gpu(models):
    """Gemma-2's embedding is also its output layer: llama.cpp keeps it on the GPU."""
    gemma = models["gemma-2-9b"].shape
    embedding_q6k = 256000 * 3584 // 256 * 210
    layers_only = memory.gpu_weight_bytes(gemma, "gguf-q4_k_m") - embedding_q6k
    assert layers_only > 0
    assert memory.gpu_weight_bytes(gemma, "gguf-q4_k_m") > 5e9


@pytest.mark.parametrize(("bad", "words"), [({"context": 0}, "context"), ({"fmt": "q3_k"}, "format")])
def test_bad_arguments_named(models, bad, words):
    args = {"shape": models["llama-13b"].shape, "fmt": "gguf-q4_0", "context": 512, "runtime_bytes": 0}
    with pytest.raises(ValueError, match=words):
        memory.llm_memory(**{**args, **bad})


@pytest.fixture(scope="module")
def sd_configs():
    return {name: json.loads((CONFIG_DIR / "sd15" / name / "config.json").read_text(encoding="utf-8"))
            for name in ("unet", "vae", "text_encoder")}


def test_sd15_parameter_counts_match_diffusers(sd_configs):
    """diffusers' ``num_parameters()`` of SD 1.5's UNet, VAE and CLIP text encoder."""
    assert sd_memory.unet_parameters(sd_configs["unet"]) == 859_520_964
    assert sd_memory.vae_parameters(sd_configs["vae"]) == 83_653_863
    assert sd_memory.text_encoder_parameters(sd_configs["text_encoder"]) == 123_060_480


def test_hires_pass_needs_memory_efficient_attention(sd_configs):
    hires = SETTINGS["sd-hires"]
    with_it = sd_memory.sd_memory(hires, sd_configs, 2, True, 0)
    without = sd_memory.sd_memory(hires, sd_configs, 2, False, 0)
    assert with_it.total < 8e9 < 32e9 < without.total
    what, size = sd_memory.largest_activation(hires, sd_configs["unet"], sd_configs["vae"], 2, False)
    # Self-attention scores of the first transformer: 2 copies x 2 guided images x 8 heads x
    # (256 x 144 latent tokens)^2 x fp16.
    assert (what, size) == ("UNet attention scores", 2 * 2 * 8 * (256 * 144) ** 2 * 2)
    small = sd_memory.largest_activation(StepShape(512, 512), sd_configs["unet"], sd_configs["vae"], 2, True)
    assert small == ("VAE decoder feature map", 2 * 256 * 512 * 512 * 2)


def test_published_figures_load_with_the_runtime_cost(root, models):
    rows = load_vram(root / "data/vram.csv", models)
    assert runtime_bytes(rows) == 781e6
    assert {r.kind for r in rows} == {"runtime", "llm", "sd"}


def test_a_value_missing_from_its_quote_is_refused(root, tmp_path, models):
    text = (root / "data/vram.csv").read_text(encoding="utf-8").replace(",9135,MB,", ",9136,MB,")
    path = tmp_path / "vram.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"line 3, column 'quote'.*9136"):
        load_vram(path, models)
