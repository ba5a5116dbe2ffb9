"""The package's structure: which stage may import which, and the registry against the schemas."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import yaml
from gpusurvey.registry import FIGURES, NOTEBOOKS, TABLES, WORKLOADS

PACKAGE = Path(__file__).resolve().parents[1] / "workflow" / "gpusurvey"
SCHEMAS = PACKAGE.parent / "schemas"

ALLOWED = {
    "registry": set(),
    "core": {"core", "registry"},
    "models": {"core", "models", "registry"},
    "bench": {"bench", "core", "models", "registry"},
    "inputs": {"inputs", "core", "models", "registry"},
    "reports": {"reports", "inputs", "core", "models", "registry"},
    "paper": {"paper", "reports", "inputs", "core", "models", "registry"},
}
"""Stage -> the stages its modules may import. The measuring half (bench) sees only the contract
(core), the models and the registry; the reporting half never reaches into bench."""


def _stage(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def _imported_stages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                raise AssertionError(f"{path}: relative import; the package imports by full name")
            modules.append(node.module or "")
            modules += [f"{node.module}.{a.name}" for a in node.names if node.module == "gpusurvey"]
        elif isinstance(node, ast.Import):
            modules += [a.name for a in node.names]
    return {m.split(".")[1] for m in modules if m.startswith("gpusurvey.")}


def test_every_module_imports_only_the_stages_below_it():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        stage = _stage(path)
        if stage in ("cli", "__init__"):
            continue  # the command line ties the halves together
        assert stage in ALLOWED, f"{path}: stage '{stage}' has no import rule in this test"
        wrong = _imported_stages(path) - ALLOWED[stage] - {stage}
        if wrong:
            problems.append(f"{path.relative_to(PACKAGE)} ({stage}) imports {sorted(wrong)}")
    assert not problems, "\n".join(problems)


def test_the_boundary_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text("from gpusurvey.reports.perf_tables import COLUMNS\n", encoding="utf-8")
    assert _imported_stages(module) == {"reports"}
    assert "reports" not in ALLOWED["bench"]


def _schema(name: str) -> dict:
    return yaml.safe_load((SCHEMAS / f"{name}.schema.yaml").read_text(encoding="utf-8"))


def test_the_schemas_name_the_registered_workloads():
    bench = _schema("config")["properties"]["bench"]["properties"]
    record = _schema("measurement")["properties"]
    names = set(WORKLOADS)
    assert set(record["workload"]["enum"]) == names
    assert set(bench["workloads"]["items"]["enum"]) == names
    assert set(bench["settings"]["propertyNames"]["enum"]) == names


def test_every_registered_entry_names_what_exists():
    from gpusurvey.reports.figures import DRAWERS

    root = PACKAGE.parents[1]
    extras = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]
    for workload in WORKLOADS.values():
        assert (root / "envs" / f"{workload.env}.yaml").is_file(), workload
        assert workload.extra in extras, workload
    for table in TABLES.values():
        assert table.workload is None or table.workload in WORKLOADS, table
    from gpusurvey.reports import crowd_figure, since_figures

    section_drawers = {"since": since_figures, "crowd": crowd_figure}
    for figure in FIGURES.values():
        if figure.section is None:
            assert figure.draw in DRAWERS, figure
        else:  # drawn by its section's own module
            assert callable(getattr(section_drawers[figure.section], figure.draw, None)), figure
        assert set(figure.tables) <= set(TABLES), figure
    for notebook in NOTEBOOKS.values():
        assert (root / "notebooks" / f"{notebook.name}.ipynb").is_file(), notebook
        assert set(notebook.tables) <= set(TABLES), notebook


def test_each_workload_class_declares_its_registered_primary_metric():
    from gpusurvey.bench import workloads

    for name, spec in WORKLOADS.items():
        cls = workloads.get(name)
        assert cls.NAME == name
        assert cls.METRICS[spec.primary_metric][0] == spec.unit, name
