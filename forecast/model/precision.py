"""Bit rounding of posterior draws: keep the precision the posterior's spread warrants.

A float32 draw carries 23 mantissa bits, most of them Monte Carlo noise: a posterior summary is
uncertain to about 1/sqrt(ESS) of the posterior standard deviation (4% at an ESS of 600), so
digits far below that are not information. Setting the bits beyond what is needed to zero lets
NetCDF's shuffle and deflate filters compress the draws far better (bit rounding, as
``numcodecs.BitRound``; Klöwer et al. 2021, "Compressing atmospheric data into its real
information content", *Nature Computational Science* 1: 713-724). Files stay plain float32
that any NetCDF reader opens.

:func:`forecast.model.fit` does it in two steps, after the convergence diagnostics and in
memory (so that a fit and the same fit saved and loaded hold the same draws):

- every draw to :data:`KEEP_BITS` bits (relative error at most 2**-11, 0.05%);
- then each element of each posterior variable (each coefficient, each conflict's effect) to
  the fewest bits, at most :data:`KEEP_BITS`, that keep every draw's rounding error within
  :data:`SPREAD_TOLERANCE` of that element's posterior standard deviation (all
  :data:`KEEP_BITS` where even those do not: an element far from zero with a narrow posterior)
  (:func:`spread_bits`). Means move by far less (the errors are unbiased and average out),
  quantiles by at most that tolerance.

On the default fit of the embedded table this keeps 8 or 9 bits of most effects and, with
thinning and chunks of one chain's draws, brings the saved fit under 100 MB (README,
"Performance"; ``tests/benchmarks/bench_filesize.py``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["KEEP_BITS", "SPREAD_TOLERANCE", "round_bits", "round_to_spread", "spread_bits"]

#: Significant bits kept of each draw's float32 mantissa (of 23) by :func:`forecast.model.fit`.
KEEP_BITS = 10
#: A saved draw's rounding error is at most this share of its element's posterior sd.
SPREAD_TOLERANCE = 0.01


def round_bits(values: np.ndarray, keep=None) -> np.ndarray:
    """Round float32 values to ``keep`` significant mantissa bits (round half to even).

    The discarded low bits are set to zero. A value ``x`` keeps a relative error of at most
    ``2**-(keep + 1)``. Rounding twice to the same bits gives the same values as rounding once.

    Parameters
    ----------
    values : numpy.ndarray
        float32 values (other dtypes are returned unchanged, as a copy).
    keep : int or array of int, optional
        Mantissa bits kept, 1 to 23 (23 keeps every bit), one for all values or an array
        broadcast against ``values`` (one per element); default :data:`KEEP_BITS`.

    Returns
    -------
    numpy.ndarray
        A new array of the same shape and dtype; infinities and NaN keep their bits.

    Raises
    ------
    ValueError
        If any ``keep`` is outside 1 to 23.
    """
    values = np.asarray(values)
    keep = np.asarray(KEEP_BITS if keep is None else keep)
    if keep.dtype.kind not in "iu" or (keep < 1).any() or (keep > 23).any():
        raise ValueError(f"keep must be 1 to 23 mantissa bits, not {keep!r}")
    if values.dtype != np.float32:
        return values.copy()
    drop = np.broadcast_to((23 - keep).astype(np.uint32), values.shape)
    bits = values.view(np.uint32)
    half = (np.uint32(1) << (np.maximum(drop, 1) - 1)) - np.uint32(1)  # just under half an ulp
    rounded = bits + ((bits >> drop) & np.uint32(1)) + np.where(drop > 0, half, np.uint32(0))
    rounded &= (np.uint32(0xFFFFFFFF) >> drop) << drop
    out = np.where((drop > 0) & np.isfinite(values), rounded, bits).astype(np.uint32)
    return out.view(np.float32)


def spread_bits(
    draws: np.ndarray, tolerance: float = SPREAD_TOLERANCE, most: int = KEEP_BITS
) -> np.ndarray:
    """Bits to keep per element so that rounding errs by at most ``tolerance`` sd.

    With ``k`` bits a value errs by at most ``|x| * 2**-(k + 1)``, so an element whose draws
    reach ``max |x|`` with posterior sd ``s`` needs ``k >= log2(max |x| / (tolerance * s)) - 1``.

    Parameters
    ----------
    draws : numpy.ndarray
        Draws with the sample dimensions first: shape ``(chain, draw, *element)``.
    tolerance : float, default :data:`SPREAD_TOLERANCE`
        Largest rounding error, as a share of the element's posterior sd.
    most : int, default :data:`KEEP_BITS`
        Bits kept at most (also where the sd is 0 or not finite).

    Returns
    -------
    numpy.ndarray
        int array of shape ``element``, each 1 to ``most``.
    """
    x = np.asarray(draws, dtype=np.float64)
    flat = x.reshape((x.shape[0] * x.shape[1], *x.shape[2:]))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        reach = np.nanmax(np.abs(flat), axis=0) if len(flat) else np.zeros(flat.shape[1:])
        need = np.ceil(np.log2(reach / (tolerance * np.nanstd(flat, axis=0))) - 1)
    need = np.where(np.isfinite(need), need, most)
    return np.clip(need, 1, most).astype(np.int64)


def round_to_spread(ds, tolerance: float = SPREAD_TOLERANCE, most: int = KEEP_BITS):
    """Round a posterior Dataset's float32 variables element by element (:func:`spread_bits`).

    Parameters
    ----------
    ds : xarray.Dataset
        The posterior, each variable with dims ``(chain, draw, ...)``.
    tolerance, most
        As in :func:`spread_bits`.

    Returns
    -------
    xarray.Dataset
        A new Dataset; variables that are not float32 or lack ``chain``/``draw`` are kept.
        Its attributes record the rounding (``bit_rounding_tolerance``,
        ``bit_rounding_most_bits``); a Dataset that already has them is returned unchanged.
    """
    if "bit_rounding_tolerance" in ds.attrs:
        return ds
    out = {}
    for name, var in ds.data_vars.items():
        if var.dtype != np.float32 or var.dims[:2] != ("chain", "draw") or var.size == 0:
            continue
        keep = spread_bits(var.values, tolerance, most)
        out[name] = var.copy(data=round_bits(var.values, keep))
    ds = ds.assign(out)
    ds.attrs = {
        **ds.attrs,
        "bit_rounding_tolerance": float(tolerance),
        "bit_rounding_most_bits": int(most),
    }
    return ds
