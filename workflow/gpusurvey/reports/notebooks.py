"""The analysis notebooks under ``notebooks/``: run them with parameters, render them, keep them clean.

A notebook declares its inputs in one code cell tagged ``parameters`` (defaults that work when it
is opened from ``notebooks/`` in Jupyter). The pipeline inserts a cell tagged
``injected-parameters`` right after it with the paths Snakemake resolved, the convention
papermill uses, so the same notebook runs by hand and in the DAG.

Committed notebooks carry no outputs and no execution counts; ``python -m gpusurvey.reports.notebooks
strip`` removes them and ``check`` reports them (``make strip-notebooks``, ``.githooks/pre-commit``).
nbformat, nbclient and nbconvert are imported inside the functions that need them.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
from pathlib import Path
from typing import Any

from gpusurvey.core import atomic
from gpusurvey.core.errors import DataError

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
KERNEL = "python3"


class NotebookError(RuntimeError):
    """A notebook cell raised while the pipeline ran it; the message holds the cell and traceback."""


def parameters_cell_source(parameters: dict[str, Any]) -> str:
    """Python source assigning each parameter (strings, numbers, lists of them) to its name."""
    lines = ["# Parameters injected by the pipeline (workflow/rules/notebooks.smk)."]
    for name, value in parameters.items():
        if not name.isidentifier():
            raise ValueError(f"parameter name '{name}' is not a Python identifier")
        lines.append(f"{name} = {value!r}")
    return "\n".join(lines) + "\n"


def inject_parameters(nb, parameters: dict[str, Any], path: str | os.PathLike) -> None:
    """Insert the injected-parameters cell after the cell tagged ``parameters``.

    A notebook without that cell, or with a parameter it does not declare there, is a DataError:
    a misspelt input would otherwise run silently on the default.
    """
    import nbformat

    tagged = [i for i, cell in enumerate(nb.cells)
              if cell.cell_type == "code" and PARAMETERS_TAG in cell.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise DataError(path, f"expected exactly one code cell tagged '{PARAMETERS_TAG}', "
                              f"found {len(tagged)}")
    declared = _assigned_names(nb.cells[tagged[0]].source)
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise DataError(path, f"parameters {unknown} are not assigned in the '{PARAMETERS_TAG}' cell "
                              f"(it assigns {sorted(declared)})")
    # A fixed cell id (nbformat draws a random one), so that a rerun writes the same notebook.
    cell = nbformat.v4.new_code_cell(parameters_cell_source(parameters), id=INJECTED_TAG,
                                     metadata={"tags": [INJECTED_TAG]})
    nb.cells.insert(tagged[0] + 1, cell)


def _assigned_names(source: str) -> set[str]:
    """Names a cell assigns at its top level (``x = ...`` or ``x: T = ...``)."""
    names = set()
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def execute_notebook(source: str | os.PathLike, parameters: dict[str, Any], out_ipynb, out_html,
                     *, workdir: str | os.PathLike | None = None, timeout: int = 600) -> None:
    """Run ``source`` with ``parameters`` in a fresh kernel, then write the executed notebook
    and its HTML rendering (images embedded as PNG data URIs).

    The kernel's working directory is ``workdir`` (default: the current one, the project root
    under Snakemake), so the injected relative paths resolve. A cell that raises stops the run
    with a NotebookError (the cell and its traceback) and nothing is written. Cell timings are
    not recorded, so a rerun writes the same notebook.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter
    from nbconvert.filters import strip_ansi

    nb = nbformat.read(source, as_version=4)
    inject_parameters(nb, parameters, source)
    workdir = str(workdir or os.getcwd())
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=timeout, allow_errors=False,
                            record_timing=False, resources={"metadata": {"path": workdir}})
    try:
        client.execute()
    except CellExecutionError as err:
        # The traceback comes coloured for a terminal; the log is a plain file.
        raise NotebookError(f"{source}: a cell failed\n{strip_ansi(str(err))}") from None
    html, _ = HTMLExporter().from_notebook_node(nb)
    atomic.write_text(out_ipynb, nbformat.writes(nb) + "\n")
    atomic.write_text(out_html, html)


def dirty_cells(nb) -> list[int]:
    """Indices of code cells that hold outputs or an execution count (``nb``: a notebook's JSON)."""
    return [i for i, cell in enumerate(nb["cells"])
            if cell["cell_type"] == "code"
            and (cell.get("outputs") or cell.get("execution_count") is not None)]


def strip(path: str | os.PathLike) -> bool:
    """Remove outputs and execution counts from one notebook in place; True if it changed."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if not dirty_cells(nb):
        return False
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    atomic.write_text(path, nbformat.writes(nb) + "\n")
    return True


def find_dirty(paths) -> dict[str, list[int]]:
    """For each notebook with outputs or execution counts, the indices of those cells.

    Plain JSON, no nbformat: the pre-commit hook runs this with whatever Python it finds.
    """
    found = {}
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            try:
                nb = json.load(fh)
            except json.JSONDecodeError as exc:
                raise DataError(path, f"malformed notebook JSON: {exc.msg}", line=exc.lineno) from exc
        cells = dirty_cells(nb)
        if cells:
            found[str(path)] = cells
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gpusurvey.reports.notebooks",
                                     description="Keep committed notebooks free of outputs.")
    parser.add_argument("action", choices=["strip", "check"],
                        help="strip: remove outputs in place; check: exit 1 if any notebook has them")
    parser.add_argument("paths", nargs="*", type=Path,
                        help="notebooks (default: notebooks/*.ipynb)")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(Path("notebooks").glob("*.ipynb"))
    if args.action == "strip":
        for path in paths:
            if strip(path):
                print(f"stripped {path}")
        return 0
    dirty = find_dirty(paths)
    for path, cells in dirty.items():
        print(f"{path}: code cells {cells} hold outputs or execution counts; "
              f"run `make strip-notebooks`", file=sys.stderr)
    return 1 if dirty else 0


if __name__ == "__main__":
    sys.exit(main())
