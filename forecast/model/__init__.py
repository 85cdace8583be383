"""The hierarchical ordered-response model: build, fit, diagnose, save, load, predict.

The outcome is a supporter's level of help, ``none < diplomatic < material < military``, under a
cumulative logit with three ordered cutpoints ``c1 < c2 < c3``::

    P(response <= k) = logistic(c[k] - eta),    k = 1, 2, 3

    eta = X @ beta + supporter[s] + conflict[j] + alliance[a] + era[e] + alliance_conflict[a, j]

The sampler sees the covariates centred at their training means (``X - mean(X)``) and the
cutpoints of that average row; the stored ``cutpoints`` are those of the formula above, so
predictions use ``X`` as it is.

Rows with a coded ``response`` use the ordered-logistic likelihood. Rows where only
``military`` is coded use the same model's top category, ``P(military) = 1 - logistic(c3 -
eta) = logistic(eta - c3)``, as a Bernoulli; nothing is imputed. Rows without an alliance get
no alliance or alliance-within-conflict effect (design index ``-1``).

Group effects are zero-sum normal (:class:`pymc.ZeroSumNormal`) with a half-normal scale each;
they sum to zero over the levels seen in training, so the cutpoints carry the overall level.
A new level (a new conflict, an unknown supporter) is drawn from ``Normal(0, sigma)`` per
posterior draw (:meth:`Fit.draws_for`). Predictions need numpy only
(:func:`linear_predictor`, :func:`category_probs`).

Priors are data (:data:`DEFAULT_PRIORS`); user priors are laid over them by name.

The package holds one idea per module (``ARCHITECTURE.md``): :mod:`.priors` (priors as data),
:mod:`.backend` (the PyMC graph), :mod:`.fitting` (:func:`fit` and the :class:`Fit` result),
:mod:`.diagnostics`, :mod:`.precision` (bit rounding of the draws), :mod:`.persist` (save
and :func:`load`), :mod:`.compact` (thinning and the shipped forecasting posterior),
:mod:`.predictive` (numpy prediction) and :mod:`.simulate` (prior
predictive draws and simulated tables).
"""

# names re-exported as before the split (``X as X``: tests, scripts and benchmarks use them)
from .. import __version__ as __version__
from ..design import make_design as make_design
from ..errors import ConvergenceWarning
from .backend import CENTRE_FROM as CENTRE_FROM
from .backend import build_model, group_parametrization
from .compact import compact, thin
from .defaults import SAMPLER_DEFAULTS as SAMPLER_DEFAULTS
from .diagnostics import RULES as RULES
from .diagnostics import Diagnostics, diagnose
from .fitting import Fit, data_hash, fit, posterior_draws
from .persist import FORMAT as FORMAT
from .persist import load
from .predictive import (
    CUTPOINTS,
    aggressor_logit,
    category_probs,
    contributions,
    linear_predictor,
    outcome_probs,
    pointwise_log_likelihood,
)
from .priors import DEFAULT_PRIORS, draw_prior, merge_priors
from .priors import _scale_draws as _scale_draws
from .simulate import SIM_ALPHA_AGGRESSOR as SIM_ALPHA_AGGRESSOR
from .simulate import SIM_BETA as SIM_BETA
from .simulate import SIM_BETA_AGGRESSOR as SIM_BETA_AGGRESSOR
from .simulate import SIM_CUTPOINTS as SIM_CUTPOINTS
from .simulate import SIM_RHO_CONFLICT as SIM_RHO_CONFLICT
from .simulate import SIM_SIGMA as SIM_SIGMA
from .simulate import prior_predictive, simulate_cases

__all__ = [
    "CUTPOINTS",
    "DEFAULT_PRIORS",
    "ConvergenceWarning",
    "Diagnostics",
    "Fit",
    "aggressor_logit",
    "build_model",
    "category_probs",
    "compact",
    "contributions",
    "data_hash",
    "diagnose",
    "draw_prior",
    "fit",
    "group_parametrization",
    "linear_predictor",
    "load",
    "merge_priors",
    "outcome_probs",
    "pointwise_log_likelihood",
    "posterior_draws",
    "prior_predictive",
    "simulate_cases",
    "thin",
]
