"""Same seed, same numbers on one machine, whatever the compile caches hold (issue 17).

A fit and a forecast run in fresh processes twice: first with empty PyTensor and numba
caches (a new machine's first run), then with the caches those runs filled. The saved draws
and the forecast's numbers must be identical, not merely close.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import xarray as xr

ROOT = Path(__file__).parent.parent


def _run(args, env):
    done = subprocess.run(
        [str(a) for a in args], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cold_and_warm_compile_caches_give_identical_draws_and_forecasts(forecast_exe, tmp_path):
    from forecast.cases import to_csv_text
    from forecast.model import simulate_cases

    cases = tmp_path / "sim.csv"
    cases.write_text(to_csv_text(simulate_cases(200, seed=3)[0]))
    cache = tmp_path / "cache"  # empty: the first run compiles everything
    env = {
        **os.environ,
        # base_compiledir moves PyTensor's C and numba caches (``compiledir`` alone left the
        # numba cache in ~/.pytensor/numba, so the "cold" run was warm)
        "PYTENSOR_FLAGS": f"base_compiledir={cache / 'pytensor'}",
        "NUMBA_CACHE_DIR": str(cache / "numba"),
    }
    scenario = ROOT / "data" / "scenarios" / "korea.toml"
    outputs = []
    for run in ("cold", "warm"):
        model = tmp_path / f"{run}.nc"
        _run([forecast_exe, "fit", "--cases", cases, "-o", model, "--no-progress",
              "--draws", 30, "--tune", 30, "--chains", 1, "--seed", 7], env)  # fmt: skip
        forecast = _run([forecast_exe, "predict", scenario, "--model", model,
                         "--format", "json", "--draws", 300, "--seed", 3], env)  # fmt: skip
        with xr.open_dataset(model, group="posterior") as post:
            draws = {k: post[k].values for k in post.data_vars}
        outputs.append((draws, json.loads(forecast)))
        assert any((cache / "pytensor").rglob("*.nbi")), "the run left no numba cache"
    (cold, cold_forecast), (warm, warm_forecast) = outputs
    assert cold.keys() == warm.keys()
    for name in cold:
        np.testing.assert_array_equal(cold[name], warm[name], err_msg=name)
    assert cold_forecast == warm_forecast
