# Synthetic checkpoints: the exact shapes of a real model with seeded values, written once
# under results/weights/ (no download). llm-decode reads one when no checkpoint is configured.


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
