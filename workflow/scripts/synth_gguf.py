"""Snakemake adapter: write a synthetic LLaMA GGUF file (rule synth_gguf)."""

import sys

from gpusurvey.bench.synth.llama_gguf import write
from gpusurvey.core.terminal import script_log

with script_log(snakemake.log[0], "synth_gguf"):
    path = write(snakemake.wildcards.preset, snakemake.wildcards.fmt, snakemake.output[0])
    print(f"wrote {path}", file=sys.stderr)
