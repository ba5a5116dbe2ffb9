# Shared helpers and config validation, included first by the Snakefile.
# Parsing must stay cheap: nothing here imports pandas, torch or diffusers.
from gpusurvey.bench.workloads import GPU_WORKLOADS
from gpusurvey.cluster import cluster_gpus
from gpusurvey.machine import gpu_name, machine_slug
from snakemake.utils import validate


validate(config, "../schemas/config.schema.yaml")


def table_outputs(name):
    """The files of one table target: CSV plus the Korean and English LaTeX fragments."""
    return [f"results/tables/{name}.{ext}" for ext in ("csv", "ko.tex", "en.tex")]


def local_workloads():
    """Workloads this machine measures, following `measure` (auto: GPU ones only with CUDA)."""
    measure = config["measure"]
    if measure is False:
        return []
    wanted = config["bench"]["workloads"]
    if measure == "auto" and gpu_name() is None:
        return [w for w in wanted if w not in GPU_WORKLOADS]
    return list(wanted)


def local_records():
    """This machine's records under results/measurements/<machine>/ (the cluster's, when listed)."""
    if CLUSTER_GPUS:
        return cluster_records()
    return [f"results/measurements/{machine_slug()}/{w}.json" for w in local_workloads()]


def committed_records():
    """Records committed as data/measurements/<machine>/<workload>.json (real runs). Deeper
    folders (<machine>/variants/) keep extra runs that no table reads."""
    folder = Path(config["data"]["measurements"])
    return sorted(str(p) for p in folder.glob("*/*.json"))


def measurement_records():
    """Every record the tables and figures read: this machine's (or the cluster's), and the
    committed ones of other machines and workloads: a new run of a machine replaces its
    committed record instead of doubling its row."""
    local = local_records()
    measured_here = {Path(p).parts[-2:] for p in local}
    committed = [p for p in committed_records() if Path(p).parts[-2:] not in measured_here]
    return committed + local


# Tables 3-5 and the figures (tables.smk, figures.smk).

PERF_WORKLOADS = {3: "sd-txt2img", 4: "sd-hires", 5: "llm-decode"}
"""Table number -> the workload whose records add its measured rows."""

FIGURE_NAMES = ["figure1_matmul", "table3_bars", "table4_bars", "table5_bars", "value_per_dollar",
                "roofline"]


def records_for(workload):
    """The measurement records of one workload (record files are named <workload>.json)."""
    return [p for p in measurement_records() if Path(p).stem == workload]


def figure_outputs(name):
    """The four files of one figure: Korean and English, PDF and PNG."""
    return [f"results/figures/{name}.{lang}.{ext}" for lang in ("ko", "en") for ext in ("pdf", "png")]


def all_figure_outputs():
    return [path for name in FIGURE_NAMES for path in figure_outputs(name)]


def figure_inputs(wildcards):
    """What each figure reads: table CSVs, or for Figure 1 the survey's bars and matmul records."""
    name = wildcards.name
    if name == "figure1_matmul":
        return {"published": f"{config['data']['published']}/figure1.csv",
                "records": records_for("matmul")}
    numbers = {"value_per_dollar": [3, 4, 5], "roofline": [5]}.get(name) or [int(name[5])]
    inputs = {"tables": [f"results/tables/table{n}.csv" for n in numbers]}
    if name.endswith("_bars"):
        inputs["gpus"] = config["data"]["gpus"]  # resolves tables.baseline_gpu
    return inputs


# Benchmark rules (bench.smk).

# Conda env of a workload (relative to workflow/rules) where it needs more than envs/bench.yaml.
BENCH_ENVS = {}
# The Stable Diffusion workloads also need diffusers, transformers and accelerate.
BENCH_ENVS.update({w: "../../envs/bench-sd.yaml" for w in ("sd-txt2img", "sd-hires")})


def bench_env(wildcards):
    return BENCH_ENVS.get(wildcards.workload, "../../envs/bench.yaml")


def bench_settings(wildcards):
    """The workload's overrides from config bench.settings (each becomes `--set KEY=VALUE`)."""
    return config["bench"]["settings"].get(wildcards.workload, {})


def bench_gpu_model(wildcards):
    """GPU label written into the record: a cluster GPU's label (config cluster.gpus); None lets
    the record take the driver's name."""
    gpu = CLUSTER_GPUS.get(wildcards.machine)
    return gpu.label if gpu else None


def bench_gpus(wildcards):
    """GPUs one job holds: one for the GPU workloads and for every job on a cluster GPU's node,
    none for this machine's CPU-first matmul."""
    return 1 if wildcards.workload in GPU_WORKLOADS or wildcards.machine in CLUSTER_GPUS else 0


# The analysis notebooks (notebooks.smk).


def notebook_inputs(wildcards):
    """The notebook and the files it reads, named as its `parameters` cell names them."""
    tables = {n: f"results/tables/table{n}.csv" for n in range(1, 6)}
    parameters = {
        "specs": {"table1": tables[1], "table2": tables[2], "gpus": config["data"]["gpus"]},
        "stable_diffusion": {"table3": tables[3], "table4": tables[4], "gpus": config["data"]["gpus"]},
        "llm": {"table5": tables[5]},
        "matmul": {
            "records": records_for("matmul"),
            "published": f"{config['data']['published']}/figure1.csv",
        },
    }[wildcards.name]
    return {"notebook": f"notebooks/{wildcards.name}.ipynb", **parameters}


def notebook_values(wildcards):
    """Settings a notebook takes besides files, by parameter name (from config)."""
    return {"matmul": {"profiles": config["tables"]["profiles"]}}.get(wildcards.name, {})


# llm-decode (bench.smk) and its synthetic checkpoint (synth.smk).

BENCH_ENVS["llm-decode"] = "../../envs/bench-llm.yaml"


def bench_inputs(wildcards):
    """Files a workload reads, by setting name: llm-decode's checkpoint folder."""
    if wildcards.workload == "llm-decode":
        return {"checkpoint": llm_checkpoint()}
    return {}


def llm_checkpoint():
    """The checkpoint llm-decode reads: bench.settings.llm-decode.checkpoint when set, else the
    synthetic one of the profile (LLaMA-13B's shapes for full, a tiny one for smoke): a GPTQ
    folder, or for backend llama.cpp a Q4_K_M GGUF file."""
    settings = config["bench"]["settings"].get("llm-decode", {})
    if settings.get("checkpoint"):
        return settings["checkpoint"]
    preset = "llama-tiny" if config["bench"]["profile"] == "smoke" else "llama-13b"
    if settings.get("backend") == "llama.cpp":
        return f"results/weights/{preset}-gguf-q4_k_m.gguf"
    return f"results/weights/{preset}-gptq"


# A SLURM cluster's GPUs (config cluster.gpus, workflow/profiles/slurm): by results folder.
CLUSTER_GPUS = cluster_gpus(config.get("cluster", {}).get("gpus", []), config["data"]["gpus"])


def cluster_records():
    """One record per listed cluster GPU and workload (`measure: false` still measures nothing)."""
    if config["measure"] is False:
        return []
    workloads = config["bench"]["workloads"]
    return [f"results/measurements/{folder}/{w}.json" for folder in CLUSTER_GPUS for w in workloads]


def cluster_resource(key):
    """A resources function for the bench rule: SLURM resource `key` of the job's cluster GPU."""

    def resource(wildcards):
        gpu = CLUSTER_GPUS.get(wildcards.machine)
        return gpu.resource(key) if gpu else None

    return resource


def rules_without_gpu():
    """Rules that stay on this machine under an executor profile: all that ask for no GPU."""
    return [rule.name for rule in workflow.rules if "gpu" not in rule.resources]
