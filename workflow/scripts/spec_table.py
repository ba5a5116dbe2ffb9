"""Snakemake adapter: write Table 1 or 2 (CSV and Korean/English LaTeX)."""

import sys

from gpusurvey.reports.writers import write_spec_table

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
write_spec_table(
    gpus_path=snakemake.input.gpus,
    number=snakemake.params.number,
    out_csv=snakemake.output.csv,
    out_ko=snakemake.output.ko,
    out_en=snakemake.output.en,
)
