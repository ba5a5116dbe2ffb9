"""Snakemake adapter: draw one figure in Korean and English (PDF and PNG)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.writers import write_figure

with script_log(snakemake.log[0], "figure", messages=True):
    write_figure(
        snakemake.params.name,
        dict(snakemake.output.items()),
        tables=list(snakemake.input.get("tables", [])),
        published=snakemake.input.get("published"),
        records=list(snakemake.input.get("records", [])),
        baseline_gpu=snakemake.params.baseline_gpu,
        gpus=snakemake.input.get("gpus"),
        profiles=snakemake.params.profiles,
        cpu_records=list(snakemake.input.get("cpu_records", [])),
    )
