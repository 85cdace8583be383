"""Saved-fit size benchmark: what float32 bit rounding, thinning and the compact form save.

Not part of the default run. Run with::

    pytest tests/benchmarks/bench_filesize.py -s -o addopts=""

One simulated fit (``BENCH_ROWS`` rows, default 5000; 4 chains x 1000 draws) is sampled with
every float32 mantissa bit kept and saved without rounding (the baseline: what ``forecast fit``
saved before bit rounding); then with every draw rounded to
:data:`forecast.model.precision.KEEP_BITS` bits; then as :func:`forecast.model.fit` now
leaves it (each element rounded to its posterior spread,
:func:`forecast.model.precision.round_to_spread`); then thinned by 2 (the default fit's
``thin``); then in compact form (1000 draws, no per-conflict effects). All hold the same draws.
It prints each file's size, bytes per stored posterior value and the ratio to the baseline.
The default fit of the embedded table stores 8,441 values per draw, so bytes per value times
8,441 times the draws saved gives its file size to within the design group.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from forecast import model as fm
from forecast.model import fitting, precision


def _values(path) -> int:
    fit = fm.load(path)
    post = fit.idata["posterior"]
    return int(sum(post[v].size for v in post.data_vars))


def test_saved_fit_sizes(tmp_path, monkeypatch):
    rows = int(os.environ.get("BENCH_ROWS", "5000"))
    cases, _ = fm.simulate_cases(
        rows, n_supporters=200, n_conflicts=rows // 12, n_alliances=60, seed=11
    )
    with monkeypatch.context() as m:  # the baseline keeps every bit
        m.setattr(precision, "KEEP_BITS", 23)
        m.setattr(fitting, "round_to_spread", lambda ds: ds)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            full = fm.fit(cases, draws=1000, tune=500, chains=4, seed=3, progressbar=False)
    raw = full.idata["posterior"]["beta"].values.view(np.uint32)
    assert (raw & np.uint32(0x1FFF)).any(), "the baseline's draws should keep every bit"
    files = {"float32, every bit (baseline)": full.save(tmp_path / "full.nc")}
    post = full.idata["posterior"].to_dataset()
    full.idata["posterior"] = post.map(
        lambda v: v.copy(data=precision.round_bits(v.values)) if v.dtype.kind == "f" else v
    )
    files[f"every draw to {precision.KEEP_BITS} bits"] = full.save(tmp_path / "bits.nc")
    # then what fit() does next: each element to its spread
    full.idata["posterior"] = precision.round_to_spread(full.idata["posterior"].to_dataset())
    files["each element to its spread (as saved)"] = full.save(tmp_path / "spread.nc")
    thinned = full.thin(2)
    files["as saved, every second draw"] = thinned.save(tmp_path / "thinned.nc")
    files["compact (1000 draws, no per-conflict effects)"] = thinned.compact(1000).save(
        tmp_path / "compact.nc"
    )
    base = files["float32, every bit (baseline)"].stat().st_size
    print(f"\n{rows} simulated rows, 4 chains x 1000 draws")
    for label, path in files.items():
        size = path.stat().st_size
        per_value = size / _values(path)
        print(
            f"  {label}: {size / 1e6:.2f} MB, {per_value:.2f} bytes per posterior value, "
            f"{size / base:.2f} x the baseline"
        )
    sizes = [p.stat().st_size for p in files.values()]
    assert sizes == sorted(sizes, reverse=True)
