"""docs/extending.md is true: a workload and a table added the way it says reach a table."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from helpers import snakemake

pytestmark = pytest.mark.workflow

TOY_MODULE = '''"""A toy workload: one sum over a list of integers, timed."""

import time
from dataclasses import dataclass

from gpusurvey.bench.config import WorkloadConfig, option
from gpusurvey.bench.workload import Workload
from gpusurvey.registry import TOY_SUM


@dataclass
class ToyConfig(WorkloadConfig):
    size: int = option(100_000, "integers summed per repetition")


class ToyWorkload(Workload):
    NAME = TOY_SUM
    CONFIG = ToyConfig
    METRICS = {"sums_per_s": ("it/s", "sums per second")}

    def setup(self):
        self.values = list(range(self.config.size))

    def run(self):
        start = time.perf_counter()
        sum(self.values)
        return {"sums_per_s": 1 / (time.perf_counter() - start)}
'''

TOY_ENTRIES = '''
TOY_SUM = "toy-sum"
WORKLOADS[TOY_SUM] = Workload(TOY_SUM, "it/s", "sums_per_s", "gpusurvey.bench.workloads.toy:ToyWorkload",
                              gpu_only=False, env="bench", extra="bench")
TABLES[11] = Table(11, TOY_SUM, dollar_places=4, macro_prefix="Toy")
'''


def test_a_workload_added_as_the_docs_say_flows_to_its_table(project):
    package = project / "workflow/gpusurvey"
    # 1. Register the workload and a table for it; 2. implement it.
    with open(package / "registry.py", "a", encoding="utf-8") as fh:
        fh.write(TOY_ENTRIES)
    (package / "bench/workloads/toy.py").write_text(TOY_MODULE, encoding="utf-8")
    # 3. Name it in the schemas.
    for schema in ("measurement", "config"):
        path = project / f"workflow/schemas/{schema}.schema.yaml"
        text = path.read_text(encoding="utf-8")
        assert "llm-decode]" in text
        path.write_text(text.replace("llm-decode]", "llm-decode, toy-sum]"), encoding="utf-8")
    # The table's published rows (here: Table 3's, in it/s, with the baseline GPU).
    published = project / "data/published"
    (published / "table11.csv").write_text((published / "table3.csv").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    # A record of the new workload, measured by the CLI and labelled as a card of gpus.csv.
    record = project / "data/measurements/test-rig/toy-sum.json"
    env = {**os.environ, "PYTHONPATH": str(project / "workflow")}
    bench = subprocess.run([sys.executable, "-m", "gpusurvey.cli", "bench", "toy-sum", "--device", "cpu",
                            "--gpu-model", "RTX 4090", "--set", "repetitions=5", "--set", "warmup=1",
                            "--quiet", "--out", str(record)],
                           cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert bench.returncode == 0, bench.stderr

    snakemake(project, "--cores", "1", "table11", "--config", "measure=False")
    table = pd.read_csv(project / "results/tables/table11.csv", dtype={"value_text": str})
    measured = table[table["source"] == "measured"]
    assert list(measured["gpu"]) == ["RTX 4090"] and list(measured["unit"]) == ["it/s"]
    assert measured["value"].iloc[0] > 0 and measured["reference"].iloc[0].endswith("toy-sum.json")
    assert (project / "results/tables/table11.en.tex").is_file()
