"""Snakemake adapter: the memory model's validation and the buyer's page (results/fit/)."""

from pathlib import Path

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.fit import DataPaths
from gpusurvey.reports.fit_section import write_fit_section

with script_log(snakemake.log[0], "fit_section"):
    paths = DataPaths(*(Path(snakemake.input[k]) for k in ("gpus", "models", "vram", "literature")),
                      Path(snakemake.input.table5).parent)
    write_fit_section(paths, list(snakemake.input.records), snakemake.input.points,
                      snakemake.input.predictions, snakemake.params.context, snakemake.params.headroom,
                      dict(snakemake.output.items()))
