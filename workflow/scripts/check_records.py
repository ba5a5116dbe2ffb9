"""Snakemake adapter: check every committed record with the build's rules (as `gpusurvey submit`
does) and write a one-line report."""

from gpusurvey.core.terminal import script_log
from gpusurvey.inputs.record_checks import write_check_report

with script_log(snakemake.log[0], "check_records"):
    write_check_report(list(snakemake.input.records), snakemake.input.gpus, snakemake.output[0])
