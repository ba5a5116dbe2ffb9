# Figures from the regenerated tables (and Figure 1 from the survey's bars plus matmul
# records): results/figures/<name>.<lang>.<ext>, Korean and English, PDF and PNG.


rule figure:
    input:
        unpack(figure_inputs),
    output:
        ko_pdf="results/figures/{name}.ko.pdf",
        ko_png="results/figures/{name}.ko.png",
        en_pdf="results/figures/{name}.en.pdf",
        en_png="results/figures/{name}.en.png",
    wildcard_constraints:
        name="|".join(FIGURE_NAMES),
    params:
        name=lambda wildcards: wildcards.name,
        baseline_gpu=config["tables"]["baseline_gpu"],
        profiles=config["tables"]["profiles"],
    log:
        "logs/figures/{name}.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/figure.py"


rule figure1:
    input:
        figure_outputs("figure1_matmul"),


rule figure_table3_bars:
    input:
        figure_outputs("table3_bars"),


rule figure_table4_bars:
    input:
        figure_outputs("table4_bars"),


rule figure_table5_bars:
    input:
        figure_outputs("table5_bars"),


rule figure_value_per_dollar:
    input:
        figure_outputs("value_per_dollar"),


rule figure_roofline:
    input:
        figure_outputs("roofline"),


rule figures:
    input:
        all_figure_outputs(),
