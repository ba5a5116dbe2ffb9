"""Snakemake adapter: write a synthetic checkpoint folder (rule synth_checkpoint)."""

import sys

from gpusurvey.bench.synth.llama_gptq import write

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
folder = write(snakemake.params.preset, snakemake.output[0])
print(f"wrote {folder}", file=sys.stderr)
