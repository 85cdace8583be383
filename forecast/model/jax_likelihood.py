"""A JAX implementation of the fused likelihood, for PyTensor's JAX backend.

:class:`~forecast.model.likelihood.FusedLikelihood` is compiled by numba (nutpie's default
backend) and runs its numba kernel under PyTensor's C backend (PyMC's own sampler). Samplers
that compile the model to JAX (nutpie with ``backend="jax"``, and numpyro or blackjax through
``pm.sample(nuts_sampler=...)``) need a JAX function for every Op of the graph: importing this
module registers one. It is the same density written with ``jax.numpy`` (gathers instead of
the kernel's loops; the per-row Bernoulli terms in single precision and summed in double, as in
the kernel), and its gradient is JAX's reverse mode, so the Op's outputs (the value and the
gradient with respect to each parameter input) come from one ``jax.value_and_grad`` call. On
two CPU cores it costs 3.5–4.3 ms per log-density and gradient of the embedded table against
the numba kernel's 0.6 ms (``tests/benchmarks/bench_gradient.py``): the JAX samplers are for
accelerators and comparison, not the default.

This module imports JAX, which the package does not require: ``pip install forecast[jax]``.
``tests/test_likelihood.py`` checks the value and every gradient against the graph likelihood.
"""

from __future__ import annotations

# first: PyMC's JAX module sets XLA_FLAGS (one device per chain) if JAX is not loaded yet
import pymc.sampling.jax  # noqa: F401

# isort: split
import jax
import jax.numpy as jnp
from pytensor.link.jax.dispatch import jax_funcify

from .likelihood import FusedLikelihood
from .rowdata import FusedArrays

__all__ = ["loglik"]


def loglik(beta, beta_a, cut, seff, geff_t, geff_a, *data):
    """Log-likelihood of the observed rows: the arguments of ``row_kernel``, in order.

    ``data`` are the arrays of :class:`~forecast.model.rowdata.FusedArrays`.

    Returns
    -------
    jax.Array
        A scalar, in double precision.
    """
    d = FusedArrays(*data)
    f4, f8 = jnp.float32, jnp.float64
    cont = d.continuous.astype(f8)
    ct = geff_t[d.cell_levels_t].sum(axis=1) - cut[2]  # each cell's sum, less c_2
    z = (d.patterns @ beta[d.pattern_cols])[d.pattern] + seff[d.supporter] + ct[d.cell]
    z += beta[d.continuous_cols] @ cont
    za = (d.patterns @ beta_a[d.pattern_cols])[d.pattern] + geff_a[d.cell_levels_a][d.cell]
    za += beta_a[d.continuous_cols] @ cont
    # Bernoulli terms: with s = 1 - 2y, log p = -softplus(s * logit), per row in single
    # precision (as the numba kernel), summed in double
    terms = jax.nn.softplus(d.sign_a * za.astype(f4))
    terms += d.weight_t * jax.nn.softplus(d.sign_t * z.astype(f4))
    lp = -jnp.sum(terms, dtype=f8)
    # the ordered logistic where the level of help is coded (z is eta - c_2 there)
    eta, y = z[d.ordered_rows] + cut[2], d.ordered_y
    lo = jnp.where(y > 0, jax.nn.sigmoid(eta - cut[jnp.clip(y - 1, 0, 2)]), 1.0)
    hi = jnp.where(y < 3, jax.nn.sigmoid(eta - cut[jnp.clip(y, 0, 2)]), 0.0)
    return lp + jnp.sum(jnp.log(lo - hi))


_VALUE_AND_GRAD = jax.value_and_grad(loglik, argnums=tuple(range(FusedLikelihood.n_params)))


@jax_funcify.register(FusedLikelihood)
def _jax_fused(op, node=None, **kwargs):
    def fused(*inputs):
        value, grads = _VALUE_AND_GRAD(*inputs)
        return (value, *grads)

    return fused
