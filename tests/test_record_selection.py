"""Which record files feed the tables and figures (gpusurvey.inputs.record_selection), on a
folder of committed records made here, without Snakemake."""

from __future__ import annotations

import pytest
from gpusurvey.inputs import record_selection as sel


@pytest.fixture
def config(tmp_path):
    folder = tmp_path / "measurements"
    for path in ("nvidia-h200-1a2b3c4d/llm-decode.json", "nvidia-h200-1a2b3c4d/matmul.json",
                 "nvidia-h200-1a2b3c4d/variants/sd-txt2img-xformers.json",
                 "nvidia-geforce-rtx-4090/matmul.json", "cpu-amd-epyc/cpu/matmul.json",
                 "cpu-amd-epyc/formats/llm-decode-gguf-q4_0.json", "cpu-amd-epyc/README.md"):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text("{}", encoding="utf-8")
    return {"data": {"measurements": str(folder)}, "measure": "auto",
            "bench": {"workloads": ["sd-txt2img", "matmul"]}}


def names(paths, config):
    root = config["data"]["measurements"] + "/"
    return [p.removeprefix(root) for p in paths]


def test_the_tables_read_one_folder_down_and_the_checks_every_depth(config):
    assert names(sel.committed_records(config), config) == [
        "nvidia-geforce-rtx-4090/matmul.json", "nvidia-h200-1a2b3c4d/llm-decode.json",
        "nvidia-h200-1a2b3c4d/matmul.json"]
    assert names(sel.cpu_records(config), config) == [
        "cpu-amd-epyc/cpu/matmul.json", "cpu-amd-epyc/formats/llm-decode-gguf-q4_0.json"]
    every = names(sel.every_committed_record(config), config)
    assert set(every) == {*names(sel.committed_records(config), config),
                          *names(sel.cpu_records(config), config),
                          "nvidia-h200-1a2b3c4d/variants/sd-txt2img-xformers.json"}
    assert every == sorted(every) and len(every) == 6  # README.md is no record


def test_this_machine_or_the_cluster_measures(config):
    assert sel.local_records(config, ["matmul"], "cpu-intel-xeon") == [
        "results/measurements/cpu-intel-xeon/matmul.json"]
    assert sel.local_records(config, [], "cpu-intel-xeon") == []
    assert sel.local_records(config, ["matmul"], "cpu-intel-xeon", quick=["matmul"]) == [
        "results/measurements/cpu-intel-xeon/quick/matmul.json"]
    cluster = ["nvidia-a100-80gb", "nvidia-l4"]
    assert sel.local_records(config, ["matmul"], "cpu-intel-xeon", cluster) == [
        f"results/measurements/{gpu}/{w}.json" for gpu in cluster for w in ("sd-txt2img", "matmul")]
    assert sel.cluster_records({**config, "measure": False}, cluster) == []


def test_a_new_run_replaces_its_machines_committed_record_of_that_workload(config):
    committed = sel.committed_records(config)
    local = ["results/measurements/nvidia-h200/matmul.json",
             "results/measurements/nvidia-h200/sd-txt2img.json"]
    records = sel.measurement_records(local, committed, "nvidia-h200", "nvidia-h200-1a2b3c4d")
    assert names(records, config) == [
        "nvidia-geforce-rtx-4090/matmul.json",  # another machine's
        "nvidia-h200-1a2b3c4d/llm-decode.json",  # not measured again here
        *local]
    # Another owner of the same card (another machine id) keeps its committed row.
    other = sel.measurement_records(local, committed, "nvidia-h200", "nvidia-h200-99999999")
    assert names(other, config) == names(committed, config) + local
    assert sel.measurement_records([], committed, "nvidia-h200", "nvidia-h200-1a2b3c4d") == committed
    # A quick check of the machine takes its committed record's place too.
    quick = ["results/measurements/nvidia-h200/quick/matmul.json"]
    assert names(sel.measurement_records(quick, committed, "nvidia-h200", "nvidia-h200-1a2b3c4d"),
                 config) == ["nvidia-geforce-rtx-4090/matmul.json", "nvidia-h200-1a2b3c4d/llm-decode.json",
                             *quick]


def test_one_workloads_records(config):
    records = sel.committed_records(config) + ["results/measurements/x/matmul.json"]
    assert names(sel.records_for(records, "matmul"), config) == [
        "nvidia-geforce-rtx-4090/matmul.json", "nvidia-h200-1a2b3c4d/matmul.json",
        "results/measurements/x/matmul.json"]
    assert sel.records_for(records, "sd-hires") == []
