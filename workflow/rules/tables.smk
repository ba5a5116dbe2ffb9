# Tables 1-2 (the product lists) from data/gpus.csv; Tables 3-5 (speeds) from data/published/
# and the measurement records; `verify` compares all five with the survey as printed.


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


rule perf_table:
    input:
        gpus=config["data"]["gpus"],
        published=f"{config['data']['published']}/table{{n}}.csv",
        records=lambda wildcards: records_for(PERF_WORKLOADS[int(wildcards.n)]),
    output:
        csv="results/tables/table{n}.csv",
        ko="results/tables/table{n}.ko.tex",
        en="results/tables/table{n}.en.tex",
    wildcard_constraints:
        n="[345]",
    params:
        number=lambda wildcards: int(wildcards.n),
        baseline_gpu=config["tables"]["baseline_gpu"],
        profiles=config["tables"]["profiles"],
    log:
        "logs/tables/table{n}.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/perf_table.py"


rule table3:
    input:
        table_outputs("table3"),


rule table4:
    input:
        table_outputs("table4"),


rule table5:
    input:
        table_outputs("table5"),


rule tables:
    input:
        rules.table1.input,
        rules.table2.input,
        rules.table3.input,
        rules.table4.input,
        rules.table5.input,


rule verify:
    input:
        gpus=config["data"]["gpus"],
        tables=expand("results/tables/table{n}.csv", n=range(1, 6)),
        expected=expand(f"{config['data']['expected']}/table{{n}}.csv", n=range(1, 6)),
    output:
        report="results/verify/report.txt",
    log:
        "logs/verify.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/verify.py"

