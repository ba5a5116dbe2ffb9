"""Snakemake adapter: the bibliography of the results published since the survey and of the
desktop memory systems."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.literature_bib import write_bibliography

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("since_bibliography"):
    write_bibliography(snakemake.input.gpus, snakemake.input.literature, snakemake.input.desktops,
                       snakemake.output[0])
