"""Snakemake adapter: write results/macros/crowd.tex and the crowd's software fragments."""

from gpusurvey.core.terminal import script_log
from gpusurvey.paper.crowd_macros import write_crowd_macros
from gpusurvey.registry import LANGS

with script_log(snakemake.log[0], "crowd_macros"):
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
