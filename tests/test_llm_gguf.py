"""LLaMA in llama.cpp's formats: the per-tensor format model, the synthetic GGUF files (read back
by gguf's own reader), their bytes per token, and the llama.cpp backend of llm-decode."""

from __future__ import annotations

import importlib.util
import json
import os
import statistics

import numpy as np
import pytest
from gpusurvey import cli
from gpusurvey.bench import cpu_bandwidth, harness
from gpusurvey.bench.synth import llama_gguf
from gpusurvey.bench.workloads.llm_decode import LlmDecodeConfig, LlmDecodeWorkload
from gpusurvey.core import record as rec
from gpusurvey.core.errors import DataError
from gpusurvey.core.machine import machine_slug
from gpusurvey.models.llama import PRESETS
from gpusurvey.models.roofline import (
    format_weight_bytes_per_token,
    quantised_parameters,
    tensor_bytes,
    weight_bytes_per_token,
)
from gpusurvey.models.weight_formats import (
    FORMATS,
    GGUF_FORMATS,
    format_inventory,
    gguf_tensors,
    use_more_bits,
)
from helpers import ROOT, loaded_modules, snakemake

L13B = PRESETS["llama-13b"]
TINY = PRESETS["llama-tiny"]
HAS_LLAMA_CPP = importlib.util.find_spec("llama_cpp") is not None
needs_llama_cpp = pytest.mark.skipif(
    not HAS_LLAMA_CPP,
    reason="llama-cpp-python is not installed (extra bench-llm-cpp; `make test` installs it)")


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gguf")
    return {fmt: llama_gguf.write("llama-tiny", fmt, folder / f"llama-tiny-{fmt}.gguf")
            for fmt in GGUF_FORMATS}


def test_llama_13b_tensor_list_in_each_gguf_format():
    h, f, v = 5120, 13824, 32000
    # llama.cpp's use_more_bits for 40 layers: the first and last five, and every third between.
    more = [i for i in range(40) if use_more_bits(i, 40)]
    assert more == [0, 1, 2, 3, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 35, 36, 37, 38, 39]
    for fmt, base, output in (("gguf-q4_0", "Q4_0", "Q6_K"), ("gguf-q8_0", "Q8_0", "Q8_0"),
                              ("gguf-q4_k_m", "Q4_K", "Q6_K")):
        tensors = {t.name: t for t in gguf_tensors(L13B, fmt)}
        assert len(tensors) == 2 + 40 * 9 + 1
        assert (tensors["token_embd.weight"].ggml_type, tensors["token_embd.weight"].shape) == (base, (v, h))
        assert (tensors["output.weight"].ggml_type, tensors["output.weight"].shape) == (output, (v, h))
        assert tensors["output_norm.weight"].shape == (h,)
        for i in range(40):
            shapes = {"attn_q": (h, h), "attn_k": (h, h), "attn_v": (h, h), "attn_output": (h, h),
                      "ffn_gate": (f, h), "ffn_up": (f, h), "ffn_down": (h, f)}
            for name, shape in shapes.items():
                t = tensors[f"blk.{i}.{name}.weight"]
                raised = fmt == "gguf-q4_k_m" and name in ("attn_v", "ffn_down") and i in more
                assert (t.ggml_type, t.shape) == ("Q6_K" if raised else base, shape), t.name
            for norm in ("attn_norm", "ffn_norm"):
                assert (tensors[f"blk.{i}.{norm}.weight"].ggml_type,
                        tensors[f"blk.{i}.{norm}.weight"].shape) == ("F32", (h,))


def test_bytes_per_token_of_llama_13b_by_format():
    """The roofline's count against the block arithmetic written out by hand."""
    h, f, v, layers = 5120, 13824, 32000, 40
    linear = layers * (4 * h * h + 3 * h * f)
    norms = (2 * layers + 1) * h * 4
    q6k_out = v * h * 210 // 256
    q4_0 = linear * 18 // 32 + q6k_out + h * 18 // 32 + norms
    assert format_weight_bytes_per_token(L13B, "gguf-q4_0") == q4_0
    q8_0 = (linear + v * h) * 34 // 32 + h * 34 // 32 + norms
    assert format_weight_bytes_per_token(L13B, "gguf-q8_0") == q8_0
    raised = 20 * (h * h + f * h)  # attn_v and ffn_down of the 20 use_more_bits layers
    q4km = (linear - raised) * 144 // 256 + raised * 210 // 256 + q6k_out + h * 144 // 256 + norms
    assert format_weight_bytes_per_token(L13B, "gguf-q4_k_m") == q4km
    # GPTQ: the figure the survey's roofline has always used (about 6.92 GB).
    assert format_weight_bytes_per_token(L13B, "gptq-4bit-g128") == pytest.approx(6.92e9, rel=1e-3)
    for fmt in FORMATS:
        assert quantised_parameters(format_inventory(L13B, fmt)) == linear


def test_tiny_gguf_header_matches_the_format_model(tiny_files):
    for fmt, path in tiny_files.items():
        assert_header_matches(path, "llama-tiny", fmt)


@pytest.mark.parametrize("fmt", sorted(GGUF_FORMATS))
def test_full_size_gguf_header_matches_llama_13b(fmt):
    """Reads only the header (memory-mapped) of the files `gpusurvey synth llama-13b-gguf-*` wrote."""
    path = ROOT / llama_gguf.default_path("llama-13b", fmt)
    if not path.exists():
        pytest.skip(f"{path.relative_to(ROOT)} not written (gpusurvey synth llama-13b-{fmt} {path})")
    assert_header_matches(path, "llama-13b", fmt)


def assert_header_matches(path, preset, fmt):
    from gguf import GGUFReader

    reader = GGUFReader(path)
    expected = format_inventory(PRESETS[preset], fmt)
    found = llama_gguf.inventory(path)
    assert list(found) == list(expected)
    assert found == expected
    shape = PRESETS[preset]
    field = lambda key: reader.get_field(key).contents()  # noqa: E731
    assert field("general.architecture") == "llama"
    assert field("llama.block_count") == shape.layers
    assert field("llama.embedding_length") == shape.hidden
    assert field("llama.feed_forward_length") == shape.intermediate
    assert field("llama.attention.head_count") == shape.heads
    assert field("llama.context_length") == shape.max_positions
    assert len(reader.get_field("tokenizer.ggml.tokens").data) == shape.vocab
    # Bytes in the file are the bytes the format model counts, tensor by tensor.
    for t in reader.tensors:
        assert t.n_bytes == tensor_bytes(*expected[t.name]), t.name
    assert llama_gguf.written_with(path) == (preset, fmt, llama_gguf.SEED)


def test_bytes_counted_from_the_written_file_equal_the_analytic_count(tiny_files):
    for fmt, path in tiny_files.items():
        from_file = weight_bytes_per_token(llama_gguf.inventory(path))
        assert from_file == format_weight_bytes_per_token(TINY, fmt)
        assert from_file < os.path.getsize(path)  # one embedding row, not the table


def test_every_synthetic_weight_dequantises_to_a_finite_value(tiny_files):
    from gguf import GGUFReader
    from gguf.quants import dequantize

    for path in tiny_files.values():
        for t in GGUFReader(path).tensors:
            values = dequantize(np.asarray(t.data), t.tensor_type)
            assert np.isfinite(values).all(), t.name
            assert values.size == t.n_elements
            if t.tensor_type.name != "F32":
                assert 0 < np.abs(values).max() < 1, t.name


def test_writing_again_reuses_the_file_and_refuses_a_foreign_one(tiny_files, tmp_path):
    path = tiny_files["gguf-q4_0"]
    before = path.stat().st_mtime_ns
    assert llama_gguf.write("llama-tiny", "gguf-q4_0", path) == path
    assert path.stat().st_mtime_ns == before
    with pytest.raises(ValueError, match="is not a synthetic 'llama-tiny' gguf-q8_0"):
        llama_gguf.write("llama-tiny", "gguf-q8_0", path)
    other = tmp_path / "other.gguf"
    other.write_bytes(b"not gguf")
    assert llama_gguf.written_with(other) is None
    with pytest.raises(ValueError, match="other.gguf: exists"):
        llama_gguf.write("llama-tiny", "gguf-q4_0", other)


def test_synth_cli_writes_a_gguf(tmp_path, capsys):
    out = tmp_path / "w" / "tiny.gguf"
    assert cli.main(["synth", "llama-tiny-gguf-q8_0", str(out), "--quiet"]) == 0
    assert json.loads(capsys.readouterr().out) == {"checkpoint": "llama-tiny-gguf-q8_0", "path": str(out)}
    assert llama_gguf.written_with(out) == ("llama-tiny", "gguf-q8_0", llama_gguf.SEED)
    assert [p.name for p in out.parent.iterdir()] == ["tiny.gguf"]  # no temporary file left


def test_missing_llama_cpp_is_a_clear_error_naming_the_extra(tiny_files, tmp_path, monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "llama_cpp" else real(name, *a))
    code = cli.main(["bench", "llm-decode", "--profile", "smoke", "--device", "cpu", "--quiet",
                     "--out", str(tmp_path / "r.json"), "--set", "backend=llama.cpp",
                     "--set", f"checkpoint={tiny_files['gguf-q4_0']}"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "r.json").exists()
    assert "needs llama-cpp-python" in err and "bench-llm-cpp" in err and "Traceback" not in err


@needs_llama_cpp
def test_llama_cpp_without_a_gguf_file_is_an_error_that_says_so(tmp_path):
    with pytest.raises(ValueError, match="needs a GGUF file"):
        LlmDecodeWorkload(LlmDecodeConfig.for_profile("smoke", backend="llama.cpp"), "cpu")
    with pytest.raises(DataError, match="not found; expected a LLaMA .gguf file"):
        LlmDecodeWorkload(LlmDecodeConfig.for_profile("smoke", backend="llama.cpp",
                                                      checkpoint=str(tmp_path / "x.gguf")), "cpu")


@needs_llama_cpp
@pytest.mark.parametrize("fmt", sorted(GGUF_FORMATS))
def test_llama_cpp_backend_runs_each_tiny_format_through_the_cli(tiny_files, tmp_path, fmt, capsys):
    out = tmp_path / "rec.json"
    code = cli.main(["bench", "llm-decode", "--profile", "smoke", "--device", "cpu", "--quiet",
                     "--out", str(out), "--set", "backend=llama.cpp", "--set", "threads=1",
                     "--set", f"checkpoint={tiny_files[fmt]}"])
    assert code == 0, capsys.readouterr().err
    record = rec.load(out)
    assert record.status == "ok", record.error
    assert record.backend["library"] == "llama.cpp (llama-cpp-python)"
    assert record.backend["format"] == fmt and record.backend["n_gpu_layers"] == 0
    assert record.backend["n_threads"] == 1
    assert record.weights == {"kind": "synthetic", "sha256": record.weights["sha256"],
                              "name": f"llama-tiny-{fmt} (gpusurvey synth, seed {llama_gguf.SEED})"}
    assert all(len(m.samples) == 5 and m.mean > 0 for m in record.metrics.values())
    extra = record.extra
    assert extra["weight_format"] == fmt
    assert extra["weight_bytes_per_token"] == format_weight_bytes_per_token(TINY, fmt)
    probe = extra["cpu_bandwidth_probe"]
    assert probe["threads"] == 1 and probe["gbs"] > 0 and probe["buffer_bytes"] == 64 * 1024**2
    assert extra["memory_bandwidth_gbs"] == probe["gbs"]
    assert extra["memory_bandwidth_source"].startswith("measured: median of 16 samples of 2 kernels")
    # One sample per kernel before the model loads and before each of the 7 calls (first call,
    # one warm-up, five repetitions); the bound is their median.
    whens = [s["when"] for s in probe["samples"]]
    assert whens[:2] == ["before loading the model"] * 2 and whens[-1] == "before call 7"
    assert {s["kernel"] for s in probe["samples"]} == {"torch.sum", "numpy.sum"}
    assert probe["gbs"] == statistics.median(probe["samples_gbs"])
    assert probe["min_gbs"] <= probe["gbs"] <= probe["max_gbs"]
    # The second ceiling from the run's own prefill; the efficiency is against the lower one.
    assert extra["arithmetic_ceiling"]["bound_tokens_per_s"] == extra["arithmetic_bound_tokens_per_s"] > 0
    assert extra["bound_tokens_per_s"] == min(extra["arithmetic_bound_tokens_per_s"],
                                              extra["bandwidth_bound_tokens_per_s"])
    assert record.backend["repack"] is True
    timer = extra["backend_timer"]  # llama.cpp's own count of the same decode steps
    assert timer["evals"] == 7 and timer["decode_tokens_per_s"] > 0
    assert timer["harness_over_backend"] == pytest.approx(record.value / timer["decode_tokens_per_s"])
    bound = probe["gbs"] * 1e9 / extra["bytes_per_token"]
    assert extra["bandwidth_bound_tokens_per_s"] == pytest.approx(bound)
    assert extra["efficiency"] == pytest.approx(record.value / extra["bound_tokens_per_s"])


@needs_llama_cpp
def test_a_file_larger_than_memory_gives_an_oom_record(tiny_files, monkeypatch):
    import psutil

    class Tiny:
        available = 1000

    monkeypatch.setattr(psutil, "virtual_memory", lambda: Tiny())
    config = LlmDecodeConfig.for_profile("smoke", backend="llama.cpp", memory_bandwidth_gbs="10",
                                         checkpoint=str(tiny_files["gguf-q4_0"]))
    record = harness.measure(LlmDecodeWorkload(config, "cpu"), "smoke")
    assert record.status == "oom"
    assert "do not fit in 0.00 GB of available memory" in record.error


def test_cpu_bandwidth_probe_samples_two_kernels_and_reports_their_median():
    probe = cpu_bandwidth.measure(threads=2, nbytes=16 * 1024**2, samples=3)
    assert len(probe["samples_gbs"]) == 6 and probe["threads"] == 2
    assert [s["kernel"] for s in probe["samples"]] == ["torch.sum", "numpy.sum"] * 3
    assert probe["gbs"] == probe["median_gbs"] == statistics.median(probe["samples_gbs"]) > 0
    assert probe["method"].startswith("median of 6 samples of 2 kernels (torch.sum, numpy.sum")
    with pytest.raises(ValueError, match="samples must be positive"):
        cpu_bandwidth.measure(threads=1, nbytes=16 * 1024**2, samples=0)


@needs_llama_cpp
def test_repacking_off_loads_no_repacked_copy(tiny_files):
    """llama.cpp's extra buffer types are off inside ``repacking(False)`` and restored after."""
    import llama_cpp.llama_cpp as bindings
    from gpusurvey.bench.llm_llama_cpp import repacking

    assert bindings.llama_model_default_params().use_extra_bufts is True
    with repacking(False):
        assert bindings.llama_model_default_params().use_extra_bufts is False
    assert bindings.llama_model_default_params().use_extra_bufts is True
    with repacking(True):
        assert bindings.llama_model_default_params().use_extra_bufts is True


@needs_llama_cpp
def test_llama_cpp_without_repacking_runs_and_says_so(tiny_files, tmp_path):
    config = LlmDecodeConfig.for_profile("smoke", backend="llama.cpp", threads="1", repack="false",
                                         checkpoint=str(tiny_files["gguf-q8_0"]))
    record = harness.measure(LlmDecodeWorkload(config, "cpu"), "smoke")
    assert record.status == "ok", record.error
    assert record.backend["repack"] is False and record.params["repack"] is False


def test_the_format_model_imports_nothing_heavy():
    unwanted = ("gpusurvey.data", "gpusurvey.reports", "torch", "gguf", "llama_cpp", "numpy")
    assert loaded_modules("import gpusurvey.models.weight_formats", unwanted) == []
    unwanted = ("gpusurvey.data", "gpusurvey.reports", "torch", "gguf", "llama_cpp")
    assert loaded_modules("import gpusurvey.bench.llm_llama_cpp", unwanted) == []


@needs_llama_cpp
@pytest.mark.workflow
def test_bench_rule_writes_the_tiny_gguf_then_a_llama_cpp_record(project):
    target = f"results/measurements/{machine_slug()}/llm-decode.json"
    config = "bench={profile: smoke, device: cpu, settings: {llm-decode: {backend: llama.cpp, threads: 1}}}"
    snakemake(project, "--cores", "1", target, "--config", config)
    gguf = "results/weights/llama-tiny-gguf-q4_k_m.gguf"
    assert llama_gguf.written_with(project / gguf) == ("llama-tiny", "gguf-q4_k_m", llama_gguf.SEED)
    record = rec.load(project / target)
    assert record.status == "ok" and record.device == "cpu", record.error
    assert record.params["checkpoint"] == gguf and record.backend["format"] == "gguf-q4_k_m"
    assert record.extra["efficiency"] > 0


def test_env_command_measures_the_cpu_bandwidth_when_asked(monkeypatch, capsys):
    real = cpu_bandwidth.measure
    monkeypatch.setattr(cpu_bandwidth, "measure", lambda threads: real(threads, nbytes=16 * 1024**2))
    assert cli.main(["env", "--device", "cpu", "--cpu-bandwidth", "--threads", "1"]) == 0
    env = json.loads(capsys.readouterr().out)
    assert env["cpu_read_bandwidth"]["threads"] == 1 and env["cpu_read_bandwidth"]["gbs"] > 0
