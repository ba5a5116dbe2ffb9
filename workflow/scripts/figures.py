"""Snakemake adapter: draw every figure, the sections' included, in Korean and English (PDF and PNG)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.crowd_figure import write_crowd_figures
from gpusurvey.reports.since_figures import write_since_figures
from gpusurvey.reports.writers import write_figures

inputs, names, outputs = snakemake.input, snakemake.params.names, dict(snakemake.output.items())
with script_log(snakemake.log[0], "figures", messages=True):
    write_figures(
        names,
        outputs,
        tables={name: list(inputs.get(f"{name}_tables", [])) for name in names},
        records={name: list(inputs.get(f"{name}_records", [])) for name in names},
        published=inputs.get("published"),
        baseline_gpu=snakemake.params.baseline_gpu,
        gpus=inputs.get("gpus"),
        profiles=snakemake.params.profiles,
        cpu_records=list(inputs.get("cpu_records", [])),
    )
    write_since_figures(inputs.since_table5, inputs.since_points, inputs.since_predictions, outputs)
    write_crowd_figures(inputs.crowd_votes, inputs.crowd_table7, outputs)
