"""Snakemake adapter: the web page of the results (gpusurvey.reports.site)."""

import sys

from gpusurvey.core.terminal import script_log
from gpusurvey.registry import TABLES
from gpusurvey.reports.site.build import SiteInputs, build_site

with script_log(snakemake.log[0], "site"):
    size = build_site(
        SiteInputs(
            tables=dict(zip(sorted(TABLES), snakemake.input.tables, strict=True)),
            gpus=snakemake.input.gpus,
            literature=snakemake.input.literature,
            since={name: snakemake.input[name] for name in ("points", "predictions", "loo_summary")},
            crowd_votes=snakemake.input.crowd_votes,
            fit_answers=snakemake.input.fit,
            figure1=snakemake.input.figure1,
            matmul_records=list(snakemake.input.matmul_records),
            cpu_records=list(snakemake.input.cpu_records),
            profiles=snakemake.params.profiles,
            editions={lang: snakemake.input[f"paper_{lang}"] for lang in ("ko", "en")},
            data=list(snakemake.input.data),
            notebooks=snakemake.params.notebooks,
            baseline=snakemake.params.baseline,
        ),
        {"page": snakemake.output.page, "bokeh": snakemake.output.bokeh},
    )
    print(f"{snakemake.output.page}: {size} bytes with its assets", file=sys.stderr)
