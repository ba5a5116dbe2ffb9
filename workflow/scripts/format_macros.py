"""Snakemake adapter: write results/macros/formats.tex (the numbers of the paragraph on weight formats)."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.paper.format_macros import write_format_macros

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("format_macros"):
    write_format_macros(snakemake.output[0], snakemake.input.table)
