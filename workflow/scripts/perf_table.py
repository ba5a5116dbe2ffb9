"""Snakemake adapter: write Table 3, 4 or 5 (CSV and Korean/English LaTeX)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.writers import write_perf_table

with script_log(snakemake.log[0], "perf_table", messages=True):
    write_perf_table(
        gpus_path=snakemake.input.gpus,
        published_path=snakemake.input.published,
        record_paths=list(snakemake.input.records),
        number=snakemake.params.number,
        baseline_gpu=snakemake.params.baseline_gpu,
        profiles=snakemake.params.profiles,
        out_csv=snakemake.output.csv,
        out_ko=snakemake.output.ko,
        out_en=snakemake.output.en,
    )
