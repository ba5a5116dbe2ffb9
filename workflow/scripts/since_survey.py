"""Snakemake adapter: the section "since the survey": points, predictions, leave-one-out error."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.since_writer import write_since_survey

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("since_survey"):
    write_since_survey(
        snakemake.input.gpus,
        snakemake.input.literature,
        {"sd-txt2img": snakemake.input.table3, "llm-decode": snakemake.input.table5},
        dict(snakemake.output.items()),
        crowd=snakemake.input.crowd,
    )
