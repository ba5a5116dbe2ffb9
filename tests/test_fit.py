"""`gpusurvey fit`: the breakdown, the verdict and the cheapest card that fits; every card by
price; a model and format no listed card holds; bad input as one line naming the argument,
exit status 2, no traceback."""

import json

import pytest
from gpusurvey.cli import main
from gpusurvey.reports import fit


@pytest.fixture(scope="module")
def data(root):
    return fit.load_fit_data(fit.DataPaths.under(root / "data"))


def _run(capsys, *argv):
    code = main(["fit", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_one_card_that_fits(capsys):
    code, out, err = _run(capsys, "--gpu", "RTX 4060 Ti 16GB", "--model", "qwen2.5-14b",
                          "--format", "q4_k_m", "--context", "8192")
    assert code == 0 and not err
    assert "RTX 4060 Ti 16GB (16 GiB), Qwen2.5-14B in Q4_K_M, context 8192 tokens" in out
    for term in ("weights", "KV cache", "scratch", "runtime", "total"):
        assert f"  {term}" in out
    assert ": fits, " in out and "[predicted: llama.cpp's efficiency on" in out
    assert "cheapest listed card on which it fits: RTX 3060 ($329 at launch" in out


def test_one_card_that_does_not_fit(data):
    """The survey's Table 5 model and settings on an 8 GB card: short of memory."""
    model = fit.resolve_model(data, "llama-13b")
    one = fit.plan(data, "RTX 4060 Ti 8GB", model, "gptq-4bit-g128", 2048)
    assert not one.fits and one.spare < 0
    assert one.memory.total > 8 * fit.GIB


def test_every_card_cheapest_first(capsys):
    code, out, _ = _run(capsys, "--model", "llama-3.1-8b", "--format", "q8_0", "--json")
    rows = json.loads(out)
    prices = [r["launch_price_usd"] for r in rows]
    assert code == 0 and prices == sorted(prices) and len(rows) == 25
    assert all(r["decode_predicted"] is None or r["decode_predicted"]["kind"] == "predicted" for r in rows)


def test_a_format_that_fits_no_listed_card(data, capsys):
    model = fit.resolve_model(data, "llama-3.1-70b")
    assert fit.cheapest_fit(data, model, "fp16", 4096) is None
    code, out, _ = _run(capsys, "--gpu", "RTX 5090", "--model", "llama-3.1-70b", "--format", "fp16")
    assert code == 0 and "does not fit, short by" in out
    assert "cheapest listed card on which it fits: none" in out


def test_a_quantised_kv_cache_takes_less(capsys):
    sizes = []
    for cache in ("fp16", "q8_0"):
        _, out, _ = _run(capsys, "--gpu", "RTX 3060", "--model", "qwen2.5-14b", "--context", "16384",
                         "--kv-cache", cache, "--json")
        got = json.loads(out)
        assert got["kv_cache_precision"] == cache
        sizes.append(got["memory_bytes"]["kv_cache"])
    assert sizes[1] == pytest.approx(sizes[0] * 34 / 32 / 2)


def test_names_follow_the_catalogue_rule(capsys):
    code, out, _ = _run(capsys, "--gpu", "nvidia geforce rtx 4070ti", "--model", "Qwen2.5-7B",
                        "--format", "Q5_K_M", "--json")
    got = json.loads(out)
    assert code == 0 and (got["gpu"], got["model"], got["format"]) == ("RTX 4070 Ti", "qwen2.5-7b",
                                                                        "gguf-q5_k_m")


@pytest.mark.parametrize(("argv", "argument", "words"), [
    (["--gpu", "RTX 4090X", "--model", "llama-13b"], "--gpu", "closest known: RTX 4090"),
    (["--gpu", "RTX 4090", "--model", "llama-13x"], "--model", "closest known: llama-13b"),
    (["--gpu", "RTX 4090", "--model", "llama-13b", "--format", "q3_k"], "--format", "q4_k_m"),
    (["--gpu", "RTX 4090", "--model", "llama-13b", "--context", "0"], "--context", "positive"),
    (["--gpu", "RTX 4090", "--model", "llama-13b", "--context", "-5"], "--context", "positive"),
    (["--gpu", "RTX 4090", "--model", "llama-13b", "--context", "4k"], "--context", "whole number"),
    (["--gpu", "RTX 4090", "--model", "llama-13b", "--kv-cache", "fp8"], "--kv-cache", "q8_0"),
])
def test_bad_input_is_one_line_naming_the_argument(capsys, argv, argument, words):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and not out
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"gpusurvey: {argument}: ") and words in err
