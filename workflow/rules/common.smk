# Shared helpers and config validation, included first by the Snakefile.
# Parsing must stay cheap: nothing here imports pandas, torch or diffusers.
from snakemake.utils import validate


validate(config, "../schemas/config.schema.yaml")


def table_outputs(name):
    """The files of one table target: CSV plus the Korean and English LaTeX fragments."""
    return [f"results/tables/{name}.{ext}" for ext in ("csv", "ko.tex", "en.tex")]
