"""Snakemake adapter: write the product lists, Tables 1-2 and the later series' (CSV and LaTeX)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.writers import write_spec_table

out = snakemake.output
with script_log(snakemake.log[0], "spec_tables"):
    for name, number in snakemake.params.tables.items():
        write_spec_table(
            gpus_path=snakemake.input.gpus,
            number=number,
            out_csv=out[f"{name}_csv"],
            out_ko=out[f"{name}_ko"],
            out_en=out[f"{name}_en"],
        )
