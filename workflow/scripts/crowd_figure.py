"""Snakemake adapter: the crowd's distributions per card, in Korean and English."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.crowd_figure import write_crowd_figures

with script_log(snakemake.log[0], "crowd_figure"):
    write_crowd_figures(snakemake.input.votes, snakemake.input.table7, dict(snakemake.output.items()))
