"""Snakemake adapter: compile one language of the survey with latexmk -xelatex."""

from gpusurvey.paper.latex_build import build_pdf

build_pdf(
    snakemake.input.tex,
    snakemake.output[0],
    scratch=snakemake.params.scratch,
    source_date_epoch=snakemake.params.source_date_epoch,
    transcript=snakemake.log[0],
)
