# Synthetic checkpoints: the exact shapes of a real model with seeded values, written once
# under results/weights/ (no download). llm-decode reads one when no checkpoint is configured.


rule synth_checkpoint:
    output:
        directory("results/weights/{checkpoint}"),
    wildcard_constraints:
        checkpoint="llama-13b-gptq|llama-tiny-gptq",
    params:
        preset=lambda wildcards: wildcards.checkpoint.removesuffix("-gptq"),
    log:
        "logs/synth/{checkpoint}.log",
    conda:
        "../../envs/bench-llm.yaml"
    script:
        "../scripts/synth_checkpoint.py"

