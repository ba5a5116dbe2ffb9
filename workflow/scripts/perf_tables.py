"""Snakemake adapter: write the speed tables, Tables 3-5 (CSV and Korean/English LaTeX)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.writers import write_perf_table

inputs, out = snakemake.input, snakemake.output
with script_log(snakemake.log[0], "perf_tables", messages=True):
    for name, number in snakemake.params.tables.items():
        write_perf_table(
            gpus_path=inputs.gpus,
            published_path=inputs[f"{name}_published"],
            record_paths=list(inputs[f"{name}_records"]),
            number=number,
            baseline_gpu=snakemake.params.baseline_gpu,
            profiles=snakemake.params.profiles,
            out_csv=out[f"{name}_csv"],
            out_ko=out[f"{name}_ko"],
            out_en=out[f"{name}_en"],
        )
