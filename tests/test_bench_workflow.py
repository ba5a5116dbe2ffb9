"""The bench rules: `snakemake bench` measures this machine and writes valid records."""

import re

import pytest
from gpusurvey.core import record as rec
from gpusurvey.core.machine import gpu_name, machine_slug
from helpers import fake_nvidia_smi, snakemake

pytestmark = pytest.mark.workflow

SMOKE = "bench={profile: smoke, device: cpu, settings: {matmul: {inner_loops: 2}}}"


def test_bench_target_writes_matmul_record(project):
    snakemake(project, "--cores", "1", "bench", "--config", SMOKE)
    machine = machine_slug()
    record = rec.load(project / f"results/measurements/{machine}/matmul.json")
    assert record.status == "ok" and record.profile == "smoke" and record.device == "cpu"
    assert record.params["inner_loops"] == 2 and record.params["size"] == 256
    assert record.value > 0
    log = (project / f"logs/bench/{machine}/matmul.log").read_text(encoding="utf-8")
    assert '"status": "ok"' in log
    # Up to date: a second run has nothing to do.
    again = snakemake(project, "--cores", "1", "bench", "--config", SMOKE)
    assert "Nothing to be done" in again.stdout + again.stderr


def _planned(project, *config):
    """(workload, gpu resource) of every bench job a dry run plans."""
    proc = snakemake(project, "-n", "bench", "--config", *config)
    text = proc.stdout + proc.stderr
    workloads = re.findall(r"wildcards: machine=[a-z0-9-]+, workload=([a-z0-9-]+)", text)
    gpus = re.findall(r"resources: tmpdir=\S+, gpu=(\d)", text)
    return dict(zip(workloads, map(int, gpus), strict=True))


def test_measure_switch_and_gpu_resources(project):
    planned = _planned(project, "measure=True")
    assert planned == {"matmul": 0, "sd-txt2img": 1, "sd-hires": 1, "llm-decode": 1}
    assert _planned(project, "measure=False") == {}
    # auto: the GPU workloads only where there is a GPU.
    expected = {"matmul": 0} if gpu_name() is None else planned
    assert _planned(project) == expected


def test_a_new_run_replaces_the_committed_record_of_this_machine(project, monkeypatch):
    """On a GPU whose record is committed, this machine's fresh record takes its place in the
    table instead of failing as a duplicate; records of other machines stay."""
    from helpers import make_record, write_record

    machine = fake_nvidia_smi(project, monkeypatch)
    h100 = dict(gpu="NVIDIA H100 80GB HBM3", machine=machine)
    write_record(project / f"data/measurements/{machine}/sd-txt2img.json",
                 make_record(samples=(30.0, 30.5, 29.5), **h100))
    write_record(project / "data/measurements/nvidia-geforce-rtx-4060/sd-txt2img.json", make_record())
    write_record(project / f"results/measurements/{machine}/sd-txt2img.json",
                 make_record(samples=(40.0, 40.5, 39.5), **h100))

    snakemake(project, "--cores", "1", "table3", "--config", "measure=True",
              "bench={workloads: [sd-txt2img]}")
    table = (project / "results/tables/table3.csv").read_text(encoding="utf-8")
    measured = [line for line in table.splitlines() if ",measured," in line]
    assert [line.split(",")[0] for line in measured] == ["H100 SXM", "RTX 4060"]
    assert ",40.000," in measured[0] and ",30.000," not in table


def test_a_failing_run_keeps_the_previous_record(project):
    snakemake(project, "--cores", "1", "bench", "--config", SMOKE)
    path = project / f"results/measurements/{machine_slug()}/matmul.json"
    before = path.read_bytes()
    # A CPU-hours limit no calibrated estimate meets: the run is refused after it started.
    refused = "bench={profile: smoke, device: cpu, settings: {matmul: {max_cpu_hours: 0.0000001}}}"
    proc = snakemake(project, "--cores", "1", "bench", "--config", refused, check=False)
    assert proc.returncode != 0
    log = (project / f"logs/bench/{machine_slug()}/matmul.log").read_text(encoding="utf-8")
    assert "more than max_cpu_hours=1e-07" in log and "repetitions=5" in log
    assert path.read_bytes() == before


@pytest.mark.parametrize("config, words", [
    ("data={gpus: data/gpus-typo.csv}", "config data.gpus: 'data/gpus-typo.csv' does not exist"),
    ("bench={settings: {matmul: {sise: 5}}}", "bench.settings.matmul: unknown setting 'sise'"),
    ("bench={settings: {matmul: {settle_s: -1}}}", "bench.settings.matmul: settle_s: expected 0 or more"),
    ("bench={settings: {matmul: {repetitions: 1000000000}}}",
     "bench.settings.matmul: repetitions: expected at most 10000"),
    ("bench={settings: {sd-txt2img: {steps: -5}}}", "bench.settings.sd-txt2img: steps: expected 0 or more"),
])
def test_a_bad_config_fails_before_any_job(project, config, words):
    for args in (("-n", "bench"), ("--cores", "1", "paper")):
        proc = snakemake(project, *args, "--config", "measure=False", config, check=False)
        text = proc.stdout + proc.stderr
        assert proc.returncode != 0 and words in text, text[-2000:]
    assert not (project / "results").exists()


@pytest.mark.skipif(gpu_name() is not None, reason="with a GPU the paper reads the full records")
def test_without_a_gpu_the_paper_reads_a_quick_check_and_bench_the_full_record(project):
    quick = f"results/measurements/{machine_slug()}/quick/matmul.json"
    paper = snakemake(project, "-n", "paper")
    assert quick in paper.stdout and "rule bench_workload:" not in paper.stdout
    bench = snakemake(project, "-n", "bench")
    assert quick not in bench.stdout and "rule bench_quick_check:" not in bench.stdout
    snakemake(project, "--cores", "1", quick, "--config", "bench={profile: smoke}")
    record = rec.load(project / quick)
    assert record.status == "ok" and record.params["peak_gemms"] is False
    assert record.params["repetitions"] == 5 and record.params["inner_loops"] == 3
    assert not any(name.endswith("_gemm_gflops") for name in record.metrics)
