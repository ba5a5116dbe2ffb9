"""Snakemake adapter: write Table 3, 4 or 5 (CSV and Korean/English LaTeX)."""

import logging
import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.writers import write_perf_table

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
with reason_on_terminal("perf_table"):
    write_perf_table(
        gpus_path=snakemake.input.gpus,
        published_path=snakemake.input.published,
        record_paths=list(snakemake.input.records),
        number=snakemake.params.number,
        baseline_gpu=snakemake.params.baseline_gpu,
        profiles=snakemake.params.profiles,
        out_csv=snakemake.output.csv,
        out_ko=snakemake.output.ko,
        out_en=snakemake.output.en,
    )
