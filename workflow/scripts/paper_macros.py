"""Snakemake adapter: write results/macros/numbers.tex (every number the prose quotes)."""

import sys

from gpusurvey.paper_inputs import write_macros

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
write_macros(
    snakemake.output[0],
    spec_tables=[snakemake.input.table1, snakemake.input.table2],
    bench_tables={name: snakemake.input[name] for name in ("table3", "table4", "table5")},
    errata=snakemake.input.errata,
    gpus=snakemake.input.gpus,
    figure1=snakemake.input.figure1,
    records=list(snakemake.input.records),
    profiles=snakemake.params.profiles,
    baseline=snakemake.params.baseline,
)
