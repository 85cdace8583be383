"""Cost of one log-density + gradient evaluation of the model on the embedded table.

Not part of the default run. Run with::

    .venv/bin/python -m pytest tests/benchmarks/bench_gradient.py -s -o addopts=""

NUTS spends nearly all its time here (about 31 gradient evaluations per draw at the default
target_accept), so this number times the steps is the sampling cost. The model's likelihood
is the fused Op (``build_model(likelihood="fused")``, the default); the baseline in the same
run is the same model with the likelihood as PyMC observed variables
(``likelihood="graph"``, what the model used before). Each is compiled by the numba backend
nutpie uses (fastmath off, as :func:`forecast.fit` samples) and by PyTensor's C backend
(PyMC's own sampler). With JAX installed (``pip install -e ".[jax]"``), both are also
compiled to JAX as PyMC's JAX samplers and nutpie's JAX backend compile them (the fused Op
through :mod:`forecast.model.jax_likelihood`).
"""

from __future__ import annotations

import time

import pytest


def _best_ms(fn, args, repeats=5, calls=200) -> float:
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
    design = fm.make_design(cases)
    times = {}
    for likelihood in ("graph", "fused"):
        model = fm.build_model(design, likelihood=likelihood)
        point = model.initial_point()
        inputs = model.value_vars
        logp = model.logp()
        grads = pytensor.grad(logp, inputs)
        args = [point[v.name] for v in inputs]
        if likelihood == "graph":
            n_values = sum(a.size for a in args)
            print(f"\n== log-density + gradient, {len(cases)} rows, {n_values} values ==")
        for mode in ("NUMBA", "FAST_RUN"):
            with pytensor.config.change_flags(numba__fastmath=False):
                fn = pytensor.function(inputs, [logp, *grads], mode=mode)
            times[likelihood, mode] = _best_ms(fn, args)
            print(
                f"likelihood={likelihood:<6} {mode:<9} {times[likelihood, mode]:.3f} ms "
                "per evaluation (best of 5 x 200)"
            )
    try:
        times.update(_jax_times(design))
    except ImportError as e:
        print(f"(JAX not measured: {e})")
    for mode in ("NUMBA", "FAST_RUN", "JAX"):
        if ("fused", mode) not in times:
            continue
        ratio = times["fused", mode] / times["graph", mode]
        print(f"fused / graph ({mode}): {ratio:.2f}")
    print(f"fused NUMBA against the 0.6 ms goal: {times['fused', 'NUMBA'] / 0.6:.2f}")


def _jax_times(design) -> dict:
    """Log-density + gradient compiled to JAX, as PyMC's JAX samplers compile it."""
    import jax
    from pymc.model.transform.optimization import freeze_dims_and_data
    from pymc.sampling.jax import get_jaxified_logp

    from forecast import model as fm
    from forecast.model import jax_likelihood  # noqa: F401  (the fused Op's JAX function)

    times = {}
    for likelihood in ("graph", "fused"):
        model = freeze_dims_and_data(fm.build_model(design, likelihood=likelihood))
        point = model.initial_point()
        fn = jax.jit(jax.value_and_grad(get_jaxified_logp(model, negative_logp=True)))
        args = [point[v.name] for v in model.value_vars]

        def call(x, fn=fn):
            return jax.block_until_ready(fn(x))

        times[likelihood, "JAX"] = _best_ms(call, (args,))
        print(
            f"likelihood={likelihood:<6} JAX       {times[likelihood, 'JAX']:.3f} ms "
            "per evaluation (best of 5 x 200)"
        )
    return times
