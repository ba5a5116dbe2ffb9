"""The analysis notebooks: committed clean, executed by their rules, rendered with their plots."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.reports.notebooks import find_dirty, inject_parameters, main, strip
from helpers import copy_build, snakemake

NOTEBOOKS = ["specs", "stable_diffusion", "llm", "matmul", "cpu", "crowd"]
# Plots each notebook draws at least (one embedded PNG each).
MIN_IMAGES = {"specs": 2, "stable_diffusion": 4, "llm": 2, "matmul": 1, "cpu": 1, "crowd": 3}
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


def _shown_text(path) -> str:
    """Everything a notebook's outputs print or display as text (not its source)."""
    parts = []
    for output in _outputs(path):
        parts += output.get("text", [])
        for mime in ("text/plain", "text/html"):
            parts += output.get("data", {}).get(mime, [])
    return "".join(parts)


def _outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]


@pytest.mark.workflow
def test_notebooks_execute_and_render_with_plots(shared_build):
    project = shared_build  # its test records reach the tables (helpers.write_test_records)
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
    # The test records reached the tables and, through them, what the notebooks print.
    shown = {name: _shown_text(project / f"results/notebooks/{name}.ipynb") for name in NOTEBOOKS}
    assert "no value for RTX 4060 (oom" in shown["stable_diffusion"]
    assert "no measured rows yet" not in shown["stable_diffusion"]
    assert "H100 SXM" in shown["llm"]
    assert "nvidia-h100-80gb-hbm3" in shown["matmul"] and "no record with both" not in shown["matmul"]
    # Notes (the tables' last column) are blank where a row has none, not NaN; a plot comes
    # before any table.
    for name in ("stable_diffusion", "llm"):
        with_notes = [t for t in shown[name].split("<table") if "<th>note</th>" in t]
        assert with_notes, name
        assert not [t for t in with_notes if re.search(r"<td>NaN</td>\s*</tr>", t)], name
    for name in NOTEBOOKS:
        kinds = [mime for o in _outputs(project / f"results/notebooks/{name}.ipynb")
                 for mime in o.get("data", {}) if mime in ("image/png", "text/html")]
        assert kinds and kinds[0] == "image/png", (name, kinds[:3])
    # The committed CPU records against the survey's cheapest and fastest card of Table 3.
    assert "RTX 3050" in shown["cpu"] and "RTX 4090" in shown["cpu"] and "cpu-amd-epyc" in shown["cpu"]
    # The formats table: every format compared by the model, the committed GGUF runs measured.
    assert all(label in shown["cpu"] for label in ("Q4_0", "Q4_K_M", "Q8_0", "GPTQ 4-bit g128"))
    assert "measured (CPU probe, median)" in shown["cpu"]


@pytest.mark.workflow
def test_a_failing_cell_fails_the_rule_and_leaves_no_html(shared_build, tmp_path):
    project = copy_build(shared_build, tmp_path / "project")
    path = project / "notebooks/llm.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')"))
    nbformat.write(nb, path)
    proc = snakemake(project, "--cores", "1", "notebook_llm", "--config", "measure=False", check=False)
    assert proc.returncode != 0
    assert not (project / "results/notebooks/llm.html").exists()
    assert not (project / "results/notebooks/llm.ipynb").exists()
    assert "deliberate failure" in (project / "logs/notebooks/llm.log").read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_executed_notebook_is_the_same_when_run_twice(tmp_path):
    from gpusurvey.reports.notebooks import execute_notebook

    source = tmp_path / "tiny.ipynb"
    nbformat.write(_notebook("x = 1", "print(x + 1)", tags={0: ["parameters"]}), source)
    written = []
    for run in ("a", "b"):
        out = tmp_path / run
        execute_notebook(source, {"x": 2}, out / "tiny.ipynb", out / "tiny.html", workdir=tmp_path)
        written.append((out / "tiny.ipynb").read_bytes() + (out / "tiny.html").read_bytes())
    assert "3\n" in _shown_text(tmp_path / "a/tiny.ipynb")
    assert b'"execution"' not in written[0] and b"iopub" not in written[0]  # no cell timings
    assert written[0] == written[1]
