# Regenerates, re-measures and extends the survey of consumer NVIDIA GPUs for local AI.
# Run `snakemake --cores 1 paper`; every table, figure and notebook is its own target.
from snakemake.utils import min_version

min_version("9.0")


configfile: "workflow/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/bench.smk"
include: "workflow/rules/notebooks.smk"
include: "workflow/rules/since.smk"
include: "workflow/rules/crowd.smk"
include: "workflow/rules/formats.smk"
include: "workflow/rules/fit.smk"
include: "workflow/rules/desktops.smk"
include: "workflow/rules/paper.smk"
include: "workflow/rules/site.smk"
include: "workflow/rules/synth.smk"


rule all:
    default_target: True
    input:
        rules.paper.input,
        rules.notebooks.input,
        rules.site.output,


# Under an executor profile (workflow/profiles/slurm) only the rules that ask for a GPU, the
# benchmarks, become cluster jobs; tables, figures, notebooks and LaTeX run on this machine.
workflow.localrules(*rules_without_gpu())


onstart:
    announce_bench_plan()
