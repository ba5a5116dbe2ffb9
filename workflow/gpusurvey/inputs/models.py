"""``data/models.csv``: today's open language models, each from its published configuration.

Each row becomes a ``LlamaShape`` (the decoder layout LLaMA, Llama 2/3.1, Mistral, Qwen2.5 and
Gemma-2 share: seven linear layers, RMSNorm, rotary positions), with the parameter count its
source publishes. The roofline and the memory model count bytes from these shapes; nothing in
``gpusurvey.models`` reads this file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from gpusurvey.core.csv_rows import LINE, read_rows, require_unique
from gpusurvey.core.errors import DataError
from gpusurvey.models.llama import LlamaShape


@dataclass(frozen=True)
class ModelRow:
    model: str
    """The id ``gpusurvey fit --model`` takes (``qwen2.5-14b``)."""
    name: str
    family: str
    shape: LlamaShape
    published_params: float
    config_source: str
    params_source: str
    line: int


def load_models(path: str | os.PathLike) -> dict[str, ModelRow]:
    """Every row of ``path`` by model id, checked against ``workflow/schemas/models.schema.yaml``;
    ``head_dim`` x ``heads`` must be at least a quarter of ``hidden`` and ``kv_heads`` must
    divide ``heads`` (grouped-query attention), else a DataError names the line and column."""
    rows = read_rows(path, "models")
    require_unique(path, rows, "model")
    out = {}
    for row in rows:
        line = row[LINE]
        if row["heads"] % row["kv_heads"]:
            raise DataError(path, f"kv_heads {row['kv_heads']} does not divide heads {row['heads']}",
                            line=line, column="kv_heads")
        if row["head_dim"] * row["heads"] * 4 < row["hidden"]:
            raise DataError(path, f"head_dim {row['head_dim']} x heads {row['heads']} is far below "
                            f"hidden {row['hidden']}; expected the config's head_dim",
                            line=line, column="head_dim")
        implied = row["hidden"] // row["heads"]
        shape = LlamaShape(
            layers=row["layers"], hidden=row["hidden"], intermediate=row["intermediate"],
            heads=row["heads"], kv_heads=row["kv_heads"], vocab=row["vocab"],
            max_positions=row["context"],
            head_size=0 if row["head_dim"] == implied else row["head_dim"],
            tied=row["tied_embeddings"] == "true", qkv_bias=row["qkv_bias"] == "true",
            norms_per_layer=row["norms_per_layer"],
        )
        out[row["model"]] = ModelRow(row["model"], row["name"], row["family"], shape,
                                     row["published_params_billion"] * 1e9, row["config_source"],
                                     row["params_source"], line)
    return out
