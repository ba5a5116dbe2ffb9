# The results as one web page (results/site/index.html and the BokehJS beside it): every
# registered table sortable and filtered, the figures as interactive charts, links to the
# papers, notebooks and data, the commit and data it was built from (gpusurvey.reports.site);
# what fits, precomputed with gpusurvey fit's models for the page's form (site_fit).


rule site_fit:
    input:
        **fit_data_inputs(),
        code=code_inputs("site_fit.py"),
    output:
        "results/fit/answers.json",
    log:
        "logs/site/site_fit.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        contexts=config["site"]["fit_contexts"],
        headroom=config["fit"]["headroom"],
    script:
        "../scripts/site_fit.py"


rule site:
    input:
        **site_inputs(),
        fit=rules.site_fit.output[0],
        assets=SITE_ASSETS,
        code=code_inputs("site.py"),
    output:
        page=PAGES["index"].outputs[0],
        bokeh=PAGES["index"].outputs[1],
    log:
        "logs/site/site.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        baseline=config["tables"]["baseline_gpu"],
        profiles=config["tables"]["profiles"],
        notebooks=[f"results/notebooks/{name}.html" for name in NOTEBOOKS],
    script:
        "../scripts/site.py"
