"""Distance bounds of the exact accelerated Lloyd variants, kept safe from rounding.

Lloyd compares squared distances computed as ``|x|² − 2x·c + |c|²``, whose absolute error is
at most ``delta`` (see :func:`rounding_error`). The bounds here are bounds on the *true*
distances (widened by ``delta`` when they come from that formula), and a row is skipped only
when ``lower² − upper² > 2·delta``: then every other centre is truly farther by more than both
computations can err, so Lloyd's argmin could not have changed.

Two kinds share one interface (``threshold``, ``refine``, ``settle``, ``reset``,
``loosen``):

- :class:`HamerlyBounds`: one lower bound per row, on the distance to every centre but its
  own (O(n) memory; best in low dimension).
- :class:`ElkanBounds`: Hamerly's as a first filter, then one lower bound per row and centre
  (O(n·k) memory; far tighter in high dimension).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .kernels import assign
from .sparse import is_sparse, sparse_sq_distances_to_own


def rounding_error(X, x_sq, centers) -> float:
    """Worst-case absolute error of a squared distance computed by the expanded formula.

    Each of ``|x|²``, ``x·c`` and ``|c|²`` is a sum of ``d`` products, in error by at most
    ``d·eps`` times the sum of magnitudes; with ``R² = max(|x|², |c|²)`` the total error is
    below ``(d + 3)·eps·4·R²``.
    """
    eps = float(np.finfo(X.dtype).eps)
    c = centers.astype(np.float64)
    radius_sq = max(float(x_sq.max()) if x_sq.size else 0.0,
                    float(np.einsum("ij,ij->i", c, c).max()))
    return (X.shape[1] + 3) * eps * 4.0 * radius_sq


class Round(NamedTuple):
    """What one re-check of the bounds needs about the current centres."""

    centers: np.ndarray
    delta: float
    half_gap: np.ndarray  # (k,): the largest upper bound the nearest other centre's gap proves

    @classmethod
    def of(cls, X, x_sq, centers):
        delta = rounding_error(X, x_sq, centers)
        c = centers.astype(np.float64)
        c_sq = np.einsum("ij,ij->i", c, c)
        gaps = np.sqrt(np.maximum(c_sq[:, None] - 2.0 * (c @ c.T) + c_sq[None, :], 0.0))
        np.fill_diagonal(gaps, np.inf)
        # d(x, c_j) >= g - u, and (g - u)² - u² > 2·delta holds while u < g/2 - delta/g.
        with np.errstate(divide="ignore", invalid="ignore"):
            half = np.where(gaps > 0, 0.5 * gaps - delta / gaps, 0.0)
        return cls(centers, delta, half.min(axis=1).astype(X.dtype))


def _proving(lower, delta):
    """Largest true distance to the own centre for which a lower bound still proves a label."""
    positive = np.maximum(lower, 0.0)  # a bound loosened below zero proves nothing
    return np.sqrt(np.maximum(positive * positive - 2.0 * delta, 0.0))


def lower_from(sq, delta):
    """Guaranteed lower bound on true distances from squared distances computed with error."""
    return np.sqrt(np.maximum(sq - delta, 0))


def upper_from(sq, delta):
    """Guaranteed upper bound on true distances from squared distances computed with error."""
    return np.sqrt(sq + delta)


class HamerlyBounds:
    """One lower bound per row: on the distance to every centre but its own."""

    needs_all_distances = False

    def __init__(self, first, delta):
        self.lower = lower_from(first.runner_up, delta)

    def reset(self, rows, result, delta):
        self.lower[rows] = lower_from(result.runner_up, delta)

    def loosen(self, shift, labels):
        if shift.size > 1:
            top = int(np.argmax(shift))
            drop = np.full(shift.size, shift[top], dtype=self.lower.dtype)
            drop[top] = np.max(np.delete(shift, top))
            self.lower -= drop[labels]

    def threshold(self, labels, now: Round):
        """Largest upper bound that still proves each row's label."""
        proved = _proving(self.lower, now.delta).astype(self.lower.dtype)
        return np.maximum(now.half_gap[labels], proved)

    def refine(self, rows, threshold, now: Round):
        """A sharper threshold for ``rows``; Hamerly has none sharper."""
        return threshold[rows]

    def settle(self, X, x_sq, rows, labels, upper, threshold, now: Round):
        """Label ``rows`` as Lloyd would: tighten their upper bounds (the distance to the
        own centre), then compute all distances of the rows still unproved."""
        eps = float(np.finfo(X.dtype).eps)
        if is_sparse(X):
            # The expanded formula over the stored values, in float64: within ``delta``.
            own = sparse_sq_distances_to_own(X[rows], x_sq[rows], now.centers, labels[rows])
            tight = upper_from(own, now.delta).astype(upper.dtype)
        else:
            diff = X[rows]
            diff -= now.centers[labels[rows]]
            # Computed from differences: relative error below (d + 2)·eps.
            tight = np.sqrt(np.einsum("ij,ij->i", diff, diff)) * (1 + (X.shape[1] + 2) * eps)
        upper[rows] = tight
        still = tight >= threshold[rows]  # a tie (0 = 0: a duplicate centre) is unproved
        if np.any(still):
            self.recompute(X, x_sq, rows[still], labels, upper, now)

    def recompute(self, X, x_sq, rows, labels, upper, now: Round):
        """Distances of ``rows`` to every centre, with the kernel Lloyd uses."""
        result = assign(X[rows], x_sq[rows], now.centers, second=True,
                        everything=self.needs_all_distances)
        labels[rows], upper[rows] = result.labels, upper_from(result.best, now.delta)
        self.reset(rows, result, now.delta)


class ElkanBounds(HamerlyBounds):
    """Hamerly's bound as a filter, then one lower bound per row and centre for the rows
    it lets through.

    The per-centre bounds are stored *anchored*: each entry holds the bound when it was
    set plus the centre's cumulative shift at that time, so the bound now is the entry
    less the centre's cumulative shift now. No ``n × k`` pass is made per iteration, and
    checking a row is one subtraction and one minimum over its ``k`` entries.
    """

    needs_all_distances = True

    def __init__(self, first, delta):
        super().__init__(first, delta)
        self.drift = np.zeros(first.distances.shape[1])  # cumulative shifts, float64
        self.anchored = np.empty_like(first.distances)
        self.largest = 0.0  # largest finite anchored entry, for the rounding slack
        self._anchor(slice(None), first, delta)

    def _anchor(self, rows, result, delta):
        anchored = lower_from(result.distances, delta)
        anchored += self.drift.astype(anchored.dtype)
        if anchored.size:
            self.largest = max(self.largest, float(anchored.max()))
        anchored[np.arange(result.labels.size), result.labels] = np.inf
        self.anchored[rows] = anchored

    def reset(self, rows, result, delta):
        super().reset(rows, result, delta)
        self._anchor(rows, result, delta)

    def loosen(self, shift, labels):
        super().loosen(shift, labels)
        self.drift += shift

    def _lowered(self, rows):
        """Lower bounds now of ``rows`` to every centre (``inf`` for the own centre)."""
        dtype = self.anchored.dtype
        # Storing, anchoring and subtracting in ``dtype`` each round by at most half an ulp.
        slack = 2 * float(np.finfo(dtype).eps) * (self.largest + float(self.drift.max()))
        return self.anchored[rows] - (self.drift + slack).astype(dtype)

    def refine(self, rows, threshold, now: Round):
        # The per-centre bounds' minimum bounds every other centre: it sharpens Hamerly's.
        nearest_other = np.maximum(self.lower[rows], self._lowered(rows).min(axis=1))
        self.lower[rows] = nearest_other
        dtype = self.anchored.dtype
        return np.maximum(threshold[rows], _proving(nearest_other, now.delta).astype(dtype))
