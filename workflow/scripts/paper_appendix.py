"""Snakemake adapter: write the errata tables and the provenance appendix (Korean, English)."""

from gpusurvey.core.terminal import script_log
from gpusurvey.paper.writers import write_errata, write_provenance

with script_log(snakemake.log[0], "paper_appendix"):
    write_errata(snakemake.input.errata, snakemake.input.gpus,
                 snakemake.output.errata_ko, snakemake.output.errata_en)
    write_provenance(list(snakemake.input.records), snakemake.params.profiles,
                     snakemake.output.provenance_ko, snakemake.output.provenance_en,
                     cpu_records=list(snakemake.input.cpu_records))
