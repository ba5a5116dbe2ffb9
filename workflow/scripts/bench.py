"""Snakemake adapter: run one workload through `gpusurvey bench` and write its record."""

import sys

from gpusurvey.cli import main

sys.stdout = sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
params = snakemake.params
argv = ["bench", params.workload, "--device", params.device, "--profile", params.profile,
        "--out", snakemake.output[0], "--quiet"]
# Named inputs are files a workload reads (the decode workload's checkpoint): settings like any other.
for key, value in {**params.settings, **dict(snakemake.input.items())}.items():
    argv += ["--set", f"{key}={value}"]
if params.gpu_model:
    argv += ["--gpu-model", params.gpu_model]
if params.strict:
    argv.append("--strict")
sys.exit(main(argv))
