# Desktops predicted: LLaMA-13B on common desktop memory (data/desktop_memory.csv) from the CPU
# records' efficiency against their measured bandwidth, with the interval of the later-results
# section's leave-one-out cases (gpusurvey.reports.cpu_desktops); the table and its numbers.

DESKTOP_TABLE = section_tables("cpu")[0]


rule cpu_desktops:
    input:
        records=cpu_records(),
        desktops=config["data"]["desktop_memory"],
        loo="results/since/loo.csv",
        loo_summary="results/since/loo_summary.csv",
        table5=table_csv(5),
        code=code_inputs("cpu_desktops.py"),
    output:
        csv=report(
            table_csv(DESKTOP_TABLE.number),
            caption="../report/desktops_table.rst",
            category="Tables",
            labels={"table": str(DESKTOP_TABLE.number)},
        ),
        ko=f"results/tables/{DESKTOP_TABLE.name}.ko.tex",
        en=f"results/tables/{DESKTOP_TABLE.name}.en.tex",
        macros="results/macros/desktops.tex",
    log:
        "logs/desktops/cpu_desktops.log",
    conda:
        "../../envs/analysis.yaml"
    script:
        "../scripts/cpu_desktops.py"
