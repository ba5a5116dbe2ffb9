"""Snakemake adapter: check every committed record with the build's rules (as `gpusurvey submit`
does) and write a one-line report."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.inputs.record_checks import write_check_report

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("check_records"):
    write_check_report(list(snakemake.input.records), snakemake.input.gpus, snakemake.output[0])
