"""Snakemake adapter: the figures of the section "since the survey", Korean and English."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.since_figures import write_since_figures

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("since_figures"):
    write_since_figures(snakemake.input.table5, snakemake.input.points, snakemake.input.predictions,
                        dict(snakemake.output.items()))
