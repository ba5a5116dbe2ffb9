"""Snakemake adapter: write a synthetic checkpoint folder (rule synth_checkpoint)."""

import sys

from gpusurvey.bench.synth.llama_gptq import write
from gpusurvey.core.terminal import script_log

with script_log(snakemake.log[0], "synth_checkpoint"):
    folder = write(snakemake.params.preset, snakemake.output[0])
    print(f"wrote {folder}", file=sys.stderr)
