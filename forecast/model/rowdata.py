"""The observed rows of a design laid out for the fused likelihood's kernel.

:func:`forecast.model.likelihood.row_kernel` reads the rows sorted by cell (their
combination of conflict, era, alliance and alliance-in-conflict levels), the flag columns as
a few distinct **patterns**, the other columns per row in single precision, and the
outcomes as signs and weights: :class:`FusedData` builds those arrays once per design.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..design import Design

__all__ = ["FusedArrays", "FusedData"]


class FusedArrays(NamedTuple):
    """The data arguments of :func:`~forecast.model.likelihood.row_kernel`, in its order.

    The fields are :class:`FusedData`'s attributes of the same names.
    """

    patterns: np.ndarray
    pattern_cols: np.ndarray
    continuous: np.ndarray
    continuous_cols: np.ndarray
    pattern: np.ndarray
    supporter: np.ndarray
    cell: np.ndarray
    cell_start: np.ndarray
    sign_a: np.ndarray
    sign_t: np.ndarray
    weight_t: np.ndarray
    ordered_rows: np.ndarray
    ordered_y: np.ndarray
    cell_levels_t: np.ndarray
    cell_levels_a: np.ndarray


class FusedData:
    """The observed rows of a design in the form the likelihood's kernel reads.

    See :func:`forecast.model.likelihood.row_kernel`.

    Parameters
    ----------
    design : Design
        The training design.
    cell_of_row : numpy.ndarray
        Per design row, the index of its cell (its combination of conflict, era, alliance and
        alliance-in-conflict levels), as :func:`forecast.model.build_model` numbers them.
    centre : numpy.ndarray
        The covariates' training means, subtracted from ``X`` (the graph's centring).
    n_supporters : int
        Length of the supporter-effect vector the kernel receives; rows without a supporter
        level (index ``-1``) point at its last entry, which the graph sets to 0.
    cell_levels_t : numpy.ndarray
        Per cell, the positions of its target-side group effects in the kernel's ``geff_t``
        (``(n_cells, n_groups)``; a cell without a level of a group points at the last
        entry, a 0).
    cell_levels_a : numpy.ndarray
        Per cell, the position of its aggressor-side effect in ``geff_a``.

    Attributes
    ----------
    patterns : numpy.ndarray
        Distinct centred values of the columns with at most two values, ``(n_patterns,
        n_pattern_cols)``.
    pattern_cols, continuous_cols : numpy.ndarray
        Positions of those columns and of the others in ``X``.
    continuous : numpy.ndarray
        The centred values of the other columns, ``(n_continuous_cols, n_observed_rows)``,
        in single precision.
    pattern, supporter, cell : numpy.ndarray
        Per observed row, its pattern, supporter-effect index and cell. Rows are sorted by
        cell.
    cell_start : numpy.ndarray
        Cell ``c`` holds rows ``cell_start[c]`` to ``cell_start[c + 1]`` (cells without an
        observed row hold none).
    sign_a, sign_t, weight_t : numpy.ndarray
        ``1 - 2 y`` for the aggressor side and for ``military``; ``weight_t`` 1 where the
        target side is a Bernoulli on ``military`` (rows coded only for fighting that did
        not fight for the aggressor), else 0 (single precision, like every per-row
        value the kernel's vectorised loop reads).
    ordered_rows, ordered_y : numpy.ndarray
        Rows (positions among the observed) with a coded level of help that did not fight
        for the aggressor, and their level 0..3.
    cell_levels_t, cell_levels_a : numpy.ndarray
        As given.
    """

    def __init__(
        self,
        design: Design,
        cell_of_row: np.ndarray,
        centre: np.ndarray,
        n_supporters: int,
        cell_levels_t: np.ndarray,
        cell_levels_a: np.ndarray,
    ) -> None:
        obs = design.observed
        cells_all = np.asarray(cell_of_row, dtype=np.int64).ravel()
        # rows sorted by cell, so that each cell's effects are read and summed once
        order = np.argsort(cells_all[obs], kind="stable")
        rows = np.flatnonzero(obs)[order]
        X = design.X[rows] - centre
        kinds = np.array([len(np.unique(design.X[:, j])) <= 2 for j in range(X.shape[1])])
        self.pattern_cols = np.flatnonzero(kinds).astype(np.int64)
        self.continuous_cols = np.flatnonzero(~kinds).astype(np.int64)
        patterns, pattern = np.unique(X[:, self.pattern_cols], axis=0, return_inverse=True)
        self.patterns = np.ascontiguousarray(patterns, dtype=np.float64)
        self.pattern = np.ascontiguousarray(pattern.ravel(), dtype=np.int64)
        # one row per continuous column, for the kernel's matrix-vector products
        self.continuous = np.ascontiguousarray(X[:, self.continuous_cols].T, dtype=np.float32)
        sup = design.index["supporter"][rows]
        self.supporter = np.where(sup < 0, n_supporters - 1, sup).astype(np.int64)
        n_cells = int(cells_all.max()) + 1 if len(cells_all) else 0
        self.cell = np.ascontiguousarray(cells_all[rows], dtype=np.int64)
        self.cell_start = np.searchsorted(self.cell, np.arange(n_cells + 1)).astype(np.int64)
        self.sign_a = (1.0 - 2.0 * design.aggressor[rows]).astype(np.float32)
        mil_only = design.target_military[rows]
        self.weight_t = mil_only.astype(np.float32)
        self.sign_t = np.where(mil_only, 1.0 - 2.0 * design.military[rows], 1.0).astype(np.float32)
        ordered = design.target_response[rows]
        self.ordered_rows = np.flatnonzero(ordered).astype(np.int64)
        self.ordered_y = design.y[rows][ordered].astype(np.int64)
        self.cell_levels_t = np.ascontiguousarray(cell_levels_t, dtype=np.int64)
        self.cell_levels_a = np.ascontiguousarray(cell_levels_a, dtype=np.int64)
        if len(self.cell_levels_a) != n_cells or len(self.cell_levels_t) != n_cells:
            raise ValueError(f"cell levels for {n_cells} cells expected")

    def arrays(self) -> FusedArrays:
        """The data arguments of :func:`row_kernel`, in order."""
        return FusedArrays(*(getattr(self, name) for name in FusedArrays._fields))
