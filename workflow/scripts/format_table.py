"""Snakemake adapter: write registry Table 10, LLaMA-13B by weight format (results/tables/table10.*)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.format_table import FormatOutputs, write_format_table

with script_log(snakemake.log[0], "format_table"):
    write_format_table(list(snakemake.input.records), snakemake.input.gpus,
                       FormatOutputs(snakemake.output.csv, snakemake.output.ko, snakemake.output.en))
