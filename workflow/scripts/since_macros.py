"""Snakemake adapter: write results/macros/since.tex (the numbers of "since the survey")."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.paper.since_macros import write_since_macros

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("since_macros"):
    write_since_macros(snakemake.output[0], points=snakemake.input.points,
                       predicted=snakemake.input.predictions, loo_summary=snakemake.input.loo_summary,
                       table6=snakemake.input.table6, bibliography=snakemake.input.bibliography)
