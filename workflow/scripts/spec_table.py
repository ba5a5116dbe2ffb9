"""Snakemake adapter: write Table 1 or 2 (CSV and Korean/English LaTeX)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.writers import write_spec_table

with script_log(snakemake.log[0], "spec_table"):
    write_spec_table(
        gpus_path=snakemake.input.gpus,
        number=snakemake.params.number,
        out_csv=snakemake.output.csv,
        out_ko=snakemake.output.ko,
        out_en=snakemake.output.en,
    )
