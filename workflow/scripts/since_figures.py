"""Snakemake adapter: the figures of the section "since the survey", Korean and English."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.since_figures import write_since_figures

with script_log(snakemake.log[0], "since_figures"):
    write_since_figures(snakemake.input.table5, snakemake.input.points, snakemake.input.predictions,
                        dict(snakemake.output.items()))
