"""Snakemake adapter: the crowd's distributions per card, in Korean and English."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.crowd_figure import write_crowd_figures

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("crowd_figure"):
    write_crowd_figures(snakemake.input.votes, snakemake.input.table7, dict(snakemake.output.items()))
