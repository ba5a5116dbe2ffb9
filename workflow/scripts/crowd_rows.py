"""Snakemake adapter: every row of the crowd's dumps with its reason, the votes, Table 7."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.crowd_writers import write_crowd

with script_log(snakemake.log[0], "crowd_rows"):
    write_crowd(
        snakemake.input.dumps,
        snakemake.input.gpus,
        snakemake.input.table3,
        snakemake.params.min_submitters,
        dict(snakemake.output.items()),
    )
