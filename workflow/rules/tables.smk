# Tables 1-2 (the product lists) from data/gpus.csv; Tables 3-5 (speeds) from data/published/
# and the measurement records; `verify` compares all five with the survey as printed. Table 6,
# the RTX 50 series in the survey's layout, is built like Tables 1-2 and has no printed twin.


# Each kind of table in one job (one Python start for all of its tables).
rule spec_tables:
    input:
        gpus=config["data"]["gpus"],
        code=code_inputs("spec_tables.py"),
    output:
        **table_set_outputs(spec_tables(), in_report=True),
    log:
        "logs/tables/spec_tables.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        tables={table.name: table.number for table in spec_tables()},
    script:
        "../scripts/spec_tables.py"


rule perf_tables:
    input:
        **perf_table_inputs(),
        gpus=config["data"]["gpus"],
        code=code_inputs("perf_tables.py"),
    output:
        **table_set_outputs(perf_tables(), in_report=True),
    log:
        "logs/tables/perf_tables.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        tables={table.name: table.number for table in perf_tables()},
        baseline_gpu=config["tables"]["baseline_gpu"],
        profiles=config["tables"]["profiles"],
    script:
        "../scripts/perf_tables.py"


# One target per table (table1 ... table5), and `tables` for all of them.
for number in TABLES:

    rule:
        name:
            TABLES[number].name
        input:
            table_outputs(number),


rule tables:
    input:
        [table_outputs(number) for number in TABLES],


rule verify:
    input:
        gpus=config["data"]["gpus"],
        tables=[table_csv(t.number) for t in survey_tables()],
        expected=[f"{config['data']['expected']}/{t.name}.csv" for t in survey_tables()],
        code=code_inputs("verify.py"),
    output:
        report="results/verify/report.txt",
    log:
        "logs/verify.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/verify.py"


# Every committed record, checked with the build's rules (as `gpusurvey submit` checks it).
rule check_records:
    input:
        gpus=config["data"]["gpus"],
        records=every_committed_record(),
        code=code_inputs("check_records.py"),
    output:
        "results/checks/records.txt",
    log:
        "logs/checks/records.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/check_records.py"
