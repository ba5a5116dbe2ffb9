# Tables 1-2 (the product lists) from data/gpus.csv.


rule spec_table:
    input:
        gpus=config["data"]["gpus"],
    output:
        csv="results/tables/table{n}.csv",
        ko="results/tables/table{n}.ko.tex",
        en="results/tables/table{n}.en.tex",
    wildcard_constraints:
        n="[12]",
    params:
        number=lambda wildcards: int(wildcards.n),
    log:
        "logs/tables/table{n}.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/spec_table.py"


rule table1:
    input:
        table_outputs("table1"),


rule table2:
    input:
        table_outputs("table2"),


rule tables:
    input:
        rules.table1.input,
        rules.table2.input,
