# The crowd beside the survey: every dump of the crowd's Stable Diffusion benchmark database
# (data/crowd/*.json), each row kept or dropped with its reason, Table 7 (the crowd per card,
# one vote per submitter), its figure and the section's numbers (gpusurvey.inputs.crowd,
# gpusurvey.reports.crowd_table).


rule crowd_rows:
    input:
        dumps=crowd_dumps(),
        gpus=config["data"]["gpus"],
        table3=f"{config['data']['published']}/table3.csv",
        code=code_inputs("crowd_rows.py"),
    output:
        **crowd_table_outputs(in_report=True),
        rows="results/crowd/rows.csv",
        votes="results/crowd/votes.csv",
    log:
        "logs/crowd/crowd_rows.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        min_submitters=config["crowd"]["min_submitters"],
    script:
        "../scripts/crowd_rows.py"


rule crowd_macros:
    input:
        rows="results/crowd/rows.csv",
        table7=crowd_table_outputs()["table_csv"],
        table3=f"{config['data']['published']}/table3.csv",
        loo_summary="results/since/loo_summary.csv",
        predictions="results/since/predictions.csv",
        code=code_inputs("crowd_macros.py"),
    output:
        **{f"software_{lang}": f"results/crowd/software.{lang}.tex" for lang in LANGS},
        macros="results/macros/crowd.tex",
    log:
        "logs/crowd/crowd_macros.log",
    conda:
        "../../envs/latex.yaml"
    params:
        min_submitters=config["crowd"]["min_submitters"],
    script:
        "../scripts/crowd_macros.py"


rule crowd:
    input:
        rules.crowd_rows.output,
        list(section_figure_outputs("crowd").values()),
        rules.crowd_macros.output,
