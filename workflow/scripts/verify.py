"""Snakemake adapter: compare the regenerated Tables 1-5 with the survey; fail on any difference."""

import sys

from gpusurvey.reports.writers import write_verify_report

log = open(snakemake.log[0], "w", encoding="utf-8")
diffs = write_verify_report(
    gpus_path=snakemake.input.gpus,
    tables=list(snakemake.input.tables),
    expected=list(snakemake.input.expected),
    out_report=snakemake.output.report,
)
for stream in (log, sys.stderr):
    stream.writelines(line + "\n" for line in diffs)
    stream.flush()
sys.exit(1 if diffs else 0)
