"""Snakemake adapter: write results/macros/crowd.tex and the crowd's software fragments."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.paper.crowd_macros import write_crowd_macros
from gpusurvey.registry import LANGS

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("crowd_macros"):
    write_crowd_macros(
        snakemake.output.macros,
        {lang: snakemake.output[f"software_{lang}"] for lang in LANGS},
        rows=snakemake.input.rows,
        table7=snakemake.input.table7,
        table3=snakemake.input.table3,
        loo_summary=snakemake.input.loo_summary,
        predictions=snakemake.input.predictions,
        min_submitters=snakemake.params.min_submitters,
    )
