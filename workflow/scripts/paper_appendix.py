"""Snakemake adapter: write the errata tables and the provenance appendix (Korean, English)."""

import sys

from gpusurvey.core.terminal import reason_on_terminal
from gpusurvey.paper.writers import write_errata, write_provenance

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
with reason_on_terminal("paper_appendix"):
    write_errata(snakemake.input.errata, snakemake.input.gpus,
                 snakemake.output.errata_ko, snakemake.output.errata_en)
    write_provenance(list(snakemake.input.records), snakemake.params.profiles,
                     snakemake.output.provenance_ko, snakemake.output.provenance_en,
                     cpu_records=list(snakemake.input.cpu_records))
