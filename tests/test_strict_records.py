"""Records read strictly: standard JSON of a bounded size and depth, every key once; settings
and GGUF headers that fail by name."""

from __future__ import annotations

import json

import pytest
from gpusurvey.bench.config import WorkloadConfig
from gpusurvey.core.errors import DataError
from gpusurvey.core.record import read_json
from gpusurvey.inputs.gpus import load_gpus
from gpusurvey.inputs.record_checks import check_files
from helpers import make_record

RTX4060 = {"gpu": "NVIDIA GeForce RTX 4060", "machine": "nvidia-geforce-rtx-4060"}


def _checked(root, path):
    return check_files([path], load_gpus(root / "data/gpus.csv"))


# Strict reading: standard JSON, every key once, bounded size and depth.


def _text(tmp_path, text: str):
    path = tmp_path / "m/odd.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _valid_text() -> str:
    return json.dumps(make_record(**RTX4060).to_dict(), indent=2)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_standard_numbers_are_refused_anywhere(root, tmp_path, literal):
    for key in ('"batch": 1', '"cpu_count": 16', "12.4"):  # params, environment, a sample
        text = _valid_text().replace(key, key.split(":")[0] + ": " + literal if ":" in key else literal)
        assert text != _valid_text()
        with pytest.raises(DataError, match=r"m/odd\.json: .*(not standard JSON|overflows)"):
            _checked(root, _text(tmp_path, text))


def test_a_key_twice_is_refused(root, tmp_path):
    text = _valid_text().replace('"gpu": "NVIDIA GeForce RTX 4060"',
                                 '"gpu": "NVIDIA GeForce RTX 4060", "gpu": "NVIDIA GeForce RTX 4090"')
    with pytest.raises(DataError, match=r"m/odd\.json: key 'gpu' appears twice"):
        _checked(root, _text(tmp_path, text))


def test_a_large_file_is_refused_before_it_is_parsed(root, tmp_path):
    text = _valid_text().replace('"cpu_model": "Test CPU 9000"', '"cpu_model": "' + "x" * 2_000_000 + '"')
    with pytest.raises(DataError, match=r"m/odd\.json: \d+ bytes; expected at most 1000000"):
        _checked(root, _text(tmp_path, text))


def test_deep_nesting_is_a_named_error_not_a_recursion_error(root, tmp_path):
    text = _valid_text().replace('"extra": {}', '"extra": ' + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataError, match=r"m/odd\.json, line \d+: nested 100001 levels deep; "
                                        r"expected at most 32"):
        _checked(root, _text(tmp_path, text))


@pytest.mark.parametrize("literal, pattern", [("Infinity", "not standard JSON"),
                                              ("0", "key 'params/batch': 0")])
def test_a_bad_batch_names_the_file(root, tmp_path, literal, pattern):
    text = _valid_text().replace('"batch": 1', f'"batch": {literal}')
    with pytest.raises(DataError, match=rf"m/odd\.json: .*{pattern}"):
        _checked(root, _text(tmp_path, text))


def test_a_huge_whole_number_is_refused(tmp_path):
    with pytest.raises(DataError, match="digits; expected at most 19"):
        read_json(_text(tmp_path, '{"a": ' + "9" * 5000 + "}"))


def test_a_non_finite_setting_is_refused():
    with pytest.raises(ValueError, match="max_cpu_hours: expected a finite number, got nan"):
        WorkloadConfig.for_profile("full", max_cpu_hours="nan")
    with pytest.raises(ValueError, match="max_cpu_hours: expected a finite number, got inf"):
        WorkloadConfig.for_profile("full", max_cpu_hours="inf")


def test_a_cut_gguf_file_is_a_named_error(tmp_path):
    pytest.importorskip("gguf")
    from gpusurvey.bench.llm_llama_cpp import read_header
    from gpusurvey.bench.synth import llama_gguf

    whole = llama_gguf.write("llama-tiny", "gguf-q4_0", tmp_path / "tiny.gguf", progress=False)
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole.read_bytes()[:2000])
    with pytest.raises(DataError, match=r"cut\.gguf: not a readable GGUF file, or cut short"):
        read_header(cut)
    with pytest.raises(DataError, match=r"cut\.gguf: not a readable GGUF file"):
        llama_gguf.inventory(cut)




def test_the_harness_writes_no_non_standard_json(tmp_path):
    from gpusurvey.core.record import save

    record = make_record(**RTX4060)
    record.extra["ratio"] = float("nan")
    with pytest.raises(DataError, match=r"x\.json: Out of range float values are not JSON compliant"):
        save(record, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()
