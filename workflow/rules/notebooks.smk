# The analysis notebooks (notebooks/*.ipynb): each runs in a fresh kernel with the files it reads
# (and the config values it needs) injected as parameters; the executed notebook and its HTML go
# to results/notebooks/.
# A cell that raises fails the rule, and neither file is written.


rule run_notebook:
    input:
        unpack(notebook_inputs),
    output:
        ipynb="results/notebooks/{name}.ipynb",
        html=report(
            "results/notebooks/{name}.html",
            caption="../report/notebook.rst",
            category="Notebooks",
            labels={"notebook": "{name}"},
        ),
    log:
        "logs/notebooks/{name}.log",
    wildcard_constraints:
        name="|".join(NOTEBOOKS),
    conda:
        "../../envs/notebooks.yaml"
    params:
        values=notebook_values,
        timeout=config["notebooks"]["cell_timeout"],
    script:
        "../scripts/run_notebook.py"


# One target per notebook (notebook_specs, ...), and `notebooks` for all of them.
for notebook in NOTEBOOKS.values():

    rule:
        name:
            notebook.target
        input:
            notebook_outputs(notebook.name),


rule notebooks:
    input:
        [notebook_outputs(name) for name in NOTEBOOKS],
