"""Snakemake adapter: write results/macros/since.tex (the numbers of "since the survey")."""

from gpusurvey.core.terminal import script_log
from gpusurvey.paper.since_macros import write_since_macros

with script_log(snakemake.log[0], "since_macros"):
    write_since_macros(snakemake.output[0], points=snakemake.input.points,
                       predicted=snakemake.input.predictions, loo_summary=snakemake.input.loo_summary,
                       table6=snakemake.input.table6, bibliography=snakemake.input.bibliography)
