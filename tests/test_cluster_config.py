"""config cluster.gpus: checked at parse time, one results folder per listed GPU."""

from __future__ import annotations

import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.core.machine import machine_slug
from gpusurvey.inputs.cluster import ClusterGpu, cluster_gpus
from helpers import snakemake


@pytest.fixture
def gpus_csv(root):
    return root / "data" / "gpus.csv"


def test_each_listed_gpu_gets_the_folder_of_its_label(gpus_csv):
    gpus = cluster_gpus([{"label": "RTX 4090", "gpu_model": "rtx_4090"},
                         {"label": "RTX 3090Ti", "partition": "ampere", "constraint": "3090ti"}], gpus_csv)
    assert list(gpus) == ["rtx-4090", "rtx-3090ti"]
    assert gpus["rtx-4090"] == ClusterGpu("RTX 4090", gpu_model="rtx_4090")
    assert gpus["rtx-3090ti"].resource("slurm_partition") == "ampere"
    assert gpus["rtx-3090ti"].resource("constraint") == "3090ti"
    assert gpus["rtx-3090ti"].resource("gpu_model") is None


def test_no_cluster_means_no_folders(gpus_csv):
    assert cluster_gpus([], gpus_csv) == {}


def test_unknown_gpu_is_named_with_its_key(gpus_csv):
    with pytest.raises(DataError, match=r"cluster\.gpus\[1\]\.label: unknown GPU 'RTX 9090'"):
        cluster_gpus([{"label": "RTX 4090"}, {"label": "RTX 9090"}], gpus_csv)


def test_a_gpu_listed_twice_under_two_names_is_an_error(gpus_csv):
    listed_twice = r"cluster\.gpus\[1\]\.label: 'NVIDIA GeForce RTX 4090' is listed twice"
    with pytest.raises(DataError, match=listed_twice):
        cluster_gpus([{"label": "RTX 4090"}, {"label": "NVIDIA GeForce RTX 4090"}], gpus_csv)


@pytest.mark.workflow
def test_profile_plans_one_gpu_job_per_listed_gpu_and_workload(project):
    (project / "cluster.yaml").write_text(
        "measure: true\n"
        "bench: {workloads: [matmul, sd-txt2img]}\n"
        "cluster:\n"
        "  gpus:\n"
        "    - {label: RTX 4090, gpu_model: rtx_4090}\n"
        "    - {label: A100 80GB SXM, partition: a100, constraint: a100_80g}\n", encoding="utf-8")
    proc = snakemake(project, "-n", "--profile", "workflow/profiles/slurm", "--configfile", "cluster.yaml",
                     "--", "bench", "table3")
    jobs = {}
    for block in proc.stdout.split("\n\n"):
        head, _, rest = block.strip().partition(":\n")
        if "output: results/measurements/" in rest:
            # A bench output is flagged update: the previous record is kept until the job succeeds.
            output = rest.split("output: ")[1].split("\n")[0].removesuffix(" (update)")
            jobs[output] = (head.split()[-1], rest.split("resources: ")[1].split("\n")[0])
    folders = ("a100-80gb-sxm", "rtx-4090")
    assert sorted(jobs) == [f"results/measurements/{folder}/{w}.json" for folder in folders
                            for w in ("matmul", "sd-txt2img")]
    for output, (rule, resources) in jobs.items():
        assert rule == "bench_workload" and "gpu=1" in resources
        if "rtx-4090" in output:
            assert "gpu_model=rtx_4090" in resources and "slurm_partition" not in resources
        else:
            assert "slurm_partition=a100" in resources and "constraint=a100_80g" in resources
            assert "gpu_model" not in resources


@pytest.mark.workflow
def test_without_a_cluster_the_benchmarks_measure_this_machine(project):
    proc = snakemake(project, "-n", "--config", "measure=True", "--", "bench")
    records = [line.split("output: ")[1] for line in proc.stdout.splitlines()
               if "output: results/measurements/" in line]
    assert records and all(r.startswith(f"results/measurements/{machine_slug()}/") for r in records)
    assert "gpu_model=" not in proc.stdout and "slurm_partition=" not in proc.stdout
