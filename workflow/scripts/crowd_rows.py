"""Snakemake adapter: every row of the crowd's dumps with its reason, the votes, Table 7."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.crowd_writers import write_crowd

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("crowd_rows"):
    write_crowd(
        snakemake.input.dumps,
        snakemake.input.gpus,
        snakemake.input.table3,
        snakemake.params.min_submitters,
        dict(snakemake.output.items()),
    )
