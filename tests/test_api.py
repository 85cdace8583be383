"""The public API: the names in ``forecast.__all__`` exist and document every parameter."""

from __future__ import annotations

import inspect

import pytest

import forecast


@pytest.mark.parametrize("name", forecast.__all__)
def test_public_names_exist(name):
    assert hasattr(forecast, name)


def _documented(obj) -> list[str]:
    doc = inspect.getdoc(obj) or ""
    missing = []
    try:
        params = inspect.signature(obj).parameters
    except (TypeError, ValueError):
        return missing
    for p in params.values():
        if p.name in ("self", "cls") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name not in doc:
            missing.append(p.name)
    return missing


@pytest.mark.parametrize(
    "name", [n for n in forecast.__all__ if inspect.isfunction(getattr(forecast, n))]
)
def test_public_functions_document_their_parameters(name):
    obj = getattr(forecast, name)
    assert inspect.getdoc(obj), f"{name} has no docstring"
    assert "Parameters" in inspect.getdoc(obj) or not inspect.signature(obj).parameters
    assert _documented(obj) == [], f"{name}: undocumented parameters"
