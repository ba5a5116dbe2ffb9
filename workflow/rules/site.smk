# The results as one web page (results/site/index.html and the BokehJS beside it): every
# registered table sortable and filtered, the figures as interactive charts, links to the
# papers, notebooks and data, the commit and data it was built from (gpusurvey.reports.site).


rule site:
    input:
        **site_inputs(),
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
        notebooks=[f"results/notebooks/{name}.html" for name in NOTEBOOKS],
    script:
        "../scripts/site.py"
