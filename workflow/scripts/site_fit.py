"""Snakemake adapter: what fits, every card, model, format and context the page offers."""

import sys
from pathlib import Path

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.fit import DataPaths
from gpusurvey.reports.site.fit_answers import write_fit_answers

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("site_fit"):
    paths = DataPaths(*(Path(snakemake.input[k]) for k in ("gpus", "models", "vram", "literature")),
                      Path(snakemake.input.table5).parent)
    write_fit_answers(paths, snakemake.params.contexts, snakemake.params.headroom, snakemake.output[0])
