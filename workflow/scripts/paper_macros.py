"""Snakemake adapter: write results/macros/numbers.tex (every number the prose quotes)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.paper.writers import write_macros

with script_log(snakemake.log[0], "macros"):
    write_macros(
        snakemake.output[0],
        spec_tables=list(snakemake.input.spec_tables),
        perf_table_csvs=list(snakemake.input.perf_tables),
        errata=snakemake.input.errata,
        gpus=snakemake.input.gpus,
        figure1=snakemake.input.figure1,
        records=list(snakemake.input.records),
        profiles=snakemake.params.profiles,
        baseline=snakemake.params.baseline,
        cpu_records=list(snakemake.input.cpu_records),
    )
