# Since the survey: results published later (data/literature.csv) beside the survey's, the RTX 50
# series, and predictions for the cards nobody measured with their leave-one-out error
# (gpusurvey.reports.predictions); the section's figures and numbers.

SINCE_FRAGMENTS = ("comparison", "predictions", "loo")
SINCE_FIGURES = ("roofline_since", "value_per_dollar_today")


def since_outputs():
    """The section's CSVs and LaTeX fragments by name (``<fragment>_<lang>``)."""
    outputs = {name: f"results/since/{name}.csv" for name in ("points", "predictions", "loo", "loo_summary")}
    outputs |= {f"{name}_{lang}": f"results/since/{name}.{lang}.tex" for name in SINCE_FRAGMENTS
                for lang in LANGS}
    return outputs


def since_figure_outputs():
    """The section's figures by ``<figure>_<lang>_<ext>``."""
    return {f"{name}_{lang}_{ext}": f"results/figures/{name}.{lang}.{ext}" for name in SINCE_FIGURES
            for lang in LANGS for ext in ("pdf", "png")}


rule since_survey:
    input:
        gpus=config["data"]["gpus"],
        literature=config["data"]["literature"],
        table3=f"{config['data']['published']}/table3.csv",
        table5=f"{config['data']['published']}/table5.csv",
        code=code_inputs("since_survey.py"),
    output:
        **since_outputs(),
    log:
        "logs/since/since_survey.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/since_survey.py"


rule since_figures:
    input:
        table5=table_csv(5),
        points="results/since/points.csv",
        predictions="results/since/predictions.csv",
        code=code_inputs("since_figures.py"),
    output:
        **since_figure_outputs(),
    log:
        "logs/since/since_figures.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/since_figures.py"


rule since_macros:
    input:
        points="results/since/points.csv",
        predictions="results/since/predictions.csv",
        loo_summary="results/since/loo_summary.csv",
        table6=table_csv(6),
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
        list(since_figure_outputs().values()),
        rules.since_macros.output,
