"""Snakemake adapter: results/macros/fit.tex (the buyer's page and the section's numbers)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.paper.fit_macros import write_fit_macros

with script_log(snakemake.log[0], "fit_macros"):
    write_fit_macros(snakemake.output[0], snakemake.input.validation, snakemake.input.survey,
                     snakemake.input.buyers)
