"""Branch-free ``exp``, ``log1p``, softplus and sigmoid that numba vectorises.

numba calls the C library for ``math.exp`` and ``math.log1p``, one element at a time; in the
fused likelihood (:mod:`forecast.model.likelihood`) those calls, two of each per row, cost
about 1 ms on the embedded table, as much as everything else together. These forms are plain
arithmetic (a range reduction, a polynomial and selects), so LLVM vectorises the loops that
inline them (about 1.5 ns per ``exp`` instead of 5–10 ns), and they are exact to a few units
in the last place (``tests/test_likelihood.py`` checks them against numpy over their ranges).
No ``fastmath``: the results do not depend on how the compiler orders the operations.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["exp_neg", "log1p_unit", "softplus_sigmoid"]

# ln 2 split in two for an exact range reduction (Cody & Waite): _LN2_HI has its low bits zero
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.4426950408889634
_SQRT2_M1 = 0.41421356237309503
#: Beyond this, exp(-a) is below 1e-30 and every term of the likelihood is its limit.
_A_MAX = 70.0


#: Adding and subtracting 1.5 * 2**52 rounds a double below 2**51 to the nearest integer
#: without leaving floating point (a conversion that would stop the loop from vectorising).
_ROUND = 6755399441055744.0


#: Taylor coefficients of exp, highest degree first: 1/13!, ..., 1/1!, 1/0!.
_EXP_COEFFS = tuple(1.0 / math.factorial(k) for k in range(13, -1, -1))
#: Coefficients of atanh(s) / s in s**2, highest first: 1/23, 1/21, ..., 1/3, 1.
_ATANH_COEFFS = tuple(1.0 / (2 * k + 1) for k in range(11, -1, -1))


@numba.njit(inline="always", fastmath={"contract"}, error_model="numpy")
def _horner(x, coeffs):
    """The polynomial with ``coeffs`` (highest degree first) at ``x``."""
    p = 0.0
    for c in coeffs:
        p = p * x + c
    return p


@numba.njit(inline="always", fastmath={"contract"}, error_model="numpy")
def exp_neg(a):
    """``exp(-a)`` for ``a >= 0`` to a few ulp, branch-free so that loops vectorise.

    Range reduction ``a = k ln 2 + r`` with ``|r| <= ln 2 / 2`` (Cody & Waite's two-part ln 2),
    a degree-13 Taylor polynomial for ``exp(-r)`` (remainder below 1e-17), and ``2**-k`` as
    the product of ``2**-(2**i)`` over the bits of ``k``. Arguments above :data:`_A_MAX` are
    clipped (``exp(-70)`` is 4e-31, far below any term it enters).
    """
    a = a if a < _A_MAX else _A_MAX
    kf = (a * _INV_LN2 + _ROUND) - _ROUND
    x = -((a - kf * _LN2_HI) - kf * _LN2_LO)
    p = _horner(x, _EXP_COEFFS)
    k = np.int64(kf)  # 0..101
    s = 0.5 if k & 1 else 1.0
    s *= 0.25 if k & 2 else 1.0
    s *= 0.0625 if k & 4 else 1.0
    s *= 0.00390625 if k & 8 else 1.0
    s *= 1.52587890625e-05 if k & 16 else 1.0
    s *= 2.3283064365386963e-10 if k & 32 else 1.0
    s *= 5.421010862427522e-20 if k & 64 else 1.0
    return p * s


@numba.njit(inline="always", fastmath={"contract"}, error_model="numpy")
def log1p_unit(t):
    """``log1p(t)`` for ``0 <= t <= 1`` to a few ulp, branch-free.

    ``log(1 + t) = 2 atanh(s)`` with ``s = t / (2 + t)``; above ``t = sqrt(2) - 1``,
    ``log(1 + t) = ln 2 + 2 atanh(s)`` with ``s = (t - 1) / (t + 3)``. Either way
    ``|s| <= 0.1716``, and the odd series of atanh in ``s**2 <= 0.0295`` to ``s**23`` leaves a
    relative remainder below 1e-18; a small ``t`` keeps full relative precision (``s`` is
    exact to rounding).
    """
    hi = t > _SQRT2_M1
    return _log1p_from(t, hi, 1.0 / ((t + 3.0) if hi else (2.0 + t)))


@numba.njit(inline="always", fastmath={"contract"}, error_model="numpy")
def _log1p_from(t, hi, inv_d):
    """:func:`log1p_unit` given ``hi`` and the reciprocal of its denominator ``inv_d``."""
    s = ((t - 1.0) if hi else t) * inv_d
    z = s * s
    p = _horner(z, _ATANH_COEFFS)
    return (_LN2_HI + _LN2_LO if hi else 0.0) + 2.0 * s * p


@numba.njit(inline="always", fastmath={"contract"}, error_model="numpy")
def softplus_sigmoid(z):
    """``(log(1 + exp(z)), 1 / (1 + exp(-z)))``, stable for any ``z``.

    One division serves both: with ``t = exp(-|z|)`` and ``d`` the denominator of
    :func:`log1p_unit`, ``w = 1 / ((1 + t) d)`` gives ``1 / (1 + t) = d w`` and
    ``1 / d = (1 + t) w`` (divisions cost as much as the rest of the arithmetic).
    """
    pos = z >= 0.0
    t = exp_neg(z if pos else -z)
    hi = t > _SQRT2_M1
    d = (t + 3.0) if hi else (2.0 + t)
    w = 1.0 / ((1.0 + t) * d)
    sp = (z if pos else 0.0) + _log1p_from(t, hi, (1.0 + t) * w)
    return sp, (1.0 if pos else t) * (d * w)
