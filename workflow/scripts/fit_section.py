"""Snakemake adapter: the memory model's validation and the buyer's page (results/fit/)."""

import sys
from pathlib import Path

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.fit import DataPaths
from gpusurvey.reports.fit_section import write_fit_section

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("fit_section"):
    paths = DataPaths(*(Path(snakemake.input[k]) for k in ("gpus", "models", "vram", "literature")),
                      Path(snakemake.input.table5).parent)
    write_fit_section(paths, list(snakemake.input.records), snakemake.input.points,
                      snakemake.input.predictions, snakemake.params.context, snakemake.params.headroom,
                      dict(snakemake.output.items()))
