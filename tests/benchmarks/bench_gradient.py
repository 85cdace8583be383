"""Cost of one log-density + gradient evaluation of the model on the embedded table.

Not part of the default run. Run with::

    .venv/bin/python -m pytest tests/benchmarks/bench_gradient.py -s -o addopts=""

NUTS spends nearly all its time here (about 31 gradient evaluations per draw at the default
target_accept), so this number times the steps is the sampling cost. Baseline in the same run:
the same graph compiled by PyTensor's C backend and by the numba backend nutpie uses, with
numba's fastmath on (PyTensor's default) and off (what :func:`forecast.fit` samples with, for
identical draws whatever the compile cache holds).
"""

from __future__ import annotations

import time

import pytest


def _best_ms(fn, args, repeats=5, calls=100) -> float:
    fn(*args)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn(*args)
        best = min(best, (time.perf_counter() - t0) / calls)
    return 1000.0 * best


def test_gradient_cost():
    import pytensor

    import forecast
    from forecast import model as fm

    try:
        cases = forecast.load_cases()
    except Exception as e:  # pragma: no cover - the table is part of the package
        pytest.skip(f"embedded table not usable: {e}")
    model = fm.build_model(fm.make_design(cases))
    point = model.initial_point()
    inputs = model.value_vars
    logp = model.logp()
    grads = pytensor.grad(logp, inputs)
    args = [point[v.name] for v in inputs]
    print(f"\n== log-density + gradient, {len(cases)} rows, {sum(a.size for a in args)} values ==")
    times = {}
    for mode, fastmath in (("FAST_RUN", None), ("NUMBA", True), ("NUMBA", False)):
        name = mode if fastmath is None else f"{mode} fastmath {'on' if fastmath else 'off'}"
        flags = {} if fastmath is None else {"numba__fastmath": fastmath}
        with pytensor.config.change_flags(**flags):
            fn = pytensor.function(inputs, [logp, *grads], mode=mode)
            times[name] = _best_ms(fn, args)
        print(f"{name:<18} {times[name]:.3f} ms per evaluation (best of 5 x 100)")
    print(f"numba (fastmath on) / C: {times['NUMBA fastmath on'] / times['FAST_RUN']:.2f}")
    print(
        f"numba fastmath off / on: {times['NUMBA fastmath off'] / times['NUMBA fastmath on']:.2f}"
    )
