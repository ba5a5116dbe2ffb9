"""Snakemake adapter: draw one figure in Korean and English (PDF and PNG)."""

import logging
import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.writers import write_figure

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
with reason_on_terminal("figure"):
    write_figure(
        snakemake.params.name,
        dict(snakemake.output.items()),
        tables=list(snakemake.input.get("tables", [])),
        published=snakemake.input.get("published"),
        records=list(snakemake.input.get("records", [])),
        baseline_gpu=snakemake.params.baseline_gpu,
        gpus=snakemake.input.get("gpus"),
        profiles=snakemake.params.profiles,
        cpu_records=list(snakemake.input.get("cpu_records", [])),
    )
