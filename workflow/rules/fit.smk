# What fits a card and how fast: Table 8 (gpusurvey.reports.fit_table), the memory model's error
# per validation source and the buyer's page (gpusurvey.reports.fit_section), and their numbers
# (results/macros/fit.tex).


rule fit_table:
    input:
        **fit_data_inputs(),
        code=code_inputs("fit_table.py"),
    output:
        csv=report(
            table_csv(8),
            caption="../report/fit_table.rst",
            category="Tables",
            labels={"table": "8"},
        ),
        ko="results/tables/table8.ko.tex",
        en="results/tables/table8.en.tex",
    log:
        "logs/fit/table8.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        models=config["fit"]["models"],
        context=config["fit"]["context"],
        headroom=config["fit"]["headroom"],
    script:
        "../scripts/fit_table.py"


rule fit_section:
    input:
        **fit_data_inputs(),
        records=every_committed_record(),
        points="results/since/points.csv",
        predictions="results/since/predictions.csv",
        code=code_inputs("fit_section.py"),
    output:
        **fit_outputs(),
    log:
        "logs/fit/fit_section.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        context=config["fit"]["context"],
        headroom=config["fit"]["headroom"],
    script:
        "../scripts/fit_section.py"


rule fit_macros:
    input:
        validation="results/fit/validation.csv",
        survey="results/fit/survey.csv",
        buyers="results/fit/buyers.csv",
        code=code_inputs("fit_macros.py"),
    output:
        "results/macros/fit.tex",
    log:
        "logs/fit/fit_macros.log",
    conda:
        "../../envs/latex.yaml"
    script:
        "../scripts/fit_macros.py"


rule fit:
    input:
        table_outputs(8),
        list(fit_outputs().values()),
        rules.fit_macros.output,
