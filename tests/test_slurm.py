"""The benchmarks fanned out to a real (single-node) SLURM through workflow/profiles/slurm.

The node offers two fake GPU models as GRES types; config cluster.gpus lists both, so the
bench targets become one SLURM job per GPU and workload, each asking for its GPU model, and
the tables get one row per listed GPU. The workloads run their smoke profile on the CPU.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from slurm_cluster import SlurmCluster, ensure_installed

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]

BIN = Path(sys.executable).parent
GPUS = {"RTX 4090": "rtx_4090", "RTX 3060": "rtx_3060"}
"""Listed GPU label -> GRES type of its fake device on the test node."""
WORKLOAD = "matmul"
SUBMITTED = re.compile(r"Job \d+ has been submitted with SLURM jobid (\d+) \(log: (\S+)\)")

# The node has two cores and this machine's memory: the profile's benchmark job size would not fit.
SMALL_JOBS = ["--default-resources", "runtime=10", "mem_mb=1000", "cpus_per_task=1",
              "--set-resources", "bench_workload:mem_mb=2000", "bench_workload:cpus_per_task=1",
              # No slurmdbd here: squeue (MinJobAge=600) answers the status queries, first after 2 s.
              "--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "2"]


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    reason = ensure_installed()
    if reason:
        pytest.skip(f"no SLURM to test against: {reason}")
    cluster = SlurmCluster(tmp_path_factory.mktemp("slurm"), list(GPUS.values()))
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def write_config(project: Path, gpus: dict[str, str], **bench) -> Path:
    config = {
        "measure": True,
        "bench": {"profile": "smoke", "device": "cpu", "workloads": [WORKLOAD], "strict": True, **bench},
        "tables": {"profiles": ["full", "smoke"]},
        "cluster": {"gpus": [{"label": label, "gpu_model": model} for label, model in gpus.items()]},
    }
    path = project / "cluster-test.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def run_profile(project: Path, slurm: SlurmCluster, config: Path, *targets: str):
    """snakemake --profile workflow/profiles/slurm, against the test cluster."""
    env = {**slurm.env, "PYTHONPATH": str(project / "workflow")}
    argv = [str(BIN / "snakemake"), "--profile", "workflow/profiles/slurm", "--configfile", str(config),
            *SMALL_JOBS, *targets]
    return subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, timeout=600)


def submitted_jobs(output: str) -> dict[str, str]:
    """SLURM job ids from Snakemake's output, by the job's wildcards (from its SLURM log path)."""
    jobs = {}
    for job_id, log in SUBMITTED.findall(output):
        wildcards = Path(log).parent.name  # logs/slurm/rule_<rule>/<wildcards>/<jobid>.log
        jobs[wildcards] = job_id
    return jobs


def test_benchmarks_run_as_slurm_jobs_one_per_listed_gpu(project, slurm):
    config = write_config(project, GPUS)
    proc = run_profile(project, slurm, config, "bench")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output + "\n" + slurm.daemon_logs()

    jobs = submitted_jobs(output)
    finished = slurm.completed_jobs()
    for label, gres_type in GPUS.items():
        folder = label.lower().replace(" ", "-")
        record = json.loads((project / f"results/measurements/{folder}/{WORKLOAD}.json").read_text())
        assert record["gpu"] == label and record["profile"] == "smoke" and record["status"] == "ok"

        job_id = jobs.get(f"{folder}_{WORKLOAD}")
        assert job_id, f"no SLURM job for {folder}/{WORKLOAD} in:\n{output}"
        job = slurm.show_job(job_id)
        assert job["JobState"] == "COMPLETED", job
        # The GPU model reached sbatch (--gpus=<type>:1) and SLURM gave the job that GPU.
        assert job["TresPerJob"] == f"gres:gpu:{gres_type}:1", job
        assert job["Comment"] == f"rule_bench_workload_wildcards_{folder}_{WORKLOAD}", job
        assert finished[job_id]["JobState"] == "COMPLETED"
    assert len(jobs) == len(GPUS), f"expected one SLURM job per GPU, got {jobs}"


def test_failed_slurm_job_is_reported_with_its_log_and_leaves_no_record(project, slurm):
    # A seed beyond 64 bits fails inside the workload: an `error` record, and with strict the
    # job exits non-zero, so Snakemake must report the SLURM job and remove the record.
    label, gres_type = "RTX 3060", GPUS["RTX 3060"]
    config = write_config(project, {label: gres_type},
                          settings={WORKLOAD: {"seed": str(2**70)}})
    proc = run_profile(project, slurm, config, "bench")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output

    folder = "rtx-3060"
    assert not (project / f"results/measurements/{folder}/{WORKLOAD}.json").exists()
    assert not list((project / "results").rglob("*.json")), "a partial record was left behind"
    job_id = submitted_jobs(output)[f"{folder}_{WORKLOAD}"]
    assert slurm.show_job(job_id)["JobState"] == "FAILED"
    assert "Error in rule bench_workload" in output
    assert f"SLURM-job '{job_id}' failed" in output
    # Snakemake names the SLURM log of the job; it holds the job's own error report.
    logs = re.findall(r"(/\S+/logs/slurm/rule_bench_workload/\S+\.log)", output)
    assert logs, output
    slurm_log = Path(logs[0])
    assert slurm_log.name == f"{job_id}.log" and slurm_log.exists()
    assert "Error in rule bench_workload" in slurm_log.read_text()
    bench_log = (project / f"logs/bench/{folder}/{WORKLOAD}.log").read_text()
    assert "Overflow" in bench_log
