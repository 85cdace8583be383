"""Dyadic predictors of a case: strategic rivalry, distance and shared IGOs.

:class:`Dyads` adds, to a table of (supporter, target, aggressor, date) rows, the columns
``rival_aggressor``, ``rival_target`` (Thompson, Sakuwa & Suhas strategic rivalries in force in
the attack year), ``distance_km`` (CShapes 2.0 minimum distance from the supporter to the
target, 1886-2019; before 1886 and where a pair is missing, the great-circle distance between
the capitals on the attack date, flagged by ``distance_capitals``) and ``shared_igos`` (COW IGO
v3.0, to 2014). Past a source's last year its last year's values are carried forward (the
codebook's rule); rivalries ongoing at the end of the data (2020) continue unless
``data/rivalry_changes.csv`` ends them.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

__all__ = [
    "IGO_LAST_YEAR",
    "MINDIST_FIRST_YEAR",
    "MINDIST_LAST_YEAR",
    "RIVALRY_LAST_YEAR",
    "Dyads",
]

MINDIST_FIRST_YEAR = 1886
MINDIST_LAST_YEAR = 2019
IGO_LAST_YEAR = 2014
RIVALRY_LAST_YEAR = 2020
_OPEN = 10**4
_EARTH_KM = 6371.0088


class Dyads:
    """Lookups of the dyadic predictors.

    Parameters
    ----------
    rivalries : pandas.DataFrame
        From :func:`~forecast.sources.derived.read_rivalries`.
    mindist : pandas.DataFrame
        From :func:`~forecast.sources.derived.read_mindist`.
    capitals : pandas.DataFrame
        From :func:`~forecast.sources.derived.read_capitals`.
    igos : pandas.DataFrame
        From :func:`~forecast.sources.derived.read_igos`.
    rivalry_changes : pandas.DataFrame, optional
        From :func:`~forecast.sources.embedded.read_rivalry_changes`.
    """

    def __init__(self, rivalries, mindist, capitals, igos, rivalry_changes=None):
        spells: dict[tuple[int, int], list[list]] = defaultdict(list)
        for r in rivalries.itertuples(index=False):
            end = _OPEN if r.end >= RIVALRY_LAST_YEAR else int(r.end)
            spells[_pair(r.ccode1, r.ccode2)].append([int(r.start), end, f"TSS {r.tssr_id}"])
        if rivalry_changes is not None:
            for r in rivalry_changes.sort_values("year", kind="stable").itertuples(index=False):
                key = _pair(r.ccode1, r.ccode2)
                if r.change == "begin":
                    spells[key].append([int(r.year), _OPEN, "data/rivalry_changes.csv"])
                else:
                    for sp in spells[key]:
                        if sp[1] == _OPEN:
                            sp[1] = int(r.year)
        self._rivals = dict(spells)
        self._mindist = mindist.set_index(["ccode1", "ccode2", "year"])["mindist"]
        self._igos = igos.set_index(["ccode1", "ccode2", "year"])["dyadigos"]
        # ccode -> its capitals' (start, end, lat, lng), oldest first
        self._capitals: dict[int, list[tuple]] = {}
        for r in capitals.itertuples(index=False):
            self._capitals.setdefault(int(r.ccode), []).append((r.start, r.end, r.lat, r.lng))
        for spells in self._capitals.values():
            spells.sort(key=lambda sp: sp[0])

    def rival(self, a: int, b: int, year: int) -> bool:
        """Return whether ``a`` and ``b`` were strategic rivals in ``year``."""
        return any(s <= year <= e for s, e, _ in self._rivals.get(_pair(a, b), ()))

    def rivals_in_force(self, year: int) -> pd.DataFrame:
        """Return every rivalry in force in ``year``: ``ccode1, ccode2, source``."""
        rows = [
            (a, b, src)
            for (a, b), spells in sorted(self._rivals.items())
            for s, e, src in spells
            if s <= year <= e
        ]
        return pd.DataFrame(rows, columns=["ccode1", "ccode2", "source"])

    def capital_distance(self, a: int, b: int, date: pd.Timestamp) -> float | None:
        """Return the great-circle distance in km between the capitals on ``date``."""
        pa, pb = self._capital(a, date), self._capital(b, date)
        if pa is None or pb is None:
            return None
        return _haversine(*pa, *pb)

    def _capital(self, ccode: int, date: pd.Timestamp) -> tuple[float, float] | None:
        spells = self._capitals.get(int(ccode))
        if not spells:
            return None
        live = [sp for sp in spells if sp[0] <= date <= sp[1]]
        # outside every spell: the capital whose spell starts nearest the date
        row = live[-1] if live else min(spells, key=lambda sp: abs(sp[0] - date))
        return float(row[2]), float(row[3])

    def add(self, table: pd.DataFrame, dates: pd.Series) -> pd.DataFrame:
        """Add the dyadic predictor columns to a table of cases.

        Parameters
        ----------
        table : pandas.DataFrame
            Rows with integer ``supporter_ccode``, ``target_ccode``, ``aggressor_ccode`` and
            ``year``.
        dates : pandas.Series
            The attack date of each row (for capitals).

        Returns
        -------
        pandas.DataFrame
            ``table`` with ``rival_aggressor``, ``rival_target``, ``distance_km``,
            ``distance_capitals`` and ``shared_igos``.
        """
        s = table.supporter_ccode.astype(int).to_numpy()
        t = table.target_ccode.astype(int).to_numpy()
        a = table.aggressor_ccode.astype(int).to_numpy()
        y = table.year.astype(int).to_numpy()
        out = table.copy()
        out["rival_aggressor"] = [int(self.rival(*k)) for k in zip(s, a, y, strict=True)]
        out["rival_target"] = [int(self.rival(*k)) for k in zip(s, t, y, strict=True)]
        lo, hi = np.minimum(s, t), np.maximum(s, t)
        dist_year = np.minimum(y, MINDIST_LAST_YEAR)
        keys = pd.MultiIndex.from_arrays([lo, hi, dist_year])
        dist = self._mindist.reindex(keys).to_numpy()
        dist = np.where(y >= MINDIST_FIRST_YEAR, dist, np.nan)
        capitals = np.isnan(dist)
        for i in np.flatnonzero(capitals):
            d = self.capital_distance(int(s[i]), int(t[i]), dates.iloc[i])
            dist[i] = np.nan if d is None else d
        out["distance_km"] = dist
        out["distance_capitals"] = pd.array(
            np.where(np.isnan(dist), None, capitals.astype(int)), dtype="Int64"
        )
        igo_keys = pd.MultiIndex.from_arrays([lo, hi, np.minimum(y, IGO_LAST_YEAR)])
        out["shared_igos"] = self._igos.reindex(igo_keys).to_numpy()
        return out


def _pair(a, b) -> tuple[int, int]:
    a, b = int(a), int(b)
    return (a, b) if a < b else (b, a)


def _haversine(lat1, lng1, lat2, lng2) -> float:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(lng2 - lng1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return float(2 * _EARTH_KM * np.arcsin(np.sqrt(h)))
