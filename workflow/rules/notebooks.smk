# The analysis notebooks (notebooks/*.ipynb): each runs in a fresh kernel with the files it reads
# (and the config values it needs) injected as parameters; the executed notebook and its HTML go
# to results/notebooks/.
# A cell that raises fails the rule, and neither file is written.

NOTEBOOKS = ("specs", "stable_diffusion", "llm", "matmul")


rule run_notebook:
    input:
        unpack(notebook_inputs),
    output:
        ipynb="results/notebooks/{name}.ipynb",
        html="results/notebooks/{name}.html",
    wildcard_constraints:
        name="|".join(NOTEBOOKS),
    params:
        values=notebook_values,
        timeout=config["notebooks"]["cell_timeout"],
    log:
        "logs/notebooks/{name}.log",
    conda:
        "../../envs/notebooks.yaml"
    script:
        "../scripts/run_notebook.py"


rule notebook_specs:
    input:
        expand("results/notebooks/specs.{ext}", ext=("ipynb", "html")),


rule notebook_stable_diffusion:
    input:
        expand("results/notebooks/stable_diffusion.{ext}", ext=("ipynb", "html")),


rule notebook_llm:
    input:
        expand("results/notebooks/llm.{ext}", ext=("ipynb", "html")),


rule notebook_matmul:
    input:
        expand("results/notebooks/matmul.{ext}", ext=("ipynb", "html")),


rule notebooks:
    input:
        rules.notebook_specs.input,
        rules.notebook_stable_diffusion.input,
        rules.notebook_llm.input,
        rules.notebook_matmul.input,
