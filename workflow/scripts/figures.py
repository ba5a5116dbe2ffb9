"""Snakemake adapter: draw every generic figure in Korean and English (PDF and PNG)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.writers import write_figures

inputs, names = snakemake.input, snakemake.params.names
with script_log(snakemake.log[0], "figures", messages=True):
    write_figures(
        names,
        dict(snakemake.output.items()),
        tables={name: list(inputs.get(f"{name}_tables", [])) for name in names},
        records={name: list(inputs.get(f"{name}_records", [])) for name in names},
        published=inputs.get("published"),
        baseline_gpu=snakemake.params.baseline_gpu,
        gpus=inputs.get("gpus"),
        profiles=snakemake.params.profiles,
        cpu_records=list(inputs.get("cpu_records", [])),
    )
