"""The analysis notebooks: committed clean, executed by their rules, rendered with their plots."""

from __future__ import annotations

import json
import re
import subprocess

import nbformat
import pandas as pd
import pytest
from conftest import snakemake
from gpusurvey.data import load_gpus
from gpusurvey.errors import DataError
from gpusurvey.notebooks import find_dirty, inject_parameters, main, strip
from gpusurvey.record import Metric, Record, save

NOTEBOOKS = ["specs", "stable_diffusion", "llm", "matmul"]
# Plots each notebook draws at least (one embedded PNG each).
MIN_IMAGES = {"specs": 2, "stable_diffusion": 4, "llm": 2, "matmul": 1}
# An embedded plot (the page's stylesheet holds another PNG data URI, which this does not count).
# An error or stderr output in the rendered page.
STDERR = 'data-mime-type="application/vnd.jupyter.stderr"'
PNG = re.compile(r'<img [^>]*src="data:image/png;base64,')


def _notebook(*sources: str, tags: dict[int, list[str]] | None = None):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["language_info"] = {"name": "python"}
    for index, cell_tags in (tags or {}).items():
        nb.cells[index].metadata["tags"] = cell_tags
    return nb


def test_committed_notebooks_have_no_outputs(root):
    paths = sorted((root / "notebooks").glob("*.ipynb"))
    assert [p.stem for p in paths] == sorted(NOTEBOOKS)
    assert find_dirty(paths) == {}


def test_every_notebook_declares_its_parameters_and_language(root):
    for name in NOTEBOOKS:
        nb = nbformat.read(root / f"notebooks/{name}.ipynb", as_version=4)
        nbformat.validate(nb)
        # Snakemake's and nbclient's kernels need it; nbformat.v4.new_notebook() leaves it out.
        assert nb.metadata["language_info"]["name"] == "python"
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, name
        assert any(c.cell_type == "markdown" for c in nb.cells), name


def test_strip_and_check(tmp_path, capsys):
    path = tmp_path / "dirty.ipynb"
    nb = _notebook("print(1)", "x = 2")
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    nb.cells[0].execution_count = 1
    nb.cells[1].execution_count = 2
    nbformat.write(nb, path)
    assert find_dirty([path]) == {str(path): [0, 1]}
    assert main(["check", str(path)]) == 1
    assert "make strip-notebooks" in capsys.readouterr().err
    assert strip(path) is True
    assert find_dirty([path]) == {}
    assert strip(path) is False
    assert main(["check", str(path)]) == 0
    assert nbformat.read(path, as_version=4).cells[0].source == "print(1)"


def test_parameters_are_injected_after_the_tagged_cell():
    nb = _notebook("import os", "table = 'default.csv'\nrecords = []", "print(table)",
                   tags={1: ["parameters"]})
    inject_parameters(nb, {"table": "results/tables/table3.csv", "records": ["a.json"]}, "x.ipynb")
    injected = nb.cells[2]
    assert injected.metadata["tags"] == ["injected-parameters"]
    assert "table = 'results/tables/table3.csv'" in injected.source
    assert "records = ['a.json']" in injected.source
    assert nb.cells[3].source == "print(table)"


def test_a_parameter_the_notebook_does_not_declare_is_an_error():
    nb = _notebook("table = 'default.csv'", tags={0: ["parameters"]})
    with pytest.raises(DataError, match=r"x.ipynb: parameters \['tabel'\] are not assigned"):
        inject_parameters(nb, {"tabel": "t.csv"}, "x.ipynb")
    with pytest.raises(DataError, match="exactly one code cell tagged 'parameters', found 0"):
        inject_parameters(_notebook("x = 1"), {}, "x.ipynb")


# Until the rules for Tables 3-5 and data/published/ exist, the notebooks read fixtures with the
# tables' columns: synthetic values derived from data/gpus.csv, written into the temporary project only.
TABLE_COLUMNS = ["gpu", "source", "status", "value", "value_text", "unit", "price_usd", "value_per_dollar",
                 "relative_to_baseline", "tdp_w", "value_per_watt", "note", "reference"]
ROOFLINE_COLUMNS = ["memory_bandwidth_gbs", "bytes_per_token", "bound_tokens_per_s", "efficiency"]


def _fixture_table(gpus: pd.DataFrame, number: int) -> pd.DataFrame:
    consumer = gpus[gpus["survey_table"].notna() | (gpus["gpu"] == "RTX 3050")]
    if number == 5:
        consumer = consumer[consumer["memory_gb"] >= 12]
    rows = [(gpu, "published", "ok") for gpu in consumer["gpu"]]
    rows += [("RTX 4090", "measured", "ok"), ("H100 SXM", "measured", "ok"),
             ("RTX 4060", "measured", "oom")]
    bytes_per_token = 7e9
    out = []
    for gpu, source, status in rows:
        spec = gpus.loc[gpu]
        bound = spec["memory_bandwidth_gbs"] * 1e9 / bytes_per_token
        value = {3: spec["fp16_tflops_fp32acc"] / 4, 4: spec["fp16_tflops_fp32acc"] / 40,
                 5: bound / 6}[number]
        if source == "measured":
            value *= 1.1
        value = round(value, 3) if status == "ok" else None
        row = {"gpu": gpu, "source": source, "status": status, "value": value,
               "value_text": f"{value}" if value is not None else status,
               "unit": "tokens/s" if number == 5 else "it/s", "price_usd": spec["launch_price_usd"],
               "value_per_dollar": f"{value / spec['launch_price_usd']:.{6 if number == 4 else 4}f}"
               if value is not None else "", "relative_to_baseline": "", "tdp_w": spec["tdp_w"],
               "value_per_watt": value / spec["tdp_w"] if value is not None else None,
               "note": "fixture" if status == "ok" else "CUDA out of memory", "reference": "fixture"}
        if number == 5:
            row.update(memory_bandwidth_gbs=spec["memory_bandwidth_gbs"], bytes_per_token=bytes_per_token,
                       bound_tokens_per_s=bound, efficiency=value / bound if value is not None else None)
        out.append(row)
    table = pd.DataFrame(out, columns=TABLE_COLUMNS + (ROOFLINE_COLUMNS if number == 5 else []))
    base = table[(table["gpu"] == "RTX 3060") & (table["source"] == "published")]["value"].iloc[0]
    table["relative_to_baseline"] = [f"{v / base:.2f}".rstrip("0").rstrip(".") if pd.notna(v) else ""
                                     for v in table["value"]]
    return table


def _write_fixtures(project) -> None:
    listed = snakemake(project, "--list-rules").stdout.split()
    gpus = load_gpus(project / "data/gpus.csv").table
    if "table3" not in listed:
        tables = project / "results/tables"
        tables.mkdir(parents=True, exist_ok=True)
        for number in (3, 4, 5):
            _fixture_table(gpus, number).to_csv(tables / f"table{number}.csv", index=False)
    figure1 = project / "data/published/figure1.csv"
    if not figure1.exists():
        figure1.parent.mkdir(parents=True, exist_ok=True)
        figure1.write_text("processor,kind,value,unit,reference\nfixture CPU,cpu,40.0,ms,fixture\n"
                           "fixture GPU,gpu,4.0,ms,fixture\n", encoding="utf-8")
    record = Record(workload="matmul", profile="smoke", device="cuda", machine="fixture-gpu",
                    params={"n": 1000}, primary_metric="cpu_torch_fp32_ms", unit="ms", gpu="H100 SXM",
                    warmup=1, repetitions=5,
                    metrics={name: Metric(unit="ms", samples=[base * (1 + i / 100) for i in range(5)])
                             for name, base in [("cpu_torch_fp32_ms", 20.0), ("cpu_numpy_fp32_ms", 25.0),
                                                ("cuda_fp32_ms", 0.1)]},
                    environment={"utc_time": "2026-01-01T00:00:00Z", "python": "3.11", "platform": "linux",
                                 "cpu_model": "fixture CPU", "cpu_count": 2, "packages": {},
                                 "git_commit": None, "git_dirty": None})
    save(record, project / "data/measurements/fixture-gpu/matmul.json")


def _outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]


@pytest.mark.workflow
def test_notebooks_execute_and_render_with_plots(project):
    _write_fixtures(project)
    snakemake(project, "--cores", "2", "notebooks", "--config", "measure=False")
    for name in NOTEBOOKS:
        executed = project / f"results/notebooks/{name}.ipynb"
        html = (project / f"results/notebooks/{name}.html").read_text(encoding="utf-8")
        outputs = _outputs(executed)
        assert [o for o in outputs if o["output_type"] == "error"] == [], name
        # Errors and warnings both render as stderr; the HTML has neither.
        assert [o for o in outputs if o.get("name") == "stderr"] == [], name
        assert STDERR not in html and "Traceback" not in html, name
        assert len(PNG.findall(html)) >= MIN_IMAGES[name], name
        # The pipeline's paths were injected, not the notebook's defaults.
        assert "injected-parameters" in executed.read_text(encoding="utf-8")
    matmul = (project / "results/notebooks/matmul.html").read_text(encoding="utf-8")
    assert "fixture-gpu" in matmul  # the committed record reached the notebook


@pytest.mark.workflow
def test_a_failing_cell_fails_the_rule_and_leaves_no_html(project):
    _write_fixtures(project)
    path = project / "notebooks/llm.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')"))
    nbformat.write(nb, path)
    proc = snakemake(project, "--cores", "1", "notebook_llm", "--config", "measure=False", check=False)
    assert proc.returncode != 0
    assert not (project / "results/notebooks/llm.html").exists()
    assert not (project / "results/notebooks/llm.ipynb").exists()
    assert "deliberate failure" in (project / "logs/notebooks/llm.log").read_text(encoding="utf-8")


def test_check_command_runs_from_the_makefile(root):
    make = subprocess.run(["make", "-n", "strip-notebooks"], cwd=root, capture_output=True, text=True)
    assert make.returncode == 0 and "gpusurvey.notebooks strip" in make.stdout
