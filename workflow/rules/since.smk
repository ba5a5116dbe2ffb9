# Since the survey: results published later (data/literature.csv) beside the survey's, the RTX 50
# series, and predictions for the cards nobody measured with their leave-one-out error
# (gpusurvey.reports.predictions); the section's numbers (its figures: rule figure).


rule since_survey:
    input:
        gpus=config["data"]["gpus"],
        literature=config["data"]["literature"],
        table3=f"{config['data']['published']}/table3.csv",
        table5=f"{config['data']['published']}/table5.csv",
        crowd=crowd_table_outputs()["table_csv"],
        code=code_inputs("since_survey.py"),
    output:
        **since_outputs(),
    log:
        "logs/since/since_survey.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/since_survey.py"


rule since_bibliography:
    input:
        gpus=config["data"]["gpus"],
        literature=config["data"]["literature"],
        desktops=config["data"]["desktop_memory"],
        code=code_inputs("since_bibliography.py"),
    output:
        "results/paper/literature.bib",
    log:
        "logs/since/since_bibliography.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/since_bibliography.py"


rule since_macros:
    input:
        points="results/since/points.csv",
        predictions="results/since/predictions.csv",
        loo_summary="results/since/loo_summary.csv",
        table6=table_csv(6),
        bibliography=rules.since_bibliography.output[0],
        code=code_inputs("since_macros.py"),
    output:
        "results/macros/since.tex",
    log:
        "logs/since/since_macros.log",
    conda:
        "../../envs/latex.yaml"
    script:
        "../scripts/since_macros.py"


rule since:
    input:
        list(since_outputs().values()),
        list(section_figure_outputs("since").values()),
        rules.since_macros.output,
        rules.since_bibliography.output,
