# Shared helpers and config validation, included first by the Snakefile.
# Parsing must stay cheap: nothing here imports pandas, torch or diffusers.
import sys

import yaml
from gpusurvey.bench.plan import QUICK_CHECK, bench_plan, check_settings, describe
from gpusurvey.core.code_inputs import package_modules
from gpusurvey.core.interrupted import clear_interrupted
from gpusurvey.core.machine import gpu_name, machine_id, machine_slug, submit_folder
from gpusurvey.inputs import record_selection
from gpusurvey.inputs.cluster import cluster_gpus
from gpusurvey.registry import (
    FIGURES,
    LANGS,
    LLM_DECODE,
    MATMUL,
    NOTEBOOKS,
    PAGES,
    TABLES,
    WORKLOADS,
    generic_figures,
    perf_tables,
    section_figures,
    section_tables,
    spec_tables,
    survey_spec_tables,
    survey_tables,
)
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate


def check_config_keys(schema_path):
    """Refuse a top-level key the schema does not know (a misspelt `--config mesure=True` would
    otherwise be ignored), naming it and listing the known ones."""
    schema = yaml.safe_load(Path(workflow.basedir, schema_path).read_text(encoding="utf-8"))
    known = sorted(schema["properties"])
    unknown = sorted(set(config) - set(known))
    if unknown:
        raise WorkflowError(
            f"unknown config key(s) {', '.join(map(repr, unknown))} (workflow/config.yaml "
            f"or --config); expected one of: {', '.join(known)}"
        )


# Snakemake runs a rule's script through the interpreter's path unquoted: under a path with
# a space every job fails with exit 127 (the Makefile refuses such a checkout too).
for folder, what in ((Path.cwd(), "the working folder"), (Path(sys.executable).parent, "Python")):
    if " " in str(folder):
        raise WorkflowError(
            f"{what} lies under '{folder}', a path with a space, from which Snakemake "
            "cannot run scripts; move or clone the project (and its .venv) to a path "
            "without spaces"
        )


def check_data_paths():
    """Refuse a `data:` path that does not exist (a misspelt `data.gpus` would otherwise leave
    the rules that read it out of the run), naming the config key and the path."""
    for key, value in config["data"].items():
        if not Path(value).exists():
            raise WorkflowError(
                f"config data.{key}: '{value}' does not exist; expected the committed file or "
                "folder (workflow/config.yaml or --config)"
            )


check_config_keys("workflow/schemas/config.schema.yaml")
validate(config, "../schemas/config.schema.yaml")
check_data_paths()
try:
    check_settings(config["bench"]["settings"], config["bench"]["profile"])
except ValueError as exc:
    raise WorkflowError(f"{exc} (workflow/config.yaml or --config)") from None

PUBLISHED = "published"
"""Where the last good paper, tables and figures are copied (rule publish)."""

# A run killed outright leaves its lock and its jobs' half-written temporary files; the next
# run (this one, when no other Snakemake runs here) clears them. Jobs that Snakemake starts
# itself (cluster jobs parse this file too) leave that to the main process.
if workflow.is_main_process:
    for path in clear_interrupted(".", ["results", PUBLISHED]):
        print(f"Removed {path}, left by an interrupted run", file=sys.stderr)


def code_inputs(script):
    """The package modules a rule's script imports (workflow/scripts/<script>): its inputs, so
    that an edit to one of them reruns the rule, and a reverted edit (same checksum) does not."""
    return list(package_modules(f"workflow/scripts/{script}", "workflow"))


# What `measure` does with each workload on this machine (nvidia-smi asked once, not torch).
BENCH_PLAN = bench_plan(
    config["bench"]["workloads"],
    config["measure"],
    gpu_name() if config["measure"] is not False else None,
)


def local_workloads():
    """Workloads this machine measures, following `measure` (auto: GPU ones only with CUDA)."""
    return [item.workload for item in BENCH_PLAN if item.runs]


def announce_bench_plan():
    """Where `measure` skips a workload on this machine, say which and why on stderr. Every run
    that reads this machine's records (bench, the tables, the paper) measures it, so the message
    comes when a run starts (onstart in the Snakefile), not on a dry run or a lint."""
    if not CLUSTER_GPUS and not all(item.runs for item in BENCH_PLAN):
        print(describe(BENCH_PLAN, machine_slug()), file=sys.stderr)


# Which records feed the build (gpusurvey.inputs.record_selection, documented there).


def local_records():
    """The full records of this machine (the bench target)."""
    return record_selection.local_records(config, local_workloads(), machine_slug(), CLUSTER_GPUS)


def paper_local_records():
    """This machine's records the tables, figures and paper read: a quick check where the plan
    says so (measure: auto without a GPU), else the full record."""
    quick = [item.workload for item in BENCH_PLAN if item.quick]
    return record_selection.local_records(config, local_workloads(), machine_slug(), CLUSTER_GPUS, quick)


def committed_records():
    return record_selection.committed_records(config)


def every_committed_record():
    return record_selection.every_committed_record(config)


def cpu_records():
    return record_selection.cpu_records(config)


def measurement_records():
    here = machine_slug()
    return record_selection.measurement_records(
        paper_local_records(), committed_records(), here, submit_folder(here, machine_id())
    )


# Tables and figures (tables.smk, figures.smk), as gpusurvey.registry lists them.


def table_outputs(number):
    """The files of one table: CSV plus the Korean and English LaTeX fragments."""
    name = TABLES[number].name
    return [f"results/tables/{name}.{ext}" for ext in ("csv", *(f"{lang}.tex" for lang in LANGS))]


def table_csv(number):
    return f"results/tables/{TABLES[number].name}.csv"


def records_for(workload):
    return record_selection.records_for(measurement_records(), workload)


def table_set_outputs(tables, in_report=False):
    """The files of ``tables`` by ``<table>_csv``, ``<table>_ko``, ``<table>_en``; with
    ``in_report`` each CSV marked for the report (caption ``workflow/report/table.rst``)."""
    outputs = {}
    for table in tables:
        csv = table_csv(table.number)
        if in_report:
            csv = report(
                csv, caption="../report/table.rst", category="Tables", labels={"table": str(table.number)}
            )
        outputs[f"{table.name}_csv"] = csv
        outputs |= {f"{table.name}_{lang}": f"results/tables/{table.name}.{lang}.tex" for lang in LANGS}
    return outputs


def perf_table_inputs():
    """What the speed tables read besides data/gpus.csv: each table's published rows
    (``<table>_published``) and the records of its workload (``<table>_records``)."""
    inputs = {}
    for table in perf_tables():
        inputs[f"{table.name}_published"] = f"{config['data']['published']}/{table.name}.csv"
        inputs[f"{table.name}_records"] = records_for(table.workload)
    return inputs


def figure_outputs(name):
    """The four files of one figure: Korean and English, PDF and PNG."""
    return [f"results/figures/{name}.{lang}.{ext}" for lang in LANGS for ext in ("pdf", "png")]


def all_figure_outputs():
    return [path for name in FIGURES for path in figure_outputs(name)]


def notebook_outputs(name):
    """The executed notebook and its HTML page."""
    return [f"results/notebooks/{name}.{ext}" for ext in ("ipynb", "html")]


def generic_figure_inputs():
    """What the generic figures read (gpusurvey.registry.FIGURES), each figure's own files named
    ``<figure>_tables`` and ``<figure>_records``: table CSVs, data/gpus.csv for the baseline,
    the survey's Figure 1 bars and the records of a workload, the committed CPU records."""
    inputs = {"code": code_inputs("figures.py")}
    for spec in generic_figures():
        inputs[f"{spec.name}_tables"] = [table_csv(n) for n in spec.tables]
        if spec.baseline:
            inputs["gpus"] = config["data"]["gpus"]
        if spec.records:
            inputs["published"] = f"{config['data']['published']}/figure1.csv"
            inputs[f"{spec.name}_records"] = records_for(spec.records)
        if spec.cpu_records or spec.cpu_formats:
            inputs["cpu_records"] = cpu_records()
    return inputs


# The section "since the survey" (since.smk).

SINCE_FRAGMENTS = ("comparison", "predictions", "loo")


def since_outputs():
    """The section's CSVs and LaTeX fragments by name (``<fragment>_<lang>``)."""
    outputs = {name: f"results/since/{name}.csv" for name in ("points", "predictions", "loo", "loo_summary")}
    outputs |= {
        f"{name}_{lang}": f"results/since/{name}.{lang}.tex" for name in SINCE_FRAGMENTS for lang in LANGS
    }
    return outputs


def section_figure_outputs(section, in_report=False):
    """A section's figures (gpusurvey.registry, ``section=``) by ``<figure>_<lang>_<ext>``; with
    ``in_report``, each PNG marked for the report (caption ``workflow/report/<section>_figure.rst``)."""
    return figure_set_outputs(section_figures(section), f"{section}_figure", in_report)


def section_figure_inputs():
    """What the sections' figures read, named ``<section>_<file>`` (the drawing job reads them by
    these names): "since the survey" Table 5 and its points and predictions, the crowd its votes
    and Table 7."""
    return {
        "since_table5": table_csv(5),
        "since_points": since_outputs()["points"],
        "since_predictions": since_outputs()["predictions"],
        "crowd_votes": "results/crowd/votes.csv",
        "crowd_table7": crowd_table_outputs()["table_csv"],
    }


def generic_figure_outputs(in_report=False):
    """The generic figures (no ``section``), as section_figure_outputs names them (caption
    ``workflow/report/figure.rst``)."""
    return figure_set_outputs(generic_figures(), "figure", in_report)


def figure_set_outputs(figures, caption, in_report):
    outputs = {}
    for figure in figures:
        for lang in LANGS:
            for ext in ("pdf", "png"):
                path = f"results/figures/{figure.name}.{lang}.{ext}"
                if in_report and ext == "png":
                    path = report(
                        path,
                        caption=f"../report/{caption}.rst",
                        category="Figures",
                        subcategory=figure.name,
                        labels={"figure": figure.name, "language": lang},
                    )
                outputs[f"{figure.name}_{lang}_{ext}"] = path
    return outputs


# The crowd's benchmark database beside the survey (crowd.smk).


def crowd_dumps():
    """Every dump of the crowd database (data/crowd/*.json); rows repeated across dumps count once."""
    return sorted(str(p) for p in Path(config["data"]["crowd"]).glob("*.json"))


def crowd_table_outputs(in_report=False):
    """The crowd section's tables (Table 7) by ``table_csv``, ``table_ko``, ``table_en``; with
    ``in_report`` the CSV carries its caption for ``snakemake --report`` (the rule's output)."""
    (table,) = section_tables("crowd")
    csv = table_csv(table.number)
    if in_report:
        csv = report(
            csv, caption="../report/crowd_table.rst", category="Tables", labels={"table": str(table.number)}
        )
    return {"table_csv": csv} | {f"table_{lang}": f"results/tables/{table.name}.{lang}.tex" for lang in LANGS}


# The web page of the results (site.smk).

SITE_ASSETS = sorted(str(p) for p in Path("workflow/gpusurvey/reports/site/static").glob("*.*"))
"""The page's own script and style, inlined into it."""


def site_data_files():
    """The committed data files the page is built from: linked from it, their checksums shown."""
    data = config["data"]
    published = sorted(str(p) for p in Path(data["published"]).glob("*.csv"))
    fit = [data["models"], data["vram"]]
    return [data["gpus"], data["errata"], data["literature"], *published, *crowd_dumps(), *fit]


def site_inputs():
    """What the page reads: every registered table's CSV (in number order), the catalogue, the
    literature, the section "since the survey"'s CSVs, both papers' sources (their captions),
    the crowd's votes (its figure's points)."""
    since = since_outputs()
    return {
        "tables": [table_csv(n) for n in sorted(TABLES)],
        "gpus": config["data"]["gpus"],
        "literature": config["data"]["literature"],
        **{name: since[name] for name in ("points", "predictions", "loo_summary")},
        **{f"paper_{lang}": f"paper/{lang}/survey.tex" for lang in LANGS},
        "data": site_data_files(),
        "crowd_votes": "results/crowd/votes.csv",
        "figure1": f"{config['data']['published']}/figure1.csv",
        "matmul_records": records_for(MATMUL),
        "cpu_records": cpu_records(),
    }


# The section "what fits and how fast" (fit.smk).


def fit_data_inputs():
    """The data files Table 8 and the section read (the survey's Tables 3-5 as printed included)."""
    published = config["data"]["published"]
    return {
        "gpus": config["data"]["gpus"],
        "models": config["data"]["models"],
        "vram": config["data"]["vram"],
        "literature": config["data"]["literature"],
        **{f"table{n}": f"{published}/table{n}.csv" for n in (3, 4, 5)},
    }


def fit_outputs():
    """The section's CSVs and LaTeX fragments by name (``<fragment>_<lang>``)."""
    outputs = {name: f"results/fit/{name}.csv" for name in ("validation", "survey", "buyers")}
    outputs |= {
        f"{name}_{lang}": f"results/fit/{name}.{lang}.tex" for name in FIT_FRAGMENTS for lang in LANGS
    }
    return outputs


FIT_FRAGMENTS = ("validation", "buyers")


# Benchmark rules (bench.smk).


def bench_env(wildcards):
    """The conda environment of a workload (relative to workflow/rules)."""
    return f"../../envs/{WORKLOADS[wildcards.workload].env}.yaml"


def bench_settings(wildcards):
    """The workload's overrides from config bench.settings (each becomes `--set KEY=VALUE`)."""
    return config["bench"]["settings"].get(wildcards.workload, {})


def quick_check_settings(wildcards):
    """The quick check's settings (gpusurvey.bench.plan.QUICK_CHECK), config bench.settings
    over them."""
    return {**QUICK_CHECK[wildcards.workload], **bench_settings(wildcards)}


def bench_gpu_model(wildcards):
    """GPU label written into the record: a cluster GPU's label (config cluster.gpus); None lets
    the record take the driver's name."""
    gpu = CLUSTER_GPUS.get(wildcards.machine)
    return gpu.label if gpu else None


def bench_gpus(wildcards):
    """GPUs one job holds: one for the GPU workloads and for every job on a cluster GPU's node,
    none for this machine's CPU-first matmul."""
    return 1 if WORKLOADS[wildcards.workload].gpu_only or wildcards.machine in CLUSTER_GPUS else 0


# The analysis notebooks (notebooks.smk).


def notebook_inputs(wildcards):
    """The notebook and the files it reads (gpusurvey.registry.NOTEBOOKS), named as its
    `parameters` cell names them."""
    spec = NOTEBOOKS[wildcards.name]
    inputs = {f"table{n}": table_csv(n) for n in spec.tables}
    if spec.gpus:
        inputs["gpus"] = config["data"]["gpus"]
    if spec.records:
        inputs["records"] = records_for(spec.records)
        inputs["published"] = f"{config['data']['published']}/figure1.csv"
    if spec.cpu_records:
        inputs["cpu_records"] = cpu_records()
    inputs |= dict(spec.files)
    notebook = f"notebooks/{wildcards.name}.ipynb"
    code = sorted({*code_inputs("run_notebook.py"), *package_modules(notebook, "workflow")})
    return {"notebook": notebook, "code": code, **inputs}


def notebook_values(wildcards):
    """Settings a notebook takes besides files: the record profiles the tables show, for a
    notebook that reads records."""
    return {"profiles": config["tables"]["profiles"]} if NOTEBOOKS[wildcards.name].records else {}


# The decode workload (bench.smk) and its synthetic checkpoint (synth.smk).


def bench_inputs(wildcards):
    """Files a workload reads, by setting name: the decode workload's checkpoint folder."""
    if wildcards.workload == LLM_DECODE:
        return {"checkpoint": llm_checkpoint()}
    return {}


def llm_checkpoint():
    """The checkpoint the decode workload reads: its bench.settings checkpoint when set, else the
    synthetic one of the profile (LLaMA-13B's shapes for full, a tiny one for smoke): a GPTQ
    folder, or for backend llama.cpp a Q4_K_M GGUF file."""
    settings = config["bench"]["settings"].get(LLM_DECODE, {})
    if settings.get("checkpoint"):
        return settings["checkpoint"]
    preset = "llama-tiny" if config["bench"]["profile"] == "smoke" else "llama-13b"
    if settings.get("backend") == "llama.cpp":
        return f"results/weights/{preset}-gguf-q4_k_m.gguf"
    return f"results/weights/{preset}-gptq"


# A SLURM cluster's GPUs (config cluster.gpus, workflow/profiles/slurm): by results folder.
CLUSTER_GPUS = cluster_gpus(config.get("cluster", {}).get("gpus", []), config["data"]["gpus"])


def cluster_resource(key):
    """A resources function for the bench rule: SLURM resource `key` of the job's cluster GPU."""

    def resource(wildcards):
        gpu = CLUSTER_GPUS.get(wildcards.machine)
        return gpu.resource(key) if gpu else None

    return resource


def rules_without_gpu():
    """Rules that stay on this machine under an executor profile: all that ask for no GPU."""
    return [rule.name for rule in workflow.rules if "gpu" not in rule.resources]
