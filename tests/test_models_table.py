"""Today's open models (data/models.csv): every row's parameter count, counted from its shapes,
within 1 % of the count its source publishes; bad rows refused by file, line and column."""

import csv
import io

import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.inputs.models import load_models
from gpusurvey.models.llama import PRESETS

EXPECTED = {"llama-7b", "llama-13b", "llama-33b", "llama-65b", "llama-2-13b", "llama-2-70b",
            "llama-3.1-8b", "llama-3.1-70b", "mistral-7b", "mistral-small-24b", "qwen2.5-7b",
            "qwen2.5-14b", "qwen2.5-32b", "qwen2.5-72b", "gemma-2-9b", "gemma-2-27b"}


@pytest.fixture(scope="module")
def models(root):
    return load_models(root / "data/models.csv")


def test_every_model_listed_with_its_config_source(models):
    assert set(models) == EXPECTED
    for row in models.values():
        assert row.config_source.endswith("config.json"), row.model


@pytest.mark.parametrize("model", sorted(EXPECTED))
def test_parameter_count_matches_the_published_count(models, model):
    """Counted: seven linear layers per layer, Qwen2's q/k/v biases, every RMSNorm vector (Gemma-2:
    four per layer), the final norm, the embedding and, untied, the output layer."""
    row = models[model]
    counted = row.shape.parameters()
    assert abs(counted / row.published_params - 1) < 0.01, (model, counted, row.published_params)


def test_llama_13b_row_is_the_benchmarked_shape(models):
    """The synthetic checkpoint the benchmarks write (PRESETS) has the published LLaMA-13B shapes."""
    assert models["llama-13b"].shape == PRESETS["llama-13b"]
    assert models["llama-2-13b"].shape.linear_layers() == PRESETS["llama-13b"].linear_layers()


def test_head_dim_from_the_config_where_it_is_not_hidden_over_heads(models):
    assert models["gemma-2-9b"].shape.head_dim == 256
    assert models["mistral-small-24b"].shape.linear_layers()[0] == ("self_attn.q_proj", 5120, 4096)


def _rewrite(root, tmp_path, column, value, model="qwen2.5-14b"):
    with open(root / "data/models.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    line = next(i for i, r in enumerate(rows) if r["model"] == model) + 2
    rows[line - 2][column] = value
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "models.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path, line


@pytest.mark.parametrize(("column", "value", "words"), [
    ("kv_heads", "7", "does not divide heads"),
    ("hidden", "5120.5", "expected an integer"),
    ("config_source", "huggingface.co/x", "https"),
    ("tied_embeddings", "yes", "tied_embeddings"),
])
def test_bad_rows_named_by_line_and_column(root, tmp_path, column, value, words):
    path, line = _rewrite(root, tmp_path, column, value)
    with pytest.raises(DataError) as err:
        load_models(path)
    assert f"line {line}" in str(err.value) and column in str(err.value) and words in str(err.value)
