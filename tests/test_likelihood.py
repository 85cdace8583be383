"""The fused likelihood equals the PyMC graph's, value and gradient, and its math is exact."""

from __future__ import annotations

import sys

import numba
import numpy as np
import pytensor
import pytest
from scipy import special

from forecast import model as fm
from forecast.design import make_design
from forecast.model.vecmath import exp_neg, log1p_unit, softplus_sigmoid

#: Relative error allowed against numpy in double precision: a few float32 ulp (1.2e-7).
F32_RTOL = 4e-7


@numba.njit
def _apply(fn_id, x):
    out = np.empty((x.shape[0], 2), dtype=np.float32)
    for i in range(x.shape[0]):
        if fn_id == 0:
            out[i, 0] = exp_neg(x[i])
        elif fn_id == 1:
            out[i, 0] = log1p_unit(x[i])
        else:
            out[i, 0], out[i, 1] = softplus_sigmoid(x[i])
    return out


def _f32(*parts):
    return np.concatenate([np.asarray(p, dtype=np.float32) for p in parts])


def test_exp_neg_is_exact_to_a_few_ulp():
    a = _f32(np.linspace(0, 69.9, 200_001), [0.0, 1e-30, 0.5 * np.log(2)])
    ours, ref = _apply(0, a)[:, 0], np.exp(-a.astype(np.float64))
    assert ours.dtype == np.float32
    assert np.max(np.abs(ours - ref) / ref) < F32_RTOL
    clipped = _apply(0, _f32([70.0, 1e6, np.inf]))[:, 0]
    np.testing.assert_allclose(clipped, np.exp(-70.0), rtol=F32_RTOL)


def test_log1p_unit_is_exact_to_a_few_ulp():
    t = _f32(np.linspace(0, 1, 200_001), np.geomspace(1e-37, 1, 2001))
    ours, ref = _apply(1, t)[:, 0], np.log1p(t.astype(np.float64))
    np.testing.assert_array_equal(ours[t == 0], 0.0)
    nz = t > 0
    assert np.max(np.abs(ours[nz] - ref[nz]) / ref[nz]) < F32_RTOL


def test_softplus_and_sigmoid_are_stable_everywhere():
    z = _f32(np.linspace(-60, 60, 100_001), [-np.inf, -1e30, 0.0, 1e30, np.inf])
    out = _apply(2, z)
    sp, sg = out[:, 0], out[:, 1]
    assert not np.isnan(out).any() and np.isfinite(sp[:-1]).all() and np.isfinite(sg).all()
    z64 = z.astype(np.float64)
    # below exp(-70) = 4e-31 the terms are clipped there: an absolute error under 1e-30
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(sp, np.logaddexp(0.0, z64), rtol=F32_RTOL, atol=1e-30)
    np.testing.assert_allclose(sg, special.expit(z64), rtol=F32_RTOL, atol=1e-30)
    assert sp[-1] == np.inf and sp[-2] == np.float32(1e30) and sg[-1] == 1.0 and sg[-5] < 1e-30


def _compiled(model, mode):
    logp = model.logp()
    grads = pytensor.grad(logp, model.value_vars)
    fn = pytensor.function(model.value_vars, [logp, *grads], mode=mode)
    return lambda point: fn(*[point[v.name] for v in model.value_vars])


def _assert_close(ours, ref, names):
    """The fused value and gradient against the graph's in double precision.

    The kernel's row terms are single precision and summed in double: measured, the value
    agrees to 5e-9 relative and each gradient to 5e-7 of its largest component, on this
    table and the embedded one; a wrong term would be off by orders of magnitude more.
    """
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-8)
    for name, a, b in zip(names, ours[1:], ref[1:], strict=True):
        scale = max(1.0, float(np.max(np.abs(b), initial=0.0)))
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=2e-6 * scale, err_msg=name)


def test_fused_likelihood_equals_the_graph():
    cases, _ = fm.simulate_cases(600, n_supporters=20, n_conflicts=40, n_alliances=6, seed=8)
    design = make_design(cases)
    # every kind of row is present: coded levels, fighting only, the aggressor's side,
    # rows without an alliance
    assert design.target_response.any() and design.target_military.any()
    assert (design.aggressor == 1).any() and (design.index["alliance"] < 0).any()
    fused = fm.build_model(design)
    graph = fm.build_model(design, likelihood="graph")
    assert not fused.observed_RVs and [p.name for p in fused.potentials] == ["log_likelihood"]
    names = [v.name for v in fused.value_vars]
    assert names == [v.name for v in graph.value_vars]
    ref_fn = _compiled(graph, "FAST_RUN")
    # nutpie's backend (numba), and PyMC's (the Op's Python perform calls the same kernel)
    ours_fns = [_compiled(fused, mode) for mode in ("NUMBA", "FAST_RUN")]
    rng = np.random.default_rng(2)
    start = graph.initial_point()
    for _ in range(3):
        point = {k: v + rng.normal(0, 0.7, np.shape(v)) for k, v in start.items()}
        ref = ref_fn(point)
        for fn in ours_fns:
            ours = fn(point)
            _assert_close(ours, ref, names)


@pytest.mark.slow
def test_fused_likelihood_on_the_embedded_table(embedded_cases):
    design = make_design(embedded_cases)
    fused = fm.build_model(design)
    graph = fm.build_model(design, likelihood="graph")
    point = graph.initial_point()
    rng = np.random.default_rng(4)
    point = {k: v + rng.normal(0, 0.3, np.shape(v)) for k, v in point.items()}
    ours = _compiled(fused, "NUMBA")(point)
    ref = _compiled(graph, "FAST_RUN")(point)
    _assert_close(ours, ref, [v.name for v in fused.value_vars])


def test_jax_likelihood_equals_the_graph():
    """The JAX function of the fused Op (nutpie's JAX backend, numpyro, blackjax)."""
    jax = pytest.importorskip("jax")
    from pymc.model.transform.optimization import freeze_dims_and_data
    from pymc.sampling.jax import get_jaxified_logp

    import forecast.model.jax_likelihood  # noqa: F401  (registers it)

    cases, _ = fm.simulate_cases(600, n_supporters=20, n_conflicts=40, n_alliances=6, seed=8)
    design = make_design(cases)
    fused = freeze_dims_and_data(fm.build_model(design))
    graph = fm.build_model(design, likelihood="graph")
    names = [v.name for v in fused.value_vars]
    # what PyMC's JAX samplers and nutpie's JAX backend compile: the model's log-density
    value_and_grad = jax.jit(jax.value_and_grad(get_jaxified_logp(fused, negative_logp=True)))
    ref_fn = _compiled(graph, "FAST_RUN")
    rng = np.random.default_rng(3)
    start = graph.initial_point()
    for _ in range(3):
        point = {k: v + rng.normal(0, 0.7, np.shape(v)) for k, v in start.items()}
        value, grads = value_and_grad([point[name] for name in names])
        by_name = dict(zip(names, grads, strict=True))
        ours = [float(value), *(np.asarray(by_name[v.name]) for v in graph.value_vars)]
        _assert_close(ours, ref_fn(point), [v.name for v in graph.value_vars])


def test_a_jax_sampler_without_jax_says_what_to_install(monkeypatch):
    cases, _ = fm.simulate_cases(100, n_supporters=5, n_conflicts=8, n_alliances=2, seed=1)
    # as if JAX were not installed: importing it, or what imports it, raises ImportError
    for name in [m for m in sys.modules if m == "jax" or m.startswith("jax.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "jax", None)
    monkeypatch.delitem(sys.modules, "forecast.model.jax_likelihood", raising=False)
    monkeypatch.delattr(fm, "jax_likelihood", raising=False)
    for sampler in ("numpyro", "blackjax", "nutpie-jax"):
        with pytest.raises(ImportError, match=r"needs JAX: pip install 'forecast\[jax\]'"):
            fm.fit(cases, sampler=sampler, draws=10, tune=10)


def test_the_fused_likelihood_has_no_second_derivative():
    cases, _ = fm.simulate_cases(100, n_supporters=5, n_conflicts=8, n_alliances=2, seed=1)
    model = fm.build_model(make_design(cases))
    beta = model.rvs_to_values[model["beta"]]
    (grad,) = pytensor.grad(model.logp(), [beta])
    with pytest.raises(NotImplementedError, match="no second derivatives"):
        pytensor.grad(grad.sum(), [beta])
