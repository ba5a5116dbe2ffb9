"""Snakemake adapter: write results/formats/formats.{csv,ko.tex,en.tex} (LLaMA-13B by weight format)."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.format_table import FormatOutputs, write_format_table

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("format_table"):
    write_format_table(list(snakemake.input.records), snakemake.input.gpus,
                       FormatOutputs(snakemake.output.csv, snakemake.output.ko, snakemake.output.en))
