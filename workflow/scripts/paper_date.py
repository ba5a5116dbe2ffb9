"""Snakemake adapter: the papers' date, the newest date among their inputs."""

from gpusurvey.core.terminal import script_log
from gpusurvey.paper.data_date import write_date_macros

with script_log(snakemake.log[0], "paper_date"):
    write_date_macros(snakemake.output[0], snakemake.input.gpus, snakemake.input.literature,
                      [*snakemake.input.records, *snakemake.input.cpu_records])
