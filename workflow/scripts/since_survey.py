"""Snakemake adapter: the section "since the survey": points, predictions, leave-one-out error."""

from gpusurvey.core.terminal import script_log
from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG
from gpusurvey.reports.since_writer import write_since_survey

with script_log(snakemake.log[0], "since_survey"):
    write_since_survey(
        snakemake.input.gpus,
        snakemake.input.literature,
        {SD_TXT2IMG: snakemake.input.table3, LLM_DECODE: snakemake.input.table5},
        dict(snakemake.output.items()),
        crowd=snakemake.input.crowd,
    )
