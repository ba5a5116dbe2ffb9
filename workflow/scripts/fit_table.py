"""Snakemake adapter: Table 8, what fits and how fast (results/tables/table8.{csv,ko.tex,en.tex})."""

from pathlib import Path

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.fit import DataPaths
from gpusurvey.reports.fit_table import write_table8

with script_log(snakemake.log[0], "fit_table"):
    paths = DataPaths(*(Path(snakemake.input[k]) for k in ("gpus", "models", "vram", "literature")),
                      Path(snakemake.input.table5).parent)
    write_table8(paths, snakemake.params.models, snakemake.params.context, snakemake.params.headroom,
                 dict(snakemake.output.items()))
