# The survey in Korean and English: generated numbers, errata and provenance, then XeLaTeX.
# The paper reports the same records the tables and figures read (measurement_records()).


rule macros:
    input:
        spec_tables=[table_csv(t.number) for t in survey_spec_tables()],
        perf_tables=[table_csv(t.number) for t in perf_tables()],
        gpus=config["data"]["gpus"],
        errata=config["data"]["errata"],
        figure1=f"{config['data']['published']}/figure1.csv",
        records=measurement_records(),
        cpu_records=cpu_records(),
        code=code_inputs("paper_macros.py"),
    output:
        "results/macros/numbers.tex",
    log:
        "logs/paper/macros.log",
    conda:
        "../../envs/latex.yaml"
    params:
        baseline=config["tables"]["baseline_gpu"],
        profiles=config["tables"]["profiles"],
    script:
        "../scripts/paper_macros.py"


rule paper_date:
    input:
        gpus=config["data"]["gpus"],
        literature=config["data"]["literature"],
        records=measurement_records(),
        cpu_records=cpu_records(),
        code=code_inputs("paper_date.py"),
    output:
        "results/macros/date.tex",
    log:
        "logs/paper/date.log",
    conda:
        "../../envs/latex.yaml"
    script:
        "../scripts/paper_date.py"


rule paper_appendix:
    input:
        gpus=config["data"]["gpus"],
        errata=config["data"]["errata"],
        records=measurement_records(),
        cpu_records=cpu_records(),
        code=code_inputs("paper_appendix.py"),
    output:
        errata_ko="results/paper/errata.ko.tex",
        errata_en="results/paper/errata.en.tex",
        provenance_ko="results/paper/provenance.ko.tex",
        provenance_en="results/paper/provenance.en.tex",
    log:
        "logs/paper/appendix.log",
    conda:
        "../../envs/latex.yaml"
    params:
        profiles=config["tables"]["profiles"],
    script:
        "../scripts/paper_appendix.py"


rule paper_pdf:
    input:
        tex="paper/{lang}/survey.tex",
        preamble="paper/preamble.tex",
        bib=["paper/references.bib", "results/paper/literature.bib"],
        bst="paper/unsrt-ko.bst",
        macros=rules.macros.output,
        date=rules.paper_date.output,
        errata="results/paper/errata.{lang}.tex",
        provenance="results/paper/provenance.{lang}.tex",
        tables=[f"results/tables/{TABLES[n].name}.{{lang}}.tex" for n in TABLES],
        figures=[f"results/figures/{name}.{{lang}}.pdf" for name in FIGURES],
        since=[
            rules.since_macros.output[0],
            *(f"results/since/{name}.{{lang}}.tex" for name in SINCE_FRAGMENTS),
        ],
        formats=rules.format_macros.output[0],
        crowd=[rules.crowd_macros.output.macros, "results/crowd/software.{lang}.tex"],
        fit=[rules.fit_macros.output[0], *(f"results/fit/{name}.{{lang}}.tex" for name in FIT_FRAGMENTS)],
        desktops=rules.cpu_desktops.output.macros,
        code=code_inputs("paper_pdf.py"),
    output:
        report(
            "results/paper/survey-{lang}.pdf",
            caption="../report/paper.rst",
            category="Paper",
            labels={"edition": "{lang}"},
        ),
    log:
        "logs/paper/survey-{lang}.log",
    wildcard_constraints:
        lang="|".join(LANGS),
    conda:
        "../../envs/latex.yaml"
    params:
        scratch=lambda wildcards: f"results/paper/.build-{wildcards.lang}",
        published=lambda wildcards: f"{PUBLISHED}/paper/survey-{wildcards.lang}.pdf",
        source_date_epoch=config["paper"]["source_date_epoch"],
    script:
        "../scripts/paper_pdf.py"


# Snakemake deletes a job's outputs when it starts and when it fails; the last good edition
# lives on under published/ (gpusurvey.paper.publish), copied once everything has been built.
rule publish:
    input:
        pdfs=expand("results/paper/survey-{lang}.pdf", lang=LANGS),
        tables=[path for number in TABLES for path in table_outputs(number)],
        figures=all_figure_outputs(),
        code=code_inputs("publish.py"),
    output:
        f"{PUBLISHED}/SHA256SUMS",
    log:
        "logs/paper/publish.log",
    conda:
        "../../envs/latex.yaml"
    script:
        "../scripts/publish.py"


rule paper:
    input:
        expand("results/paper/survey-{lang}.pdf", lang=LANGS),
        rules.publish.output,
