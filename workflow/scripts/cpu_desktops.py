"""Snakemake adapter: write the table of desktops predicted (CSV, Korean and English fragments)
and results/macros/desktops.tex, every input read first."""

from gpusurvey.core.terminal import script_log
from gpusurvey.paper.cpu_desktop_macros import write_desktop_macros
from gpusurvey.reports.cpu_desktop_table import TableOutputs, read_desktops, write_desktop_table

with script_log(snakemake.log[0], "cpu_desktops"):
    desktops = read_desktops(list(snakemake.input.records), snakemake.input.desktops, snakemake.input.loo,
                             snakemake.input.loo_summary, snakemake.input.table5)
    tables = TableOutputs(snakemake.output.csv, snakemake.output.ko, snakemake.output.en)
    write_desktop_table(desktops, tables)
    write_desktop_macros(snakemake.output.macros, desktops)
