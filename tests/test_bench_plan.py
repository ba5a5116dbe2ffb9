"""`bench` says what it does: the plan of workloads, the calibrated estimate and the refusal of
a long CPU run, progress by call and step, and `--out` checked before any work."""

import subprocess
import sys

import pytest
from gpusurvey import cli
from gpusurvey.bench import harness, workloads
from gpusurvey.bench.config import WorkloadConfig
from gpusurvey.bench.plan import bench_plan, describe
from gpusurvey.bench.workload import Calibration, Workload
from gpusurvey.core import record as rec
from gpusurvey.core.machine import gpu_name
from helpers import ROOT, loaded_modules, snakemake

WANTED = ["matmul", "sd-txt2img", "sd-hires", "llm-decode"]


def test_plan_auto_without_gpu_skips_the_gpu_workloads_and_says_why():
    plan = bench_plan(WANTED, "auto", None)
    assert [p.workload for p in plan if p.runs] == ["matmul"]
    skipped = [p for p in plan if not p.runs]
    assert [p.workload for p in skipped] == ["sd-txt2img", "sd-hires", "llm-decode"]
    assert all("no" in p.reason and "measure=True" in p.reason for p in skipped)
    text = describe(plan, "cpu-x")
    assert "skip sd-txt2img, sd-hires, llm-decode: measure: auto" in text
    assert "run  matmul: runs on the CPU" in text
    # The paper reads a quick check of the CPU; the bench target still writes the full record.
    assert [p.workload for p in plan if p.quick] == ["matmul"]
    assert "quick check" in text and "full record" in text


def test_plan_with_a_gpu_and_the_other_measure_values():
    assert all(p.runs for p in bench_plan(WANTED, "auto", "NVIDIA H200"))
    assert "NVIDIA H200" in bench_plan(WANTED, "auto", "NVIDIA H200")[1].reason
    assert all(p.runs for p in bench_plan(WANTED, True, None))
    assert not any(p.quick for p in bench_plan(WANTED, True, None))
    assert not any(p.quick for p in bench_plan(WANTED, "auto", "NVIDIA H200"))
    assert not any(p.runs for p in bench_plan(WANTED, False, None))
    with pytest.raises(ValueError, match="measure"):
        bench_plan(WANTED, "sometimes", None)


def test_cli_plan_prints_skips(monkeypatch, capsys):
    monkeypatch.setattr("gpusurvey.core.machine.gpu_name", lambda: None)
    assert cli.main(["plan", "--measure", "auto"]) == 0
    out = capsys.readouterr().out
    assert "skip sd-txt2img, sd-hires, llm-decode" in out and "run  matmul" in out
    assert cli.main(["plan", "nonsense"]) == 2


@pytest.mark.workflow
@pytest.mark.skipif(gpu_name() is not None, reason="the skip happens on a machine without a GPU")
def test_a_snakemake_run_says_what_it_skips(project):
    """Every run that starts says which workloads this machine skips (a dry run does not)."""
    proc = snakemake(project, "--cores", "1", "table1", "--config", "measure=auto")
    assert "skip sd-txt2img, sd-hires, llm-decode: measure: auto" in proc.stderr
    assert "run  matmul" in proc.stderr
    everything = snakemake(project, "--cores", "1", "table2", "--config", "measure=True")
    assert "skip" not in everything.stderr


class Stepping(Workload):
    """Three steps per call, reported as a denoising loop reports them; a fixed calibration."""

    NAME = "matmul"
    CONFIG = WorkloadConfig
    PRIMARY_METRIC = "cpu_torch_fp32_ms"
    METRICS = {"cpu_torch_fp32_ms": ("ms", "")}
    estimate_s = 1.0

    def setup(self):
        self.calls = 0

    def calibrate(self):
        return Calibration(self.estimate_s, "one step, timed")

    def run(self):
        self.calls += 1
        for step in range(3):
            self.step_done(step + 1, 3)
        return {"cpu_torch_fp32_ms": 1.0}


class Recorder(harness.Progress):
    def __init__(self):
        self.events = []

    def estimate(self, seconds, calls, method):
        self.events.append(("estimate", seconds, calls))

    def call(self, phase, index, total):
        self.events.append((phase, index, total))

    def step(self, done, total):
        self.events.append(("step", done, total))


def test_progress_shows_estimate_warmup_and_every_step():
    config = WorkloadConfig.for_profile("smoke", warmup=2, repetitions=5)
    progress = Recorder()
    record = harness.measure(Stepping(config, "cpu"), "smoke", progress=progress)
    assert record.status == "ok", record.error
    steps = [("step", i, 3) for i in (1, 2, 3)]
    assert progress.events[:9] == [("estimate", 8.0, 8), ("first call", 1, 1), *steps,
                                   ("warm-up", 1, 2), *steps]
    assert [e for e in progress.events if e[0] == "repetition"] == [
        ("repetition", i, 5) for i in range(1, 6)]
    assert record.extra["run_estimate"]["estimated_s"] == 8.0
    assert record.extra["run_estimate"]["actual_s"] > 0


class Long(Stepping):
    estimate_s = 1000.0  # x 8 calls: 2.2 h


def test_a_long_cpu_run_refuses_to_start_and_names_the_setting():
    workload = Long(WorkloadConfig.for_profile("smoke", warmup=2, repetitions=5), "cpu")
    with pytest.raises(harness.LongRunRefused, match=r"133 min .*allow_long_cpu_run=true"):
        harness.measure(workload, "smoke")
    assert workload.calls == 0
    allowed = Long(WorkloadConfig.for_profile("smoke", warmup=2, repetitions=5,
                                              allow_long_cpu_run=True), "cpu")
    assert harness.measure(allowed, "smoke").status == "ok" and allowed.calls == 8
    raised = Long(WorkloadConfig.for_profile("smoke", warmup=2, repetitions=5,
                                             max_cpu_hours="3"), "cpu")
    assert harness.measure(raised, "smoke").status == "ok"


def test_cli_refuses_a_long_cpu_run_without_a_record(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(workloads, "get", lambda name: Long)
    out = tmp_path / "m.json"
    assert cli.main(["bench", "matmul", "--device", "cpu", "--profile", "smoke", "--quiet",
                     "--set", "warmup=2", "--set", "repetitions=5", "--out", str(out)]) == 2
    err = capsys.readouterr().err  # --quiet leaves out progress, not the estimate
    assert "about 2.2 h for 8 calls (one step, timed)" in err
    assert "gpusurvey: this run would take about 133 min on the CPU" in err
    assert "allow_long_cpu_run" in err and not out.exists()


def test_cli_prints_each_call_and_step(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(workloads, "get", lambda name: Stepping)
    out = tmp_path / "m.json"
    assert cli.main(["bench", "matmul", "--device", "cpu", "--profile", "smoke",
                     "--set", "warmup=1", "--set", "repetitions=5", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    for line in ("matmul [cpu], profile smoke:", "matmul [cpu] first call 1/1:",
                 "matmul [cpu] warm-up 1/1:", "matmul [cpu] repetition 5/5:", "3/3"):
        assert line in err
    assert rec.load(out).status == "ok"


@pytest.mark.parametrize("where", ["proc", "file"])
def test_unwritable_out_fails_at_once(tmp_path, capsys, where):
    (tmp_path / "file").write_text("")
    out = {"proc": "/proc/gpusurvey/sd.json", "file": str(tmp_path / "file" / "sd.json")}[where]
    assert cli.main(["bench", "sd-txt2img", "--device", "cpu", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gpusurvey: --out {out}: cannot write into ")


@pytest.mark.slow
def test_unwritable_out_fails_before_torch_is_imported():
    code = ("import sys; from gpusurvey import cli; "
            "rc = cli.main(['bench', 'sd-txt2img', '--out', '/proc/gpusurvey/sd.json']); "
            "assert rc == 2, rc")
    # The check comes before any heavy import, so it takes the interpreter's start-up time alone
    # (the closing time is measured by hand: `time gpusurvey bench sd-txt2img --out /proc/x.json`).
    assert loaded_modules(code, ("torch", "diffusers", "numpy")) == []
    proc = subprocess.run([sys.executable, "-m", "gpusurvey.cli", "bench", "sd-txt2img",
                           "--out", "/proc/gpusurvey/sd.json"], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "workflow"), "PATH": "/usr/bin:/bin"},
                          timeout=60)
    assert proc.returncode == 2 and "cannot write into /proc/gpusurvey" in proc.stderr


def test_out_that_is_a_folder(tmp_path, capsys):
    assert cli.main(["bench", "matmul", "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sd-txt2img", "sd-hires"])
def test_stable_diffusion_smoke_reports_its_steps_and_estimate(name):
    pytest.importorskip("diffusers")
    cls = workloads.get(name)
    config = cls.CONFIG.for_profile("smoke")
    progress = Recorder()
    record = harness.measure(cls(config, "cpu"), "smoke", progress=progress)
    assert record.status == "ok", record.error
    estimate = record.extra["run_estimate"]
    assert estimate["estimated_s"] > 0 and estimate["calls"] == 1 + config.warmup + 5
    assert estimate["method"].startswith("one UNet step")
    first_call = progress.events[progress.events.index(("first call", 1, 1)) + 1:]
    first_call = first_call[:first_call.index(("warm-up", 1, config.warmup))]
    if name == "sd-txt2img":
        assert first_call == [("step", i, config.steps) for i in range(1, config.steps + 1)]
    else:  # per image: the first pass, then the high-resolution pass
        assert "scaled by FLOPs" in estimate["method"]
        per_image = ([("step", i, config.steps) for i in range(1, config.steps + 1)]
                     + [("step", i, config.hires_steps) for i in range(1, config.hires_steps + 1)])
        assert first_call == per_image * config.images


def test_llm_decode_estimates_from_the_prefill_and_one_token():
    pytest.importorskip("transformers")
    cls = workloads.get("llm-decode")
    record = harness.measure(cls(cls.CONFIG.for_profile("smoke"), "cpu"), "smoke")
    assert record.status == "ok", record.error
    assert "prefill" in record.extra["run_estimate"]["method"]
    assert record.extra["run_estimate"]["estimated_s"] > 0


def test_committed_cpu_records_are_full_size_and_below_their_bound():
    """The CPU rows: SD 1.5's full architecture in the cpu profile beside the same machine's
    matmul (all-core, one-thread and peak GEMM figures), one folder below the GPU records."""
    from gpusurvey.bench.workloads.sd_config import Txt2ImgConfig
    from gpusurvey.models import sd_compute

    folders = sorted(ROOT.glob("data/measurements/*/cpu"))
    assert folders, "no committed CPU records under data/measurements/<machine>/cpu/"
    for folder in folders:
        sd = rec.load(folder / "sd-txt2img.json")
        matmul = rec.load(folder / "matmul.json")
        assert sd.status == matmul.status == "ok"
        assert sd.device == matmul.device == "cpu" and sd.gpu is None
        assert sd.machine == matmul.machine == folder.parent.name
        assert sd.profile == "cpu" and sd.weights["kind"] == "synthetic"
        profile = Txt2ImgConfig.for_profile("cpu").to_dict()
        for key in ("architecture", "width", "height", "batch", "steps", "checkpoint"):
            assert sd.params[key] == profile[key], key
        assert sd.extra["parameters"]["unet"] == 859_520_964  # SD 1.5's UNet
        assert {"cpu_torch_fp32_ms", "cpu_torch_fp32_1thread_ms"} <= set(matmul.metrics)
        peak = matmul.extra["cpu_peak_gflops"]
        assert peak == max(matmul.metrics["cpu_fp32_gemm_gflops"].samples)
        flops = sd_compute.step_flops(sd_compute.record_step_shape("sd-txt2img", sd.params))
        bound = sd_compute.sd_bound_it_per_s(flops, peak / 1e3)
        assert 0 < sd_compute.efficiency(sd.value, bound, what=str(folder)) <= 1
