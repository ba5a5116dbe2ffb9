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


def llm_checkpoint():
    """The checkpoint folder llm-decode reads: bench.settings.llm-decode.checkpoint when set,
    else the synthetic one of the profile (LLaMA-13B's shapes for full, a tiny one for smoke)."""
    configured = config["bench"]["settings"].get("llm-decode", {}).get("checkpoint")
    if configured:
        return configured
    tiny = config["bench"]["profile"] == "smoke"
    return "results/weights/" + ("llama-tiny-gptq" if tiny else "llama-13b-gptq")
