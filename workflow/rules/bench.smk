# Benchmarks of this machine: one measurement record per workload under
# results/measurements/<machine>/. Every workload registered in
# gpusurvey.bench.workloads runs through the same rule and the `gpusurvey bench` command
# (helpers bench_env, bench_settings, bench_gpu_model and bench_gpus are in common.smk;
# bench_inputs names the files a workload reads, each passed on as `--set NAME=PATH`).


rule bench_workload:
    input:
        unpack(bench_inputs),
    output:
        # update: Snakemake keeps the previous record while the job runs and puts it back when
        # the job fails; `gpusurvey bench` writes the new one beside it and renames it into place.
        update("results/measurements/{machine}/{workload}.json"),
    log:
        "logs/bench/{machine}/{workload}.log",
    wildcard_constraints:
        machine="[a-z0-9][a-z0-9-]*",
        workload="[a-z0-9-]+",
    conda:
        bench_env
    resources:
        gpu=bench_gpus,
        # On a cluster (config cluster.gpus): the nodes with the job's GPU model.
        gpu_model=cluster_resource("gpu_model"),
        slurm_partition=cluster_resource("slurm_partition"),
        constraint=cluster_resource("constraint"),
    params:
        workload=lambda wildcards: wildcards.workload,
        profile=config["bench"]["profile"],
        device=config["bench"]["device"],
        settings=bench_settings,
        strict=config["bench"]["strict"],
        gpu_model=bench_gpu_model,
    script:
        "../scripts/bench.py"


# The paper's quick check of a machine without a GPU (measure: auto; bench.plan.QUICK_CHECK):
# the same job with shorter settings, beside the full record that the bench target writes.
use rule bench_workload as bench_quick_check with:
    output:
        update("results/measurements/{machine}/quick/{workload}.json"),
    log:
        "logs/bench/{machine}/quick/{workload}.log",
    wildcard_constraints:
        machine="[a-z0-9][a-z0-9-]*",
        workload="|".join(QUICK_CHECK),
    params:
        workload=lambda wildcards: wildcards.workload,
        profile=config["bench"]["profile"],
        device=config["bench"]["device"],
        settings=quick_check_settings,
        strict=config["bench"]["strict"],
        gpu_model=bench_gpu_model,


rule bench:
    input:
        local_records(),
