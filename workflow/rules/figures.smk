# Figures from the regenerated tables (and Figure 1 from the survey's bars plus matmul
# records) and the sections' figures from their CSVs: results/figures/<name>.<lang>.<ext>,
# Korean and English, PDF and PNG.


# Every figure in one job, the sections' figures included: one Python start and one matplotlib
# import for them all.
rule figure:
    input:
        **generic_figure_inputs(),
        **section_figure_inputs(),
    output:
        **generic_figure_outputs(in_report=True),
        **section_figure_outputs("since", in_report=True),
        **section_figure_outputs("crowd", in_report=True),
    log:
        "logs/figures/figures.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        names=[f.name for f in generic_figures()],
        baseline_gpu=config["tables"]["baseline_gpu"],
        profiles=config["tables"]["profiles"],
    script:
        "../scripts/figures.py"


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
