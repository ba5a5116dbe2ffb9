"""llm-decode on the CPU: the transformers backend on a tiny LLaMA writes a valid record, the
roofline lands in ``extra``, exllamav2 asked for without CUDA fails clearly, OOM gives ``oom``."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from gpusurvey.bench import gpu_bandwidth, harness
from gpusurvey.bench.llm_backends import (
    ExLlamaV2Backend,
    TransformersBackend,
    causal_attention,
    exllamav2_attention,
    exllamav2_config,
    resolve_backend,
)
from gpusurvey.bench.synth import llama_gptq
from gpusurvey.bench.workloads.llm_decode import LlmDecodeConfig, LlmDecodeWorkload
from gpusurvey.core import record as rec
from gpusurvey.core.errors import DataError
from gpusurvey.core.machine import machine_slug
from gpusurvey.models.llama import PRESETS
from helpers import ROOT, loaded_modules, snakemake


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return llama_gptq.write("llama-tiny", tmp_path_factory.mktemp("weights") / "llama-tiny-gptq")


def smoke(**overrides) -> LlmDecodeConfig:
    return LlmDecodeConfig.for_profile("smoke", **overrides)


def test_transformers_backend_on_a_tiny_llama_writes_a_valid_record(tmp_path):
    workload = LlmDecodeWorkload(smoke(memory_bandwidth_gbs="50"), "cpu")
    record = harness.measure(workload, "smoke")
    assert record.status == "ok", record.error
    out = tmp_path / "llm-decode.json"
    rec.save(record, out)
    loaded = rec.load(out)
    assert loaded.unit == "tokens/s" and loaded.primary_metric == "decode_tokens_per_s"
    assert set(loaded.metrics) == {"decode_tokens_per_s", "prefill_tokens_per_s", "ttft_s"}
    assert all(len(m.samples) == 5 and m.mean > 0 for m in loaded.metrics.values())
    # Prefill rate and time to first token describe the same interval.
    for rate, ttft in zip(loaded.metrics["prefill_tokens_per_s"].samples,
                          loaded.metrics["ttft_s"].samples, strict=True):
        assert rate * ttft == pytest.approx(16)
    assert loaded.backend["library"] == "transformers" and loaded.backend["weights"] == "float32"
    assert loaded.weights["kind"] == "synthetic"
    extra = loaded.extra
    assert extra["memory_bandwidth_source"] == "config"
    assert extra["bytes_per_token"] == extra["weight_bytes_per_token"] + extra["kv_bytes_per_token"]
    assert extra["bound_tokens_per_s"] == pytest.approx(50e9 / extra["bytes_per_token"])
    assert extra["efficiency"] == pytest.approx(loaded.value / extra["bound_tokens_per_s"])
    assert extra["quantised_parameters"] == 0  # fp32, nothing quantised
    assert extra["backend_timer"] is None  # transformers keeps no timer of its own


@pytest.mark.slow
def test_cli_runs_the_shape_of_a_gptq_checkpoint_with_transformers(tiny, tmp_path):
    out = tmp_path / "rec.json"
    proc = subprocess.run(
        [sys.executable, "-m", "gpusurvey.cli", "bench", "llm-decode", "--profile", "smoke",
         "--device", "cpu", "--quiet", "--out", str(out), "--set", f"checkpoint={tiny}",
         "--set", "backend=transformers"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT / "workflow"), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "ok"
    record = rec.load(out)
    assert record.params["checkpoint"] == str(tiny)
    assert record.weights["name"].startswith("llama-tiny-gptq shape")
    # The unquantised fp32 model reads 4 bytes per linear weight.
    assert record.extra["weight_bytes_per_token"] > 4 * 2 * 7 * 256 * 256
    # No GPU and no bandwidth given: the CPU's read bandwidth, measured with the run's threads.
    assert record.extra["memory_bandwidth_source"].startswith("measured: median of")
    assert record.extra["memory_bandwidth_gbs"] == record.extra["cpu_bandwidth_probe"]["gbs"] > 0
    assert record.extra["efficiency"] > 0


def test_exllamav2_without_cuda_is_a_clear_error_before_importing_it():
    with pytest.raises(RuntimeError, match="needs a CUDA GPU.*transformers backend"):
        LlmDecodeWorkload(smoke(backend="exllamav2", checkpoint="x"), "cpu")
    assert "exllamav2" not in sys.modules
    assert resolve_backend("auto", "cpu") == "transformers"
    assert resolve_backend("auto", "cuda") == "exllamav2"


def test_cli_exllamav2_on_the_cpu_exits_with_the_message(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "gpusurvey.cli", "bench", "llm-decode", "--profile", "smoke",
         "--device", "cpu", "--quiet", "--out", str(tmp_path / "r.json"),
         "--set", "backend=exllamav2", "--set", f"checkpoint={tmp_path}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(ROOT / "workflow"), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2
    assert "needs a CUDA GPU" in proc.stderr and "transformers" in proc.stderr
    assert not (tmp_path / "r.json").exists()


def test_bad_settings_fail_before_anything_runs(tiny):
    with pytest.raises(DataError, match="exceeds the model's 512 positions"):
        LlmDecodeWorkload(smoke(checkpoint=str(tiny), prompt_tokens="510"), "cpu")
    with pytest.raises(ValueError, match="new_tokens: expected 2 or more"):
        smoke(new_tokens="1")
    with pytest.raises(ValueError, match="needs a checkpoint folder"):
        LlmDecodeWorkload(smoke(backend="exllamav2"), "cuda")


def test_out_of_memory_gives_an_oom_record(monkeypatch, tmp_path):
    import torch

    def out_of_memory(self, prompt, new_tokens):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 MiB")

    monkeypatch.setattr(TransformersBackend, "generate", out_of_memory)
    record = harness.measure(LlmDecodeWorkload(smoke(), "cpu"), "smoke")
    assert record.status == "oom" and "out of memory" in record.error
    assert not record.metrics
    rec.save(record, tmp_path / "oom.json")
    assert rec.load(tmp_path / "oom.json").status == "oom"


def test_full_profile_is_the_survey_setting():
    config = LlmDecodeConfig.for_profile("full")
    assert (config.model, config.new_tokens, config.backend) == ("llama-13b", 400, "auto")


@pytest.mark.parametrize("name, gbs", [("NVIDIA GeForce RTX 4090", 1008), ("RTX 3090Ti", 1008),
                                       ("NVIDIA H100 80GB HBM3", 3350), ("Tesla T4", 320)])
def test_bandwidth_from_gpus_csv_by_driver_name_or_alias(name, gbs):
    found = gpu_bandwidth.lookup(name, ROOT / "data/gpus.csv")
    assert found is not None and found.gbs == gbs


@pytest.mark.parametrize("name, gib, gpu, gbs", [
    ("NVIDIA GeForce RTX 3080", 9.8, "RTX 3080", 760),
    ("NVIDIA GeForce RTX 3080", 11.8, "RTX 3080 12GB", 912),
    ("NVIDIA GeForce RTX 4060 Ti", 7.6, "RTX 4060 Ti 8GB", 288),
    ("NVIDIA GeForce RTX 4060 Ti", 15.6, "RTX 4060 Ti 16GB", 288),
    ("NVIDIA A100 80GB PCIe", 79.1, "A100 80GB PCIe", 1935),
    ("NVIDIA A100 80GB PCIe", None, "A100 80GB PCIe", 1935),
    ("NVIDIA GeForce RTX 3080", None, "RTX 3080 12GB", 912)])
def test_a_driver_name_of_several_cards_is_told_apart_by_memory(name, gib, gpu, gbs):
    memory = None if gib is None else int(gib * 2**30)
    found = gpu_bandwidth.lookup(name, ROOT / "data/gpus.csv", memory)
    assert found == gpu_bandwidth.Bandwidth(gbs=gbs, gpu=gpu)


def test_unknown_gpu_has_no_bandwidth_and_a_bad_table_is_a_data_error(tmp_path):
    assert gpu_bandwidth.lookup("Radeon RX 7900 XTX", ROOT / "data/gpus.csv") is None
    bad = _bandwidth_spoiled(tmp_path / "gpus.csv")
    with pytest.raises(DataError, match="line 2, column 'memory_bandwidth_gbs'"):
        gpu_bandwidth.lookup("RTX 4090", bad)


def _bandwidth_spoiled(path):
    """data/gpus.csv with the first row's (the RTX 4090's) bandwidth replaced by a word."""
    with open(ROOT / "data/gpus.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("memory_bandwidth_gbs")] = "fast"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.mark.parametrize("table", ["missing.csv", "bad.csv"])
def test_an_unreadable_gpu_table_gives_an_unknown_bandwidth_with_the_reason(tmp_path, monkeypatch, table):
    import torch

    _bandwidth_spoiled(tmp_path / "bad.csv")
    workload = LlmDecodeWorkload(smoke(gpus_csv=str(tmp_path / table)), "cpu")
    workload.device = "cuda"  # the lookup runs only for a GPU
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=0: "NVIDIA GeForce RTX 4090")
    monkeypatch.setattr(torch.cuda, "get_device_properties",
                        lambda index=0: SimpleNamespace(total_memory=24 * 2**30))
    gbs, source = workload._bandwidth()
    assert gbs is None
    assert table in source and "unreadable" in source and "memory_bandwidth_gbs" in source


def flags(flash=False, xformers=False, sdpa=True, no_flash=False, no_xformers=False, no_sdpa=False,
          softcap=None):
    """exllamav2.attn's module flags and a model config, as exllamav2 0.3.2 names them."""
    attn = SimpleNamespace(has_flash_attn=flash, has_xformers=xformers, has_lower_right_sdpa=sdpa)
    config = SimpleNamespace(no_flash_attn=no_flash, no_xformers=no_xformers, no_sdpa=no_sdpa,
                             attn_logit_softcapping=softcap)
    return attn, config


@pytest.mark.parametrize("kwargs, label", [
    ({"flash": True, "xformers": True}, "flash-attn"),
    ({"flash": True, "no_flash": True, "xformers": True}, "xformers"),
    ({"xformers": True, "no_xformers": True}, "torch sdpa"),
    ({}, "torch sdpa"),
    ({"no_sdpa": True}, "torch matmul-softmax"),
    ({"sdpa": False}, "torch matmul-softmax"),
    ({"softcap": 30.0}, "torch matmul-softmax"),
])
def test_exllamav2_attention_label_is_what_runs(kwargs, label):
    assert exllamav2_attention(*flags(**kwargs)) == label


def fake_xformers(monkeypatch, compiled):
    """xformers as exllamav2 would find it: compiled ops, uncompiled ops, or not installed."""
    fake = None if compiled is None else SimpleNamespace(_has_cpp_library=compiled)
    monkeypatch.setitem(sys.modules, "xformers", fake)  # None: import raises ImportError


@pytest.mark.parametrize("compiled, label", [(True, "xformers"), (False, "torch matmul-softmax"),
                                             (None, "torch matmul-softmax")])
def test_the_exllamav2_config_takes_a_causal_attention_path(monkeypatch, compiled, label):
    """exllamav2 0.3.2's SDPA branch drops the causal mask of a single sequence: the config must
    turn it off, and keep uncompiled xformers out, whatever the environment says."""
    for name in ("EXLLAMA_NO_XFORMERS", "EXLLAMA_NO_SDPA", "EXLLAMA_NO_FLASH_ATTN"):
        monkeypatch.delenv(name, raising=False)
    fake_xformers(monkeypatch, compiled)
    attn, config = flags(xformers=True)
    causal_attention(config)
    assert config.no_sdpa is True
    assert exllamav2_attention(attn, config) == label
    assert "EXLLAMA_NO_XFORMERS" not in os.environ


def test_a_config_that_already_keeps_xformers_out_keeps_it_out(monkeypatch):
    fake_xformers(monkeypatch, True)
    attn, config = flags(xformers=True, no_xformers=True)
    assert exllamav2_attention(attn, causal_attention(config)) == "torch matmul-softmax"


class FakeExLlamaV2Config:
    """``exllamav2.ExLlamaV2Config`` as 0.3.2 starts one: switches from the environment."""

    def __init__(self, model_dir):
        self.model_dir = model_dir
        self.max_seq_len = 2048
        self.no_flash_attn = "EXLLAMA_NO_FLASH_ATTN" in os.environ
        self.no_xformers = "EXLLAMA_NO_XFORMERS" in os.environ
        self.no_sdpa = "EXLLAMA_NO_SDPA" in os.environ
        self.attn_logit_softcapping = None


class FakeExLlamaV2:
    def __init__(self, config):
        self.config = config

    def load(self):
        pass


def test_the_backend_and_the_gpu_tests_build_the_config_in_one_place(monkeypatch):
    """The backend's model gets its config from ``exllamav2_config`` (which tests/test_llm_gpu.py
    uses too), with the causal switches set. exllamav2 itself is replaced here, since importing
    it compiles CUDA code."""
    fake_xformers(monkeypatch, False)
    fake = SimpleNamespace(ExLlamaV2Config=FakeExLlamaV2Config, ExLlamaV2=FakeExLlamaV2,
                           ExLlamaV2Cache=lambda model, max_seq_len: SimpleNamespace(model=model))
    monkeypatch.setitem(sys.modules, "exllamav2", fake)
    backend = ExLlamaV2Backend("/weights/llama", PRESETS["llama-tiny"], "cuda", max_tokens=528)
    backend.load()
    config = backend.model.config
    assert (config.model_dir, config.max_seq_len) == ("/weights/llama", 528)
    assert config.no_sdpa and config.no_xformers
    assert exllamav2_config("/weights/llama").max_seq_len == 2048
    gpu_tests = (ROOT / "tests/test_llm_gpu.py").read_text()
    assert "exllamav2_config(" in gpu_tests and "ExLlamaV2Config" not in gpu_tests


def test_importing_the_workload_loads_neither_the_reporting_half_nor_heavy_libraries():
    unwanted = ("gpusurvey.inputs.gpus", "gpusurvey.reports.writers", "torch", "transformers", "exllamav2",
                "safetensors")
    imports = "import gpusurvey.bench.workloads.llm_decode, gpusurvey.bench.llm_backends"
    assert loaded_modules(imports, unwanted) == []


@pytest.mark.workflow
def test_bench_rule_writes_the_tiny_synthetic_checkpoint_then_a_valid_record(project):
    target = f"results/measurements/{machine_slug()}/llm-decode.json"
    smoke_cpu = "bench={profile: smoke, device: cpu, settings: {llm-decode: {memory_bandwidth_gbs: 40}}}"
    snakemake(project, "--cores", "1", target, "--config", smoke_cpu)
    assert llama_gptq.existing_preset(project / "results/weights/llama-tiny-gptq") is not None
    record = rec.load(project / target)
    assert record.status == "ok" and record.profile == "smoke" and record.device == "cpu"
    assert record.params["checkpoint"] == "results/weights/llama-tiny-gptq"
    assert record.backend["library"] == "transformers"
    assert record.extra["bound_tokens_per_s"] == pytest.approx(40e9 / record.extra["bytes_per_token"])
