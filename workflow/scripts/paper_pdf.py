"""Snakemake adapter: compile one language of the survey with latexmk -xelatex."""

from pathlib import Path

from gpusurvey.paper.latex_build import PaperBuildError, build_pdf

try:
    build_pdf(
        snakemake.input.tex,
        snakemake.output[0],
        scratch=snakemake.params.scratch,
        source_date_epoch=snakemake.params.source_date_epoch,
        transcript=snakemake.log[0],
    )
except PaperBuildError as exc:
    last_good = Path(snakemake.params.published)
    if last_good.is_file():
        raise PaperBuildError(f"{exc}\nThe last good edition stays at {last_good}.") from None
    raise
