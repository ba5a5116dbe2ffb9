"""Snakemake adapter: write results/macros/numbers.tex (every number the prose quotes)."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.paper.writers import write_macros

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("macros"):
    write_macros(
        snakemake.output[0],
        spec_tables=list(snakemake.input.spec_tables),
        bench_tables=list(snakemake.input.perf_tables),
        errata=snakemake.input.errata,
        gpus=snakemake.input.gpus,
        figure1=snakemake.input.figure1,
        records=list(snakemake.input.records),
        profiles=snakemake.params.profiles,
        baseline=snakemake.params.baseline,
        cpu_records=list(snakemake.input.cpu_records),
    )
