# Shared helpers and config validation, included first by the Snakefile.
# Parsing must stay cheap: nothing here imports pandas, torch or diffusers.
from gpusurvey.machine import gpu_name, machine_slug
from snakemake.utils import validate


validate(config, "../schemas/config.schema.yaml")

GPU_WORKLOADS = ("sd-txt2img", "sd-hires", "llm-decode")


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
    """This machine's records under results/measurements/<machine>/."""
    return [f"results/measurements/{machine_slug()}/{w}.json" for w in local_workloads()]


def committed_records():
    """Records committed under data/measurements/ (real runs, kept as data)."""
    return sorted(str(p) for p in Path("data/measurements").rglob("*.json"))


def measurement_records():
    """Every record the tables and figures read: committed ones and this machine's."""
    return committed_records() + local_records()


# The survey's own matrix-product timings (its Figure 1), as printed.
PUBLISHED_FIGURE1 = "data/published/figure1.csv"


def notebook_inputs(wildcards):
    """The notebook and the files it reads, named as its `parameters` cell names them."""
    tables = {n: f"results/tables/table{n}.csv" for n in range(1, 6)}
    parameters = {
        "specs": {"table1": tables[1], "table2": tables[2], "gpus": config["data"]["gpus"]},
        "stable_diffusion": {"table3": tables[3], "table4": tables[4], "gpus": config["data"]["gpus"]},
        "llm": {"table5": tables[5]},
        "matmul": {
            "records": [r for r in measurement_records() if Path(r).stem == "matmul"],
            "published": PUBLISHED_FIGURE1,
        },
    }[wildcards.name]
    return {"notebook": f"notebooks/{wildcards.name}.ipynb", **parameters}
