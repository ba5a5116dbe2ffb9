"""Snakemake adapter: the bibliography of the results published since the survey and of the
desktop memory systems."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.literature_bib import write_bibliography

with script_log(snakemake.log[0], "since_bibliography"):
    write_bibliography(snakemake.input.gpus, snakemake.input.literature, snakemake.input.desktops,
                       snakemake.output[0])
