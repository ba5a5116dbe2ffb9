"""The benchmarks fanned out to a real (single-node) SLURM through workflow/profiles/slurm.

The node offers two fake GPU models as GRES types; config cluster.gpus lists both, so the
bench targets become one SLURM job per GPU and workload, each asking for its GPU model, and
the tables get one row per listed GPU. The workloads run their smoke profile on the CPU.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from gpusurvey.registry import WORKLOADS as WORKLOAD_NAMES
from helpers import copy_project
from slurm_cluster import SlurmCluster, missing_reason

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]

BIN = Path(sys.executable).parent
GPUS = {"RTX 4090": "rtx_4090", "RTX 3060": "rtx_3060"}
"""Listed GPU label -> GRES type of its fake device on the test node."""
TABLE_WORKLOAD = "sd-txt2img"
"""Its records become rows of Table 3."""
WORKLOADS = ["matmul"] + ([TABLE_WORKLOAD] if TABLE_WORKLOAD in WORKLOAD_NAMES else [])
SUBMITTED = re.compile(r"Job \d+ has been submitted with SLURM jobid (\d+) \(log: (\S+)\)")

# The node has two cores and this machine's memory: the profile's benchmark job size would not fit.
SMALL_JOBS = ["--default-resources", "runtime=10", "mem_mb=1000", "cpus_per_task=1",
              "--set-resources", "bench_workload:mem_mb=2000", "bench_workload:cpus_per_task=1",
              # No slurmdbd here: squeue (MinJobAge=600) answers the status queries, first after 2 s.
              "--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "2"]


def folder(label: str) -> str:
    return label.lower().replace(" ", "-")


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    reason = missing_reason()
    if reason:
        pytest.skip(f"no SLURM to test against: {reason}")
    cluster = SlurmCluster(tmp_path_factory.mktemp("slurm"), list(GPUS.values()))
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def write_config(project: Path, gpus: dict[str, str], workloads: list[str], **bench) -> Path:
    config = {
        "measure": True,
        "bench": {"profile": "smoke", "device": "cpu", "workloads": workloads, "strict": True, **bench},
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
            *SMALL_JOBS, "--", *targets]
    return subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, timeout=600)


def submitted_jobs(output: str) -> dict[str, str]:
    """SLURM job ids from Snakemake's output, by rule and wildcards (from the SLURM log path)."""
    jobs = {}
    for job_id, log in SUBMITTED.findall(output):
        path = Path(log)  # logs/slurm/rule_<rule>/<wildcards>/<jobid>.log
        jobs[f"{path.parent.parent.name}/{path.parent.name}"] = job_id
    return jobs


@pytest.fixture(scope="module")
def cluster_run(slurm, tmp_path_factory):
    """`bench` and `table3` through the profile, both GPUs listed: (project, output, SLURM job ids)."""
    project = copy_project(tmp_path_factory.mktemp("cluster-project"))
    proc = run_profile(project, slurm, write_config(project, GPUS, WORKLOADS), "bench", "table3")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output + "\n" + slurm.daemon_logs()
    return project, output, submitted_jobs(output)


def test_each_benchmark_ran_as_a_slurm_job_on_its_gpu_model(slurm, cluster_run):
    project, output, jobs = cluster_run
    # Only the benchmarks went to SLURM, one job per listed GPU and workload; table3 ran here.
    expected = {f"rule_bench_workload/{folder(label)}_{w}" for label in GPUS for w in WORKLOADS}
    assert set(jobs) == expected, output
    finished = slurm.completed_jobs()
    for label, gres_type in GPUS.items():
        for workload in WORKLOADS:
            record_path = project / f"results/measurements/{folder(label)}/{workload}.json"
            record = json.loads(record_path.read_text())
            assert (record["gpu"], record["profile"], record["status"]) == (label, "smoke", "ok")

            job_id = jobs[f"rule_bench_workload/{folder(label)}_{workload}"]
            job = slurm.show_job(job_id)
            assert job["JobState"] == "COMPLETED", job
            # The GPU model reached sbatch (--gpus=<type>:1) and SLURM gave the job that GPU.
            assert job["TresPerJob"] == f"gres:gpu:{gres_type}:1", job
            assert job["Comment"] == f"rule_bench_workload_wildcards_{folder(label)}_{workload}", job
            assert finished[job_id]["JobState"] == "COMPLETED"


def test_table3_gained_one_row_per_listed_gpu(cluster_run):
    if TABLE_WORKLOAD not in WORKLOADS:
        pytest.skip(f"the {TABLE_WORKLOAD} workload (Table 3's rows) is not registered in this checkout")
    project, _, _ = cluster_run
    with open(project / "results/tables/table3.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(project / "data/published/table3.csv", newline="", encoding="utf-8") as fh:
        published = list(csv.DictReader(fh))
    measured = [row for row in rows if row["source"] == "measured"]
    assert sorted(row["gpu"] for row in measured) == sorted(GPUS), measured
    assert len(rows) == len(published) + len(GPUS)
    assert all(float(row["value"]) > 0 for row in measured), measured


def test_failed_slurm_job_is_reported_with_its_log_and_leaves_no_record(project, slurm):
    # A seed beyond 64 bits fails inside the workload: an `error` record, and with strict the
    # job exits non-zero, so Snakemake must report the SLURM job and remove the record.
    label, gres_type = "RTX 3060", GPUS["RTX 3060"]
    config = write_config(project, {label: gres_type}, ["matmul"], settings={"matmul": {"seed": str(2**70)}})
    proc = run_profile(project, slurm, config, "bench")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output

    assert not (project / "results/measurements/rtx-3060/matmul.json").exists()
    assert not list((project / "results").rglob("*.json")), "a partial record was left behind"
    job_id = submitted_jobs(output)["rule_bench_workload/rtx-3060_matmul"]
    assert slurm.show_job(job_id)["JobState"] == "FAILED"
    assert "Error in rule bench_workload" in output
    assert f"SLURM-job '{job_id}' failed" in output
    # Snakemake names the SLURM log of the job; it holds the job's own error report.
    logs = re.findall(r"(/\S+/logs/slurm/rule_bench_workload/\S+\.log)", output)
    assert logs, output
    slurm_log = Path(logs[0])
    assert slurm_log.name == f"{job_id}.log" and slurm_log.exists()
    assert "Error in rule bench_workload" in slurm_log.read_text()
    bench_log = (project / "logs/bench/rtx-3060/matmul.log").read_text()
    assert "Overflow" in bench_log
