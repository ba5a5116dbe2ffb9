"""Snakemake adapter: the papers' date, the newest date among their inputs."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.paper.data_date import write_date_macros

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("paper_date"):
    write_date_macros(snakemake.output[0], snakemake.input.gpus, snakemake.input.literature,
                      [*snakemake.input.records, *snakemake.input.cpu_records])
