"""Snakemake adapter: compare the regenerated Tables 1-5 with the survey; print the verdict and
every difference in the terminal (and the log); fail on any difference."""

import sys
from pathlib import Path

from gpusurvey.reports.writers import write_verify_report

log = open(snakemake.log[0], "w", encoding="utf-8")
diffs = write_verify_report(
    gpus_path=snakemake.input.gpus,
    tables=list(snakemake.input.tables),
    expected=list(snakemake.input.expected),
    out_report=snakemake.output.report,
)
lines = diffs or Path(snakemake.output.report).read_text(encoding="utf-8").splitlines()
for stream in (log, sys.stderr):
    stream.writelines(line + "\n" for line in lines)
    stream.flush()
sys.exit(1 if diffs else 0)
