# LLaMA-13B in the weight formats people run (GGUF Q4_0, Q4_K_M, Q8_0 and GPTQ): the table of
# every decode record in a format, the roofline model's bytes per token of each, and the
# numbers of the paper's paragraph (gpusurvey.reports.format_table).


rule format_table:
    input:
        records=cpu_records(),
        gpus=config["data"]["gpus"],
        code=code_inputs("format_table.py"),
    output:
        csv="results/formats/formats.csv",
        ko="results/formats/formats.ko.tex",
        en="results/formats/formats.en.tex",
    log:
        "logs/formats/format_table.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/format_table.py"


rule format_macros:
    input:
        table=rules.format_table.output.csv,
        code=code_inputs("format_macros.py"),
    output:
        "results/macros/formats.tex",
    log:
        "logs/formats/format_macros.log",
    conda:
        "../../envs/latex.yaml"
    script:
        "../scripts/format_macros.py"
