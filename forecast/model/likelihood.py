"""The model's likelihood as one fused pass over the rows, with its gradient (numba).

The PyMC graph of :func:`forecast.model.build_model` spells the likelihood out as PyTensor
operations: two matrix products with the covariates, gathers of the group effects, boolean
masks, two Bernoulli terms and an ordered logistic, each with its own backward pass. On the
embedded table (46,253 rows) that cost 3.7–4.4 ms per log-density and gradient, and NUTS spends
nearly all its time there. :class:`FusedLikelihood` computes the same number and its gradient
in one loop over the rows:

- the covariates are split into **patterns** (columns with at most two values: the flags),
  whose distinct combinations are few (1,992 on the embedded table), and the few **continuous**
  columns, kept per row; ``X beta`` is then one small product per pattern plus four products
  per row, and its gradient is accumulated per pattern;
- the rows are sorted by **cell** (their combination of conflict, era, alliance and
  alliance-in-conflict levels: 6,408 cells); the kernel sums each cell's effects once and
  scatters each cell's derivative back to its effects (done as PyTensor gathers and
  scatters outside the kernel, that cost about 0.04 ms more per gradient);
- each row, in one flat loop, gathers its pattern's value, its supporter effect and its
  cell's sum, evaluates the aggressor-side Bernoulli and the target-side term (Bernoulli on
  ``military``, or the ordered logistic where the level of help is coded), and scatters the
  derivatives back;
- ``exp`` and ``log1p`` are evaluated by :mod:`forecast.model.vecmath`, branch-free
  polynomial forms that the compiler vectorises (the C library's, called once per row and
  side, cost as much as everything else together);
- the per-row arrays (the continuous columns, the linear predictors, the row terms and
  their derivatives) are **single precision**: half the memory traffic and twice the SIMD
  lanes. Both sides' products with the columns go through one BLAS call each way, with
  their values side by side in memory (the kernel: 0.43 ms instead of 0.68 ms on the embedded
  table, ``tests/benchmarks/bench_gradient.py`` for the whole gradient). The sums over rows
  of the log-likelihood and of the derivatives per pattern, supporter and cell are
  accumulated in double precision (the continuous columns' products with the rows'
  derivatives go through single-precision BLAS), and the parameters and group effects stay
  double. Measured against the double-precision graph, the value agrees to 5e-9 relative
  and each gradient to 5e-7 of its largest component: far below anything NUTS can notice,
  whose energy errors per step are of order 0.1.

The Op has a numba implementation (what nutpie compiles) and a Python ``perform`` that calls
the same compiled kernel (PyMC's own sampler). ``tests/test_likelihood.py`` checks the value
and every gradient against the PyTensor graph (``likelihood="graph"``).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numba
import numpy as np
import pytensor.tensor as pt
from pytensor.gradient import DisconnectedType, disconnected_type
from pytensor.graph.basic import Apply
from pytensor.graph.op import Op
from pytensor.link.numba.dispatch.basic import register_funcify_default_op_cache_key

from .rowdata import FusedData
from .vecmath import softplus_sigmoid

__all__ = ["FusedLikelihood", "fused_likelihood", "row_kernel"]


@numba.njit(fastmath=False, error_model="numpy", nogil=True)
def _ordered_term(eta, cut, y):
    """Log-probability of level ``y`` (0..3) of the ordered logistic, and its derivatives.

    ``P(y = k) = sigmoid(eta - c_{k-1}) - sigmoid(eta - c_k)`` with ``c_{-1} = -inf`` and
    ``c_3 = +inf`` (PyMC's ``OrderedLogistic``). Returns ``(logp, d/d eta, d/d c_{k-1},
    d/d c_k)``; the cutpoint derivatives are 0 where the cutpoint is infinite.
    """
    if y == 0:
        a, da = 1.0, 0.0
    else:
        a = 1.0 / (1.0 + math.exp(-(eta - cut[y - 1])))
        da = a * (1.0 - a)
    if y == 3:
        b, db = 0.0, 0.0
    else:
        b = 1.0 / (1.0 + math.exp(-(eta - cut[y])))
        db = b * (1.0 - b)
    p = a - b
    return math.log(p), (da - db) / p, -da / p, db / p


@numba.njit(fastmath={"contract"}, error_model="numpy", nogil=True)
def row_kernel(
    beta,
    beta_a,
    cut,
    seff,
    geff_t,
    geff_a,
    patterns,
    pattern_cols,
    continuous,
    continuous_cols,
    pattern,
    supporter,
    cell,
    cell_start,
    sign_a,
    sign_t,
    weight_t,
    ordered_rows,
    ordered_y,
    cell_levels_t,
    cell_levels_a,
):
    """Log-likelihood of every observed row and its gradient, in three passes.

    Parameters are the model's (``beta``, ``beta_a``, ``cut``, the supporter effects
    ``seff`` with a last 0 for rows without one, and the cell-level effects of the two sides:
    ``geff_t`` the target side's group effects end to end, ``geff_a`` the aggressor side's
    intercept plus its conflict effects, each with a last entry for cells without a level)
    and the data of :class:`FusedData` (rows sorted by cell, cell ``c`` holding rows
    ``cell_start[c]`` to ``cell_start[c + 1]``; its effects ``geff_t[cell_levels_t[c]]``,
    summed, and ``geff_a[cell_levels_a[c]]``). Returns ``(logp, d beta, d beta_a, d cut,
    d seff, d geff_t, d geff_a)``.
    """
    n = pattern.shape[0]
    n_pat = patterns.shape[0]
    n_cell = cell_levels_a.shape[0]
    n_lev = cell_levels_t.shape[1]
    kp = pattern_cols.shape[0]
    kc = continuous_cols.shape[0]
    # 1. each pattern's value on both sides, then each row's linear predictors (gathers);
    #    the products go through BLAS, both sides in one call, their values side by side
    if kp > 0:
        bp = np.empty((kp, 2))
        bp[:, 0] = beta[pattern_cols]
        bp[:, 1] = beta_a[pattern_cols]
        pvv = np.dot(patterns, bp)
    else:
        pvv = np.zeros((n_pat, 2))
    if kc > 0:
        b2 = np.empty((2, kc), dtype=np.float32)
        b2[0] = beta[continuous_cols]
        b2[1] = beta_a[continuous_cols]
        zz = np.dot(b2, continuous)
        zc = zz[0]
        zca = zz[1]
    else:
        zz = np.zeros((2, n), dtype=np.float32)
        zc = zz[0]
        zca = zz[1]
    # each cell's effects, then the row predictors, summed in double precision and stored
    # in single (one flat loop over the rows: cells hold seven rows on average, too few
    # for a loop per cell to run well)
    c2 = cut[2]
    ct = np.empty(n_cell)
    ca = np.empty(n_cell)
    for c in range(n_cell):
        s = -c2
        for j in range(n_lev):
            s += geff_t[cell_levels_t[c, j]]
        ct[c] = s
        ca[c] = geff_a[cell_levels_a[c]]
    z = np.empty(n, dtype=np.float32)
    za = np.empty(n, dtype=np.float32)
    for r in range(n):
        p = pattern[r]
        c = cell[r]
        z[r] = pvv[p, 0] + seff[supporter[r]] + ct[c] + zc[r]
        za[r] = pvv[p, 1] + ca[c] + zca[r]
    # 2. the Bernoulli terms, elementwise (vectorised): with z = (1 - 2y) logit,
    #    logp = -softplus(z) and d logp / d logit = -(1 - 2y) sigmoid(z)
    lp_rows = np.empty(n, dtype=np.float32)
    g2 = np.empty((2, n), dtype=np.float32)
    g = g2[0]
    ga = g2[1]
    for r in range(n):
        spa, sga = softplus_sigmoid(sign_a[r] * za[r])
        spt, sgt = softplus_sigmoid(sign_t[r] * z[r])
        w = weight_t[r]
        lp_rows[r] = -spa - w * spt
        ga[r] = -sign_a[r] * sga
        g[r] = -w * sign_t[r] * sgt
    # the rows with a coded level of help: the ordered logistic (z is eta - c_2 there)
    g_cut = np.zeros(3)
    lp = _sum8(lp_rows)
    for i in range(ordered_rows.shape[0]):
        r = ordered_rows[i]
        y = ordered_y[i]
        lpo, de, dlo, dhi = _ordered_term(np.float64(z[r]) + c2, cut, y)
        lp += lpo
        g[r] += de
        if y > 0:
            g_cut[y - 1] += dlo
        if y < 3:
            g_cut[y] += dhi
    # 3. sum, and scatter the derivatives back to patterns, supporters, cells, columns
    gpp = np.zeros((n_pat, 2))
    g_seff = np.zeros(seff.shape[0])
    g_geff_t = np.zeros(geff_t.shape[0])
    g_geff_a = np.zeros(geff_a.shape[0])
    g_eta = 0.0
    for c in range(n_cell):
        acc = 0.0
        acc_a = 0.0
        for r in range(cell_start[c], cell_start[c + 1]):
            gr = g[r]
            gar = ga[r]
            acc += gr
            acc_a += gar
            p = pattern[r]
            gpp[p, 0] += gr
            gpp[p, 1] += gar
            g_seff[supporter[r]] += gr
        for j in range(n_lev):
            g_geff_t[cell_levels_t[c, j]] += acc
        g_geff_a[cell_levels_a[c]] += acc_a
        g_eta += acc
    # d/d c_2 of every Bernoulli term on military: minus its d/d eta
    g_cut[2] -= g_eta - _ordered_eta_sum(g, ordered_rows)
    g_beta = np.zeros(beta.shape[0])
    g_beta_a = np.zeros(beta.shape[0])
    if kp > 0:
        gq = np.dot(gpp.T, patterns)
        g_beta[pattern_cols] = gq[0]
        g_beta_a[pattern_cols] = gq[1]
    if kc > 0:
        gc = np.dot(g2, continuous.T)
        g_beta[continuous_cols] = gc[0]
        g_beta_a[continuous_cols] = gc[1]
    return np.asarray(lp), g_beta, g_beta_a, g_cut, g_seff, g_geff_t, g_geff_a


@numba.njit(fastmath=False, error_model="numpy", nogil=True)
def _sum8(x):
    """Sum a vector in double precision with eight running sums.

    A single running sum makes each addition wait for the one before (four cycles each).
    """
    n = x.shape[0]
    m = n - n % 8
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    for i in range(0, m, 8):
        a0 += x[i]
        a1 += x[i + 1]
        a2 += x[i + 2]
        a3 += x[i + 3]
        a4 += x[i + 4]
        a5 += x[i + 5]
        a6 += x[i + 6]
        a7 += x[i + 7]
    s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
    for i in range(m, n):
        s += x[i]
    return s


@numba.njit(inline="always")
def _ordered_eta_sum(g, rows):
    s = 0.0
    for i in range(rows.shape[0]):
        s += g[rows[i]]
    return s


class FusedLikelihood(Op):
    """Log-likelihood of the model's observed rows, with its gradient as extra outputs.

    Inputs: ``beta``, ``beta_aggressor``, ``cutpoints``, the supporter effects (a last 0
    appended), the two sides' cell-level effects (:func:`row_kernel`'s ``geff_t`` and
    ``geff_a``), then the data of :class:`FusedData` as constants.
    Outputs: the log-likelihood (a scalar) and its gradient with respect to each of the six
    parameter inputs. :meth:`pullback` returns those outputs of the same node, so the value
    and the gradient come from one call of :func:`row_kernel`.
    """

    __props__ = ()
    n_params = 6

    def make_node(self, *inputs):
        """Build the Apply node (parameters first, then the data constants)."""
        inputs = [pt.as_tensor_variable(x) for x in inputs]
        outputs = [pt.dscalar()] + [pt.dvector() for _ in range(self.n_params)]
        return Apply(self, inputs, outputs)

    def perform(self, node, inputs, output_storage):
        """Evaluate with the compiled kernel (PyTensor's C and Python backends)."""
        out = row_kernel(*inputs)
        for storage, value in zip(output_storage, out, strict=True):
            storage[0] = value

    def connection_pattern(self, node):
        """Only the parameters are connected to the outputs."""
        n_out = self.n_params + 1
        return [[i < self.n_params] * n_out for i in range(len(node.inputs))]

    def pullback(self, inputs, outputs, cotangents):
        """The gradient outputs of the same node, scaled by the log-likelihood's cotangent."""
        for g in cotangents[1:]:
            if not isinstance(g.type, DisconnectedType):
                raise NotImplementedError("the fused likelihood has no second derivatives")
        gz = cotangents[0]
        grads = [gz * outputs[i + 1] for i in range(self.n_params)]
        return grads + [disconnected_type() for _ in inputs[self.n_params :]]


@register_funcify_default_op_cache_key(FusedLikelihood)
def _numba_fused(op, node=None, **kwargs):
    # PyTensor caches compiled graphs on disk by the Op's type and this number: a hash of
    # the kernel's source (this module and vecmath), so an edited kernel is never served
    # from a stale cache
    return row_kernel, _SOURCE_KEY


_SOURCE_KEY = int(
    hashlib.sha256(
        b"".join(Path(__file__).with_name(f).read_bytes() for f in ("likelihood.py", "vecmath.py"))
    ).hexdigest()[:12],
    16,
)


_OP = FusedLikelihood()


def fused_likelihood(beta, beta_a, cut, seff, geff_t, geff_a, data: FusedData):
    """The log-likelihood of the observed rows as one PyTensor scalar (see the module).

    Parameters
    ----------
    beta, beta_a : pytensor.tensor.TensorVariable
        Coefficients of the two sides, ``(n_covariates,)``.
    cut : pytensor.tensor.TensorVariable
        Cutpoints of the average row, ``(3,)``.
    seff : pytensor.tensor.TensorVariable
        Supporter effects with a last 0 (``data.supporter`` points there for rows without).
    geff_t, geff_a : pytensor.tensor.TensorVariable
        The target side's conflict, era, alliance and alliance-in-conflict effects end to end
        with a last 0, and the aggressor side's intercept plus each of its conflict effects,
        then the intercept alone; ``data.cell_levels_t`` and ``data.cell_levels_a`` say
        which entries each cell sums.
    data : FusedData
        The observed rows.

    Returns
    -------
    pytensor.tensor.TensorVariable
        The log-likelihood, a scalar whose gradient PyTensor takes from the Op.
    """
    consts = [pt.constant(a) for a in data.arrays()]
    return _OP(beta, beta_a, cut, seff, geff_t, geff_a, *consts)[0]
