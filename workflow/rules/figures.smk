# Figures from the regenerated tables (and Figure 1 from the survey's bars plus matmul
# records): results/figures/<name>.<lang>.<ext>, Korean and English, PDF and PNG.


rule figure:
    input:
        unpack(figure_inputs),
    output:
        ko_pdf="results/figures/{name}.ko.pdf",
        ko_png=report(
            "results/figures/{name}.ko.png",
            caption="../report/figure.rst",
            category="Figures",
            subcategory="{name}",
            labels={"figure": "{name}", "language": "ko"},
        ),
        en_pdf="results/figures/{name}.en.pdf",
        en_png=report(
            "results/figures/{name}.en.png",
            caption="../report/figure.rst",
            category="Figures",
            subcategory="{name}",
            labels={"figure": "{name}", "language": "en"},
        ),
    log:
        "logs/figures/{name}.log",
    wildcard_constraints:
        name="|".join(f.name for f in generic_figures()),
    conda:
        "../../envs/analysis.yaml"
    params:
        name=lambda wildcards: wildcards.name,
        baseline_gpu=config["tables"]["baseline_gpu"],
        profiles=config["tables"]["profiles"],
    script:
        "../scripts/figure.py"


# One target per figure (figure1, figure_table3_bars, ...), and `figures` for all of them.
for figure in FIGURES.values():

    rule:
        name:
            figure.target
        input:
            figure_outputs(figure.name),


rule figures:
    input:
        all_figure_outputs(),
