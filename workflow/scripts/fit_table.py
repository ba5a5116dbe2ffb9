"""Snakemake adapter: Table 8, what fits and how fast (results/tables/table8.{csv,ko.tex,en.tex})."""

import sys
from pathlib import Path

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.reports.fit import DataPaths
from gpusurvey.reports.fit_table import write_table8

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("fit_table"):
    paths = DataPaths(*(Path(snakemake.input[k]) for k in ("gpus", "models", "vram", "literature")),
                      Path(snakemake.input.table5).parent)
    write_table8(paths, snakemake.params.models, snakemake.params.context, snakemake.params.headroom,
                 dict(snakemake.output.items()))
