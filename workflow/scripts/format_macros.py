"""Snakemake adapter: write results/macros/formats.tex (the numbers of the paragraph on weight formats)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.paper.format_macros import write_format_macros

with script_log(snakemake.log[0], "format_macros"):
    write_format_macros(snakemake.output[0], snakemake.input.table)
