"""The harness, the matmul workload and the `gpusurvey` command, on the CPU (CUDA tests skip)."""

import json
import os
import subprocess
import sys

import jsonschema
import pytest
import torch
from gpusurvey import cli
from gpusurvey.bench import harness, workloads
from gpusurvey.bench.config import WorkloadConfig
from gpusurvey.bench.plan import QUICK_CHECK
from gpusurvey.bench.workload import Workload
from gpusurvey.bench.workloads.matmul import THREAD_ENV, MatmulConfig, MatmulWorkload
from gpusurvey.core import record as rec
from gpusurvey.core.schemas import load_schema
from helpers import ROOT, loaded_modules

CPU_METRICS = {"cpu_torch_fp32_ms", "cpu_torch_fp32_1thread_ms", "cpu_numpy_fp32_ms",
               "cpu_fp32_gemm_gflops", "cpu_bf16_gemm_gflops"}
CUDA_METRICS = {"cuda_fp32_ms", "cuda_fp32_512_tflops", "cuda_fp16_512_tflops",
                "cuda_fp32_4096_tflops", "cuda_fp16_4096_tflops"}


class Failing(Workload):
    """Runs ``ok_runs`` calls, then raises ``exc``; counts teardown calls."""

    NAME = "matmul"
    CONFIG = WorkloadConfig
    METRICS = {"cpu_torch_fp32_ms": ("ms", "")}
    exc: Exception = RuntimeError("boom")
    ok_runs = 3

    def setup(self):
        self.calls = 0
        self.torn_down = False

    def run(self):
        self.calls += 1
        if self.calls > self.ok_runs:
            raise self.exc
        return {"cpu_torch_fp32_ms": 1.0}

    def teardown(self):
        self.torn_down = True


class OutOfMemory(Failing):
    exc = torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")


def test_matmul_smoke_through_harness(tmp_path):
    config = MatmulConfig.for_profile("smoke", inner_loops=2)
    progress = []

    class Calls(harness.Progress):
        def call(self, phase, index, total):
            progress.append((phase, index, total))

    record = harness.measure(MatmulWorkload(config, "cpu"), "smoke", progress=Calls())
    assert record.status == "ok", record.error
    assert set(record.metrics) == CPU_METRICS
    for name, metric in record.metrics.items():
        assert len(metric.samples) == config.repetitions == 5
        assert all(s > 0 for s in metric.samples)
        assert metric.first_call > 0
        assert metric.unit == ("GFLOPS" if name.endswith("_gemm_gflops") else "ms")
    assert record.params["size"] == 256 and record.params["inner_loops"] == 2
    assert record.warmup == 1 and record.repetitions == 5
    assert record.backend["torch_threads"] == torch.get_num_threads()
    assert set(record.backend["thread_env"]) == {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                 "MKL_NUM_THREADS"}
    assert "cuda_fp32_matmul_precision" not in record.backend
    # The GPU ratios need CUDA; the CPU's peak is the best timed repetition of the large GEMM.
    assert set(record.extra) == {"cpu_peak_gflops", "cpu_peak_bf16_gflops", "cpu_all_threads_over_one",
                                 "run_estimate"}
    assert record.extra["cpu_peak_gflops"] == max(record.metrics["cpu_fp32_gemm_gflops"].samples)
    assert record.extra["cpu_peak_bf16_gflops"] == max(record.metrics["cpu_bf16_gemm_gflops"].samples)
    assert record.backend["cpu_threads"]["cpu_torch_fp32_1thread_ms"] == 1
    assert record.params["peak_gemms"] is True
    assert record.backend["cpu_peak_gemm"].startswith("256x256 fp32 and bf16 torch.matmul")
    assert torch.get_num_threads() == record.backend["torch_threads"]  # restored after 1 thread
    assert record.gpu is None and record.machine.startswith("cpu-")
    assert record.peak_memory["rss_bytes"] > 0 and record.peak_memory["vram_bytes"] is None
    assert record.environment["packages"]["numpy"]
    assert progress == [("first call", 1, 1), ("warm-up", 1, 1),
                        *[("repetition", i, 5) for i in range(1, 6)]]
    rec.save(record, tmp_path / "matmul.json")
    assert rec.load(tmp_path / "matmul.json").value == pytest.approx(
        record.metrics["cpu_torch_fp32_ms"].mean)


def test_matmul_quick_check_times_figure_1s_products_only():
    """The paper's quick check (bench.plan.QUICK_CHECK) on the full profile's matrices: the
    record states its short settings, holds no peak GEMM and says so in its backend."""
    full = MatmulConfig.for_profile("full")
    quick = MatmulConfig.for_profile("full", **QUICK_CHECK["matmul"])
    assert quick.size == full.size and not quick.peak_gemms and full.peak_gemms
    assert quick.repetitions < full.repetitions and quick.inner_loops < full.inner_loops
    config = MatmulConfig.for_profile("smoke", peak_gemms="false")
    record = harness.measure(MatmulWorkload(config, "cpu"), "smoke")
    assert record.status == "ok", record.error
    assert set(record.metrics) == {m for m in CPU_METRICS if not m.endswith("_gemm_gflops")}
    assert record.params["peak_gemms"] is False
    assert record.backend["cpu_peak_gemm"] is False
    assert set(record.backend["cpu_threads"]) == {"cpu_torch_fp32_ms", "cpu_torch_fp32_1thread_ms"}
    assert set(record.extra) == {"cpu_all_threads_over_one", "run_estimate"}


@pytest.mark.parametrize("blas_threads, idle", [("1", "0.0 s idle"), ("2", "0.05 s idle")])
def test_matmul_waits_for_blas_threads_only_where_a_library_has_them(monkeypatch, blas_threads, idle):
    """``settle_s`` lets another library's spinning BLAS threads stop; one thread everywhere
    (what ``--cores 1`` sets) has none, so the run does not idle, and the record says which."""
    import torch

    monkeypatch.setattr(torch, "get_num_threads", lambda: 1)
    for key in THREAD_ENV:
        monkeypatch.setenv(key, "1")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", blas_threads)
    workload = MatmulWorkload(MatmulConfig.for_profile("smoke", peak_gemms="false", settle_s="0.05"), "cpu")
    workload.setup()
    assert idle in workload.backend()["cpu_timing"]
    assert workload.calibrate().method.endswith(f"plus {float(idle.split()[0]):g} s idle before each")


def test_matmul_profiles_and_settings():
    full, smoke = MatmulConfig.for_profile("full"), MatmulConfig.for_profile("smoke")
    assert full.size == 1000 and full.repetitions >= 5
    assert smoke.size < full.size and smoke.inner_loops < full.inner_loops
    assert MatmulConfig.for_profile("full", cuda_graphs="false").cuda_graphs is False
    with pytest.raises(ValueError, match="inner_loops: expected 1 or more"):
        MatmulConfig.for_profile("smoke", inner_loops="0")
    with pytest.raises(ValueError, match="unknown setting 'loops'"):
        MatmulConfig.for_profile("smoke", loops="3")


def test_matmul_extra_ratios():
    workload = MatmulWorkload(MatmulConfig(), "cuda")
    means = {"cpu_torch_fp32_ms": 40.0, "cuda_fp32_ms": 4.0, "cuda_fp32_512_tflops": 10.0,
             "cuda_fp16_512_tflops": 40.0, "cuda_fp32_4096_tflops": 20.0,
             "cuda_fp16_4096_tflops": 180.0}
    assert workload.extra(means) == {"fp16_over_fp32_512": 4.0, "fp16_over_fp32_4096": 9.0,
                                     "cpu_torch_over_cuda_fp32": 10.0}


def test_out_of_memory_gives_an_oom_record(tmp_path):
    workload = OutOfMemory(WorkloadConfig.for_profile("smoke"), "cpu")
    record = harness.measure(workload, "smoke")
    assert record.status == "oom"
    assert record.error.startswith("OutOfMemoryError: CUDA out of memory")
    assert record.metrics == {}
    assert workload.torn_down
    rec.save(record, tmp_path / "r.json")
    assert rec.load(tmp_path / "r.json").value is None


def test_other_exception_gives_an_error_record(tmp_path):
    workload = Failing(WorkloadConfig.for_profile("smoke"), "cpu")
    record = harness.measure(workload, "smoke")
    assert record.status == "error"
    assert record.error == "RuntimeError: boom"
    assert "Traceback" in record.extra["traceback"]
    assert workload.torn_down
    rec.save(record, tmp_path / "r.json")


class ExtraFails(Failing):
    """Finishes every run, then fails while deriving its extra values."""

    ok_runs = 10**6

    def extra(self, metric_means):
        raise FileNotFoundError("data/gpus.csv")


def test_a_failing_extra_keeps_the_finished_run(tmp_path):
    record = harness.measure(ExtraFails(WorkloadConfig.for_profile("smoke"), "cpu"), "smoke")
    assert record.status == "ok" and record.value == 1.0
    assert record.extra == {"extra_error": "FileNotFoundError: data/gpus.csv"}
    rec.save(record, tmp_path / "r.json")
    assert rec.load(tmp_path / "r.json").extra["extra_error"].startswith("FileNotFoundError")


def test_cli_turns_an_os_error_into_a_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(workloads, "get", lambda name: ExtraFails)
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "matmul.json"  # a folder that is a file: saving fails
    argv = ["bench", "matmul", "--device", "cpu", "--profile", "smoke", "--out", str(out), "--quiet"]
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.startswith("gpusurvey: ")


@pytest.mark.parametrize(("strict", "code"), [(False, 0), (True, 1)])
def test_cli_writes_oom_record_and_strict_exits_non_zero(tmp_path, monkeypatch, capsys, strict, code):
    monkeypatch.setattr(workloads, "get", lambda name: OutOfMemory)
    out = tmp_path / "m" / "matmul.json"
    argv = ["bench", "matmul", "--device", "cpu", "--profile", "smoke", "--out", str(out), "--quiet"]
    assert cli.main(argv + (["--strict"] if strict else [])) == code
    assert rec.load(out).status == "oom"
    summary = json.loads(capsys.readouterr().out)
    assert summary["status"] == "oom" and summary["value"] is None


def run_cli(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "workflow")}
    return subprocess.run([sys.executable, "-m", "gpusurvey.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_cli_bench_matmul_smoke(tmp_path):
    out = tmp_path / "cpu" / "matmul.json"
    proc = run_cli("bench", "matmul", "--device", "cpu", "--profile", "smoke", "--out", str(out),
                   "--set", "inner_loops=2", "--set", "repetitions=6")
    assert proc.returncode == 0, proc.stderr
    assert "matmul [cpu]" in proc.stderr  # the progress bar
    summary = json.loads(proc.stdout)
    record = rec.load(out)
    assert summary["status"] == record.status == "ok"
    assert summary["value"] == record.value > 0
    assert record.params["inner_loops"] == 2 and len(record.metrics["cpu_torch_fp32_ms"].samples) == 6


def test_cli_rejects_bad_setting_before_writing(tmp_path):
    out = tmp_path / "matmul.json"
    proc = run_cli("bench", "matmul", "--device", "cpu", "--profile", "smoke", "--out", str(out),
                   "--set", "size=big", "--quiet")
    assert proc.returncode == 2
    assert "setting 'size': expected int, got 'big'" in proc.stderr
    assert not out.exists()


def test_cli_env_prints_a_valid_environment():
    proc = run_cli("env", "--device", "cpu")
    assert proc.returncode == 0, proc.stderr
    env = json.loads(proc.stdout)
    jsonschema.validate(env, load_schema("measurement")["properties"]["environment"])
    assert env["cpu_count"] >= 1 and env["packages"]["torch"] == torch.__version__
    assert env["gpu_name"] is None


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_matmul_smoke_on_cuda(tmp_path):
    precision = torch.backends.cuda.matmul.fp32_precision
    record = harness.measure(MatmulWorkload(MatmulConfig.for_profile("smoke"), "cuda"), "smoke")
    assert record.status == "ok", record.error
    assert set(record.metrics) == CPU_METRICS | CUDA_METRICS
    assert record.backend["tf32"] is False
    assert record.backend["cuda_fp32_matmul_precision"] == "ieee"
    assert record.extra["fp16_over_fp32_4096"] > 1
    assert record.peak_memory["vram_bytes"] > 0
    assert record.gpu == torch.cuda.get_device_name(0)
    assert torch.backends.cuda.matmul.fp32_precision == precision  # restored by teardown
    rec.save(record, tmp_path / "matmul.json")


def test_listing_workloads_imports_no_heavy_library():
    """The Snakefile imports the registry at parse time; the CLI lists workloads through it."""
    heavy = ("torch", "numpy", "pandas", "diffusers", "transformers", "jsonschema")
    assert loaded_modules("import gpusurvey.registry, gpusurvey.bench.workloads", heavy) == []


def test_matmul_is_estimated_and_held_to_max_cpu_hours_before_it_runs():
    with pytest.raises(ValueError, match="repetitions: expected at most 10000"):
        MatmulConfig.for_profile("smoke", repetitions=str(10**9))
    config = MatmulConfig.for_profile("smoke", repetitions="10000", max_cpu_hours="0.0001")
    calls = []

    class Calls(harness.Progress):
        def call(self, phase, index, total):
            calls.append(phase)

    with pytest.raises(harness.LongRunRefused, match=r"one product of each of the 5 CPU cases.*"
                                                     r"repetitions=10000\), more than max_cpu_hours=0.0001"):
        harness.measure(MatmulWorkload(config, "cpu"), "smoke", progress=Calls())
    assert calls == []  # refused before the first call


def test_a_full_size_cpu_run_refuses_a_busy_machine_unless_allowed():
    config = WorkloadConfig.for_profile("cpu")
    cpus = os.cpu_count() or 1
    busy = [config.max_load_per_cpu * cpus * 2, 1.0, 1.0]
    with pytest.raises(harness.BusyMachineRefused, match="allow_busy=true"):
        harness.check_quiet("cpu", "cpu", config, busy)
    allowed = harness.check_quiet("cpu", "cpu", WorkloadConfig.for_profile("cpu", allow_busy="true"), busy)
    assert allowed == {"before": busy, "cpus": cpus, "max_load_per_cpu": config.max_load_per_cpu,
                       "allow_busy": True}
    quiet = [0.0, 0.0, 0.0]
    assert harness.check_quiet("cpu", "cpu", config, quiet)["allow_busy"] is False
    # Only the cpu profile's full-size CPU records are held back.
    assert harness.check_quiet("cuda", "cpu", config, busy) is None
    assert harness.check_quiet("cpu", "smoke", config, busy) is None
    assert harness.check_quiet("cpu", "full", config, busy) is None


def test_a_cpu_record_keeps_the_load_before_and_after_and_per_repetition(monkeypatch):
    monkeypatch.setattr(harness, "machine_load", lambda: [0.0, 0.0, 0.0])
    record = harness.measure(Failing(WorkloadConfig.for_profile("cpu"), "cpu"), "cpu")
    assert record.status == "error"  # Failing raises after three calls; the load is kept
    assert record.extra["machine_load"]["before"] == record.extra["machine_load"]["after"] == [0.0] * 3
    ok = harness.measure(Failing(WorkloadConfig.for_profile("smoke", repetitions="5"), "cpu"), "smoke")
    assert "machine_load" not in ok.extra
