"""Snakemake adapter: write a synthetic LLaMA GGUF file (rule synth_gguf)."""

import sys

from gpusurvey.bench.synth.llama_gguf import write

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
path = write(snakemake.wildcards.preset, snakemake.wildcards.fmt, snakemake.output[0])
print(f"wrote {path}", file=sys.stderr)
