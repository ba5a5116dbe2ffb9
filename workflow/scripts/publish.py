"""Snakemake adapter: copy the built paper, tables and figures to published/."""

from pathlib import Path

from gpusurvey.paper.publish import publish

publish(
    [*snakemake.input.pdfs, *snakemake.input.tables, *snakemake.input.figures],
    source="results",
    dest=Path(snakemake.output[0]).parent,
    manifest=snakemake.output[0],
)
