# Synthetic checkpoints: the exact shapes of a real model with seeded values, written once
# under results/weights/ (no download). The decode workload reads one when no checkpoint is
# configured.


rule synth_checkpoint:
    output:
        directory("results/weights/{checkpoint}"),
    log:
        "logs/synth/{checkpoint}.log",
    wildcard_constraints:
        checkpoint="llama-13b-gptq|llama-tiny-gptq",
    conda:
        "../../envs/bench-llm.yaml"
    params:
        preset=lambda wildcards: wildcards.checkpoint.removesuffix("-gptq"),
    script:
        "../scripts/synth_checkpoint.py"


rule synth_gguf:
    output:
        "results/weights/{preset}-{fmt}.gguf",
    log:
        "logs/synth/{preset}-{fmt}.log",
    wildcard_constraints:
        preset="llama-13b|llama-tiny",
        fmt="gguf-q4_0|gguf-q4_k_m|gguf-q8_0",
    conda:
        "../../envs/bench-llm.yaml"
    script:
        "../scripts/synth_gguf.py"
