"""Snakemake adapter: execute one analysis notebook with its inputs and values as parameters, render HTML."""

from gpusurvey.core.terminal import script_log
from gpusurvey.reports.notebooks import execute_notebook

with script_log(snakemake.log[0], "run_notebook"):
    execute_notebook(
        source=snakemake.input.notebook,
        parameters={**{name: value for name, value in snakemake.input.items()
                       if name not in ("notebook", "code")},
                    **snakemake.params.values},
        out_ipynb=snakemake.output.ipynb,
        out_html=snakemake.output.html,
        timeout=snakemake.params.timeout,
    )
