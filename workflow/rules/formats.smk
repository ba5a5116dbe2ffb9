# LLaMA-13B in the weight formats people run (GGUF Q4_0, Q4_K_M, Q8_0 and GPTQ): the table of
# every decode record in a format, the roofline model's bytes per token of each, and the
# numbers of the paper's paragraph (gpusurvey.reports.format_table).

FORMATS_TABLE = section_tables("formats")[0]


rule format_table:
    input:
        records=cpu_records(),
        gpus=config["data"]["gpus"],
        code=code_inputs("format_table.py"),
    output:
        csv=report(
            table_csv(FORMATS_TABLE.number),
            caption="../report/formats_table.rst",
            category="Tables",
            labels={"table": str(FORMATS_TABLE.number)},
        ),
        ko=f"results/tables/{FORMATS_TABLE.name}.ko.tex",
        en=f"results/tables/{FORMATS_TABLE.name}.en.tex",
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
