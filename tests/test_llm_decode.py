"""llm-decode on the CPU: the transformers backend on a tiny LLaMA writes a valid record, the
roofline lands in ``extra``, exllamav2 asked for without CUDA fails clearly, OOM gives ``oom``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from conftest import ROOT, loaded_modules, snakemake
from gpusurvey import record as rec
from gpusurvey.bench import gpu_bandwidth, harness
from gpusurvey.bench.llm_backends import (
    TransformersBackend,
    exllamav2_attention,
    resolve_backend,
    skip_uncompiled_xformers,
)
from gpusurvey.bench.synth import llama_gptq
from gpusurvey.bench.workloads.llm_decode import LlmDecodeConfig, LlmDecodeWorkload
from gpusurvey.errors import DataError
from gpusurvey.machine import machine_slug


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
    assert record.extra["memory_bandwidth_source"].startswith("measured: torch.sum")
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
    bad = tmp_path / "gpus.csv"
    bad.write_text("gpu,aliases,memory_bandwidth_gbs\nRTX 4090,,fast\n")
    with pytest.raises(DataError, match="line 2, column 'memory_bandwidth_gbs'"):
        gpu_bandwidth.lookup("RTX 4090", bad)


@pytest.mark.parametrize("table", ["missing.csv", "bad.csv"])
def test_an_unreadable_gpu_table_gives_an_unknown_bandwidth_with_the_reason(tmp_path, monkeypatch, table):
    import torch

    (tmp_path / "bad.csv").write_text("gpu,aliases,memory_bandwidth_gbs\nRTX 4090,,fast\n")
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


@pytest.mark.parametrize("compiled, disabled", [(True, False), (False, True), (None, True)])
def test_xformers_without_its_compiled_ops_is_kept_from_exllamav2(monkeypatch, compiled, disabled):
    monkeypatch.delenv("EXLLAMA_NO_XFORMERS", raising=False)
    fake = None if compiled is None else SimpleNamespace(_has_cpp_library=compiled)
    monkeypatch.setitem(sys.modules, "xformers", fake)  # None: import raises ImportError
    skip_uncompiled_xformers()
    assert ("EXLLAMA_NO_XFORMERS" in os.environ) == disabled


def test_importing_the_workload_loads_neither_the_reporting_half_nor_heavy_libraries():
    unwanted = ("gpusurvey.data", "gpusurvey.reports", "torch", "transformers", "exllamav2",
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
