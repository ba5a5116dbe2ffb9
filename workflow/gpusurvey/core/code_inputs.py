"""The package modules a rule's script runs, so that the rule can list them as inputs.

Snakemake reruns a job when an input changed (by its checksum, so a reverted edit reruns
nothing), but it does not see the modules a ``script:`` imports. ``package_modules`` follows
the ``gpusurvey`` imports of a script, and of every module it reaches, to the files they load
(each package's ``__init__.py`` included). Import statements are found with a regular
expression, without importing or parsing anything (``ast`` over the package costs a second
at every Snakemake start); imports inside functions count too.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

PACKAGE = "gpusurvey"

_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<module>gpusurvey(?:\.\w+)*)[ \t]+import[ \t]+"
    r"(?P<names>\([^)]*\)|[^\n#]*)|import[ \t]+(?P<plain>gpusurvey[\w., \t]*))",
    re.MULTILINE)
"""``from gpusurvey.x import a, b`` (names possibly in parentheses over several lines) and
``import gpusurvey.x``; the package imports by absolute names only (tests/test_layout.py)."""


@functools.cache
def _imported_names(path: Path) -> frozenset[str]:
    """Dotted names a file's ``gpusurvey`` imports may load (``from A import b``: A and A.b)."""
    names = set()
    for match in _IMPORT.finditer(_source(path)):
        if match["module"]:
            names.add(match["module"])
            for alias in match["names"].strip("()").replace("\n", ",").split(","):
                alias = alias.split("#")[0].split(" as ")[0].strip(" \t\\")
                if alias:
                    names.add(f"{match['module']}.{alias}")
        else:
            names.update(n.split(" as ")[0].strip() for n in match["plain"].split(","))
    return frozenset(names)


def _module_files(root: Path, name: str) -> list[Path]:
    """The files importing ``name`` executes: every package ``__init__.py`` on the way, and the
    module itself; none for a name that is not a module (a function imported from one)."""
    parts = name.split(".")
    files = []
    for depth in range(1, len(parts) + 1):
        base = root.joinpath(*parts[:depth])
        if (base / "__init__.py").is_file():
            files.append(base / "__init__.py")
        elif base.with_suffix(".py").is_file() and depth == len(parts):
            files.append(base.with_suffix(".py"))
        else:
            break
    return files


def _source(path: Path) -> str:
    """A module's code; for a notebook, the code of its cells."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return text
    cells = json.loads(text).get("cells", [])
    code = ("".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
            for c in cells if c.get("cell_type") == "code")
    # Notebook magics (%time, !cmd) are not Python; import lines are all that matters here.
    return "\n".join(line for cell in code for line in cell.splitlines()
                     if line.lstrip().startswith(("import ", "from ")))


@functools.cache
def package_modules(entry: str | Path, root: str | Path) -> tuple[str, ...]:
    """Every ``gpusurvey`` module file that running ``entry`` (a script or notebook) imports,
    directly or through other package modules, as sorted paths ``root``/gpusurvey/...

    ``root`` is the folder that holds the ``gpusurvey`` package (``workflow``), given as the
    Snakefile's paths are (relative to the working directory).
    """
    root = Path(root)
    seen: set[Path] = set()
    todo = [Path(entry)]
    while todo:
        path = todo.pop()
        for name in _imported_names(path):
            for file in _module_files(root, name):
                if file not in seen:
                    seen.add(file)
                    todo.append(file)
    return tuple(sorted(str(path) for path in seen))
