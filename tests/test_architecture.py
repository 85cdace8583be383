"""The layout: data flows one way, and ARCHITECTURE.md maps every module (and only those)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "forecast"

#: Layer of each top-level component (ARCHITECTURE.md, "Layers"); imports go upward only.
LAYERS = {
    "errors": 0,
    "_io": 1, "states": 1, "_toml": 1, "citations": 1,
    "schema": 2,
    "validation": 3,
    "cases": 4,
    "sources": 5,
    "present": 6, "design": 6, "summary": 6, "joint": 6,
    "model": 7, "analogues": 7,
    "scenario": 8,
    "prediction": 9, "evaluate": 9,
    "coalition": 10,
    "estimator": 11, "card": 11, "plots": 11, "export": 11,
    "workflow": 12,
    "report": 13,
    "cli": 14,
}  # fmt: skip


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def _component(path: Path) -> str:
    return path.relative_to(PKG).parts[0].removesuffix(".py")


def _imported_components(path: Path) -> set[str]:
    """Top-level ``forecast`` components a module imports (absolute or relative)."""
    rel = path.relative_to(PKG).with_suffix("").parts
    package = list(rel[:-1])  # the package a relative import starts from
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                parts = [*base, *(node.module.split(".") if node.module else [])]
                names = [a.name for a in node.names]
            elif node.module and node.module.split(".")[0] == "forecast":
                parts = node.module.split(".")[1:]
                names = [a.name for a in node.names]
            else:
                continue
            if parts:
                out.add(parts[0])
            else:  # ``from . import x`` / ``from .. import x`` at the package root
                out.update(n for n in names if n in LAYERS)
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "forecast" and len(parts) > 1:
                    out.add(parts[1])
    return out


def test_every_component_has_a_layer():
    found = {_component(p) for p in _modules()} - {"__init__"}
    assert found == set(LAYERS), f"give these a layer: {sorted(found ^ set(LAYERS))}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_flow_one_way(path):
    me = _component(path)
    if me == "__init__":
        return  # the package root re-exports lazily
    bad = {
        c: LAYERS[c]
        for c in _imported_components(path) - {me}
        if c in LAYERS and LAYERS[c] >= LAYERS[me]
    }
    assert not bad, f"{me} (layer {LAYERS[me]}) imports from a layer at or below it: {bad}"


def test_architecture_map_lists_every_module_and_nothing_else():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^- `(forecast/[\w/]+\.py)`: \S", text, flags=re.M))
    present = {str(p.relative_to(ROOT)) for p in _modules()}
    assert not present - listed, f"add to ARCHITECTURE.md: {sorted(present - listed)}"
    assert not listed - present, f"gone, remove from ARCHITECTURE.md: {sorted(listed - present)}"


def test_no_module_is_over_about_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert not long, f"split by idea: {long}"


#: Modules that need an optional extra, imported only inside functions that ask for it.
OPTIONAL_MODULES = {"forecast/model/jax_likelihood.py": "jax"}


def test_optional_modules_are_imported_only_on_demand():
    """No module imports an optional extra's module at import time (``pip install .`` runs)."""
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert set(OPTIONAL_MODULES.values()) <= set(extras["optional-dependencies"])
    stems = {Path(p).stem for p in OPTIONAL_MODULES}
    for path in sorted((ROOT / "forecast").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module level only
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(a.name for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            hit = {n.split(".")[-1] for n in names} & stems
            assert not hit, f"{path.relative_to(ROOT)} imports {hit} at module level"


def test_runtime_imports_are_declared_dependencies():
    """Every third-party module the package imports (at any depth) comes from a distribution in
    ``[project.dependencies]``, so a plain ``pip install .`` runs every command."""
    import sys
    import tomllib
    from importlib.metadata import packages_distributions

    declared = set()  # distribution names, with extras such as dask[distributed]'s
    for dep in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        name, _, extras = re.split(r"[<>=!~; ]", dep, maxsplit=1)[0].partition("[")
        declared |= {
            n.strip().lower().replace("_", "-") for n in [name, *extras.strip("]").split(",")]
        }
    providers = packages_distributions()
    missing = {}
    for path in sorted((ROOT / "forecast").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() in OPTIONAL_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "forecast" or top in sys.stdlib_module_names:
                    continue
                dists = {d.lower().replace("_", "-") for d in providers.get(top, [top])}
                if not dists & declared:
                    missing.setdefault(top, path.relative_to(ROOT).as_posix())
    assert not missing, f"imported but not in [project.dependencies]: {missing}"


def test_wheel_builds_without_warnings_and_ships_its_data(tmp_path):
    """``pip install .`` is quiet: setuptools warns of nothing (no deprecated licence table, no
    data directory it would ignore), and the wheel holds the case table and every scenario."""
    import subprocess
    import sys
    import zipfile

    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-q"]
    run = subprocess.run(
        [*pip_wheel, "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    # pip's own notes about this machine's index locations are not the package's doing
    ours = [
        line
        for line in (run.stdout + run.stderr).splitlines()
        if "warn" in line.lower() and "Location 'file:" not in line
    ]
    assert not ours, "\n".join(ours)
    (wheel,) = tmp_path.glob("forecast-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    scenarios = {
        f"forecast/data/scenarios/{p.name}" for p in (ROOT / "data/scenarios").glob("*.toml")
    }
    assert scenarios and scenarios <= names
    assert "forecast/data/cases.csv" in names


def test_every_subpackage_is_installed():
    """``pyproject.toml`` lists the packages by hand: a new one left out is missing from an
    installed copy (the tests, run from the checkout, would not notice)."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in PKG.rglob("__init__.py")
        if "__pycache__" not in p.parts
    }  # fmt: skip
    assert found <= listed, f"add to pyproject.toml's packages: {sorted(found - listed)}"
