"""The package's structure: which stage may import which, and the registry against the schemas."""

from __future__ import annotations

import ast
import re
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


MAX_LINES = 300
"""No module of the package is longer: a newcomer reads one whole."""


def _module_name(package: Path, path: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (at the top or inside a function alike)."""
    modules = {_module_name(package, path): path for path in package.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gpusurvey"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    found.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name in modules}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle a depth-first walk meets, each as the modules round it."""
    state, path, found = {}, [], []

    def walk(module: str) -> None:
        state[module] = "open"
        path.append(module)
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                found.append(path[path.index(other):] + [other])
            elif other not in state:
                walk(other)
        path.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            walk(module)
    return found


def test_the_package_imports_form_no_cycle():
    assert cycles(import_graph(PACKAGE)) == []


def test_the_cycle_check_sees_a_cycle(tmp_path):
    package = tmp_path / "gpusurvey"
    (package / "reports").mkdir(parents=True)
    (package / "reports" / "a.py").write_text("from gpusurvey.reports import b\n", encoding="utf-8")
    (package / "reports" / "b.py").write_text("def f():\n    from gpusurvey.reports.a import g\n",
                                              encoding="utf-8")
    found = cycles(import_graph(package))
    assert found == [["gpusurvey.reports.a", "gpusurvey.reports.b", "gpusurvey.reports.a"]]


def test_no_module_is_longer_than_a_newcomer_reads():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


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


WORKFLOW_CODE = [*PACKAGE.rglob("*.py"), *(PACKAGE.parent / "rules").glob("*.smk"),
                 *(PACKAGE.parent / "scripts").glob("*.py"), PACKAGE.parents[1] / "Snakefile"]
"""The code of the pipeline: the package, the rules, the scripts and the Snakefile."""


def workload_spellings(path: Path) -> list[str]:
    """Where ``path`` spells a workload's name instead of using its registry constant: any
    mention of a hyphenated name, and a record's ``workload`` compared with a string ("matmul"
    also names a figure kind and a notebook, so only its comparisons are unambiguous)."""
    text = path.read_text(encoding="utf-8")
    found = [name for name in WORKLOADS if "-" in name and name in text]
    found += re.findall(r"workload\s*[!=]=\s*[\"'][^\"']+[\"']", text)
    return found


def test_a_workload_is_spelled_only_in_the_registry_and_the_schemas():
    spelled = {str(path.relative_to(PACKAGE.parents[1])): found for path in WORKFLOW_CODE
               if (found := workload_spellings(path))}
    assert spelled == {"workflow/gpusurvey/registry.py": [n for n in WORKLOADS if "-" in n]}


def test_the_spelling_check_finds_a_compared_name(tmp_path):
    code = tmp_path / "module.py"
    code.write_text('if record.workload == "matmul":\n    pass\n', encoding="utf-8")
    assert workload_spellings(code) == ['workload == "matmul"']


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
