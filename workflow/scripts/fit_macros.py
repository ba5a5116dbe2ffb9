"""Snakemake adapter: results/macros/fit.tex (the buyer's page and the section's numbers)."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.paper.fit_macros import write_fit_macros

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("fit_macros"):
    write_fit_macros(snakemake.output[0], snakemake.input.validation, snakemake.input.survey,
                     snakemake.input.buyers)
