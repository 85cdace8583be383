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
    "_io": 1, "states": 1, "_toml": 1,
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
