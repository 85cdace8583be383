"""Convergence diagnostics after every fit: r-hat, bulk/tail ESS, divergences, E-BFMI."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

#: Suffixes of the sampler's raw variables (non-centred effects, centred cutpoints and
#: intercept, the correlation's unit-interval form): functions of stored variables, neither
#: stored nor diagnosed.
RAW_SUFFIXES: tuple[str, ...] = ("_z", "_centred", "_unit")

#: Convergence rule: every parameter's r-hat <= 1.01, bulk and tail ESS >= 400, no
#: divergences, E-BFMI >= 0.3 in every chain.
RULES: dict[str, float] = {"rhat": 1.01, "ess": 400.0, "ebfmi": 0.3}


# ---------------------------------------------------------------------------------------------
# diagnostics


@dataclass(frozen=True)
class Diagnostics:
    """Convergence diagnostics of a fit.

    Parameters
    ----------
    max_rhat : float
        Largest rank-normalised split r-hat over all parameters.
    min_ess_bulk, min_ess_tail : float
        Smallest bulk and tail effective sample sizes.
    divergences : int
        Divergent transitions after tuning.
    ebfmi : tuple of float
        E-BFMI per chain.
    converged : bool
        Whether the rule holds: r-hat <= 1.01, both ESS >= 400, no divergences, every
        E-BFMI >= 0.3.
    """

    max_rhat: float
    min_ess_bulk: float
    min_ess_tail: float
    divergences: int
    ebfmi: tuple[float, ...]
    converged: bool

    def problems(self) -> list[str]:
        """List the broken rules in words.

        Returns
        -------
        list of str
            Empty when converged.
        """
        out = []
        if not self.max_rhat <= RULES["rhat"]:
            out.append(f"max r-hat {self.max_rhat:.4f} > {RULES['rhat']}")
        if not self.min_ess_bulk >= RULES["ess"]:
            out.append(f"min bulk ESS {self.min_ess_bulk:.0f} < {RULES['ess']:.0f}")
        if not self.min_ess_tail >= RULES["ess"]:
            out.append(f"min tail ESS {self.min_ess_tail:.0f} < {RULES['ess']:.0f}")
        if self.divergences:
            out.append(f"{self.divergences} divergent transitions")
        low = [f"{b:.2f}" for b in self.ebfmi if not b >= RULES["ebfmi"]]
        if low:
            out.append(f"E-BFMI {', '.join(low)} < {RULES['ebfmi']}")
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the diagnostics as a JSON-ready dict.

        Returns
        -------
        dict
            Field names to plain Python values.
        """
        d = asdict(self)
        d["ebfmi"] = list(self.ebfmi)
        return d


def diagnose(idata) -> Diagnostics:
    """Compute :class:`Diagnostics` from a DataTree with ``posterior`` and ``sample_stats``.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit's results.

    Returns
    -------
    Diagnostics
        Worst values over every posterior variable and element.
    """
    import arviz as az

    post = idata["posterior"].to_dataset()
    post = post[[v for v in post.data_vars if not str(v).endswith(RAW_SUFFIXES)]]

    def worst(ds, fn) -> float:
        vals = [np.asarray(ds[v]).ravel() for v in ds.data_vars]
        flat = np.concatenate(vals) if vals else np.array([np.nan])
        flat = flat[np.isfinite(flat)]
        return float(fn(flat)) if flat.size else float("nan")

    max_rhat = worst(az.rhat(post), np.max)
    ess_bulk = worst(az.ess(post, method="bulk"), np.min)
    ess_tail = worst(az.ess(post, method="tail"), np.min)
    stats = idata["sample_stats"].to_dataset()
    divergences = int(np.asarray(stats["diverging"]).sum()) if "diverging" in stats else 0
    ebfmi = tuple(float(x) for x in np.asarray(az.bfmi(stats)["energy"]).ravel())
    converged = (
        max_rhat <= RULES["rhat"]
        and ess_bulk >= RULES["ess"]
        and ess_tail >= RULES["ess"]
        and divergences == 0
        and all(b >= RULES["ebfmi"] for b in ebfmi)
    )
    return Diagnostics(max_rhat, ess_bulk, ess_tail, divergences, ebfmi, bool(converged))
