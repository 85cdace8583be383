"""Shared fixtures: a seeded rng, the tiny case table, paths to the original research data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

TESTS = Path(__file__).parent
ROOT = TESTS.parent
SHARED = Path(os.environ.get("FORECAST_SHARED_DATA", ROOT.parent / "shared" / "data"))


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: pass --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def rng():
    return np.random.default_rng(20261125)


@pytest.fixture
def small_csv() -> Path:
    return TESTS / "data" / "cases_small.csv"


@pytest.fixture
def small_table(small_csv) -> pd.DataFrame:
    return pd.read_csv(small_csv, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED / "cow" / "Inter-StateWarData_v4.0.csv").exists():
        pytest.skip("the original research data (../shared/data) are not present")
    return SHARED


@pytest.fixture(scope="session")
def forecast_exe() -> str:
    exe = shutil.which("forecast") or str(Path(os.sys.executable).parent / "forecast")
    if not Path(exe).exists():
        pytest.skip("the console script `forecast` is not installed")
    return exe
