"""Snakemake adapter: what fits, every card, model, format and context the page offers."""

from pathlib import Path

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.fit import DataPaths
from gpusurvey.reports.site.fit_answers import write_fit_answers

with script_log(snakemake.log[0], "site_fit"):
    paths = DataPaths(*(Path(snakemake.input[k]) for k in ("gpus", "models", "vram", "literature")),
                      Path(snakemake.input.table5).parent)
    write_fit_answers(paths, snakemake.params.contexts, snakemake.params.headroom, snakemake.output[0])
