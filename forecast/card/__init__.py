"""The model card: a markdown page saying what a fit is, what it rests on, how far to trust it.

- :mod:`~forecast.card.render`: the card of a fit (:func:`render_model_card`,
  :func:`write_model_card`): data fingerprint, priors, odds ratios in plain words, invoked
  commitments, diagnostics, checks and limitations;
- :mod:`~forecast.card.evaluation`: its out-of-sample sections, from the evaluation documents
  saved beside the fit.
"""

from .render import render_model_card, write_model_card

__all__ = ["render_model_card", "write_model_card"]
