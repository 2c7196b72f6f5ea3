"""Exact bound-based Lloyd (Hamerly 2010; Elkan 2003), vectorised over chunks of rows.

Each row keeps an upper bound on the distance to its own centre and lower bounds on the
distances to the other centres: one bound for all of them (Hamerly: O(n) memory, best in
low dimension) or one per centre (Elkan: O(n·k) memory, far tighter in high dimension).
After the centres move, the bounds are loosened by the shifts; only rows whose bounds no
longer prove their label have their distances computed again, with the same ``|x|² − 2x·c +
|c|²`` kernel Lloyd uses. The centre update is Lloyd's own, over all rows, in the same
summation order, so from the same initial centres labels and centres are those of
:func:`lloyd.lloyd`, bit for bit.

Floating-point safety: Lloyd compares distances computed as ``|x|² − 2x·c + |c|²``, whose
absolute error is at most ``delta`` (see :func:`rounding_error`). The bounds here are kept as
guaranteed bounds on the *true* distances (widened by ``delta`` when they come from that
formula), and a row is skipped only when ``lower² − upper² > 2·delta``: then every other
centre is truly farther by more than both computations can err, so Lloyd's argmin could not
have changed.
"""

from __future__ import annotations

import numpy as np

from .kernels import assign, chunk_rows, chunks, inertia
from .lloyd import CenterUpdater

# Cost of gathering and re-checking one suspect row, in units of one row-to-centre distance
# inside a contiguous BLAS pass (measured on MNIST-like and pixel data).
GATHER_COST = 40.0


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


def _center_gaps(centers):
    """Distances between centres (float64), with +inf on the diagonal."""
    c = centers.astype(np.float64)
    c_sq = np.einsum("ij,ij->i", c, c)
    gaps = np.sqrt(np.maximum(c_sq[:, None] - 2.0 * (c @ c.T) + c_sq[None, :], 0.0))
    np.fill_diagonal(gaps, np.inf)
    return gaps


def _proving(lower, delta):
    """Largest true distance to the own centre for which a lower bound still proves a label."""
    positive = np.maximum(lower, 0.0)  # a bound loosened below zero proves nothing
    return np.sqrt(np.maximum(positive * positive - 2.0 * delta, 0.0))


def _half_gap_test(gaps, delta):
    """Per centre pair, the largest upper bound that the gap between the centres proves.

    ``d(x, c_j) >= g - u``, and ``(g - u)² - u² > 2·delta`` holds while ``u < g/2 - delta/g``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(gaps > 0, 0.5 * gaps - delta / gaps, 0.0)


def _lower_from(sq, delta):
    """Guaranteed lower bound on true distances from squared distances computed with error."""
    return np.sqrt(np.maximum(sq - delta, 0))


class HamerlyBounds:
    """One lower bound per row: on the distance to every centre but its own."""

    needs_all_distances = False

    def __init__(self, first, delta):
        self.lower = _lower_from(first.runner_up, delta)

    def reset(self, rows, result, delta):
        self.lower[rows] = _lower_from(result.runner_up, delta)

    def loosen(self, shift, labels):
        if shift.size > 1:
            top = int(np.argmax(shift))
            drop = np.full(shift.size, shift[top], dtype=self.lower.dtype)
            drop[top] = np.max(np.delete(shift, top))
            self.lower -= drop[labels]

    def threshold(self, labels, gaps, delta):
        """Largest upper bound that still proves each row's label."""
        half = _half_gap_test(gaps, delta).min(axis=1).astype(self.lower.dtype)
        return np.maximum(half[labels], _proving(self.lower, delta).astype(self.lower.dtype))

    def refine(self, rows, labels, threshold, gaps, delta):
        """A sharper threshold for ``rows``; Hamerly has none sharper."""
        return threshold[rows]


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
        k = first.distances.shape[1]
        self.drift = np.zeros(k)  # cumulative shift of each centre, float64
        self.anchored = np.empty_like(first.distances)
        self.largest = 0.0  # largest finite anchored entry, for the rounding slack
        self._anchor(slice(None), first, delta)

    def _anchor(self, rows, result, delta):
        anchored = _lower_from(result.distances, delta)
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

    def refine(self, rows, labels, threshold, gaps, delta):
        dtype = self.anchored.dtype
        nearest_other = (self.anchored[rows] - self.drift.astype(dtype)).min(axis=1)
        # Storing, anchoring and subtracting in ``dtype`` each round by at most half an ulp.
        eps = float(np.finfo(dtype).eps)
        nearest_other -= dtype.type(2 * eps * (self.largest + float(self.drift.max())))
        # That minimum bounds the distance to every other centre: it sharpens Hamerly's.
        np.maximum(self.lower[rows], nearest_other, out=nearest_other)
        self.lower[rows] = nearest_other
        return np.maximum(threshold[rows], _proving(nearest_other, delta).astype(dtype))


def _upper_from(sq, delta):
    """Guaranteed upper bound on true distances from squared distances computed with error."""
    return np.sqrt(sq + delta)


def _reassign(X, x_sq, centers, labels, upper, bounds):
    """Recompute labels and bounds of the rows whose bounds no longer prove their label.

    Returns the :class:`Assignment` of a full pass when one was made (its distances serve
    the relocation of empty clusters), else ``None``.
    """
    delta = rounding_error(X, x_sq, centers)
    gaps = _center_gaps(centers)
    threshold = bounds.threshold(labels, gaps, delta)
    suspects = np.flatnonzero(upper > threshold)
    k = centers.shape[0]
    size = chunk_rows(k, X.shape[1], X.itemsize)
    sharper = [bounds.refine(suspects[part], labels, threshold, gaps, delta)
               for part in chunks(suspects.size, size)]
    if suspects.size:
        threshold[suspects] = np.concatenate(sharper)
        suspects = suspects[upper[suspects] > threshold[suspects]]
    if suspects.size == 0:
        return None
    everything = bounds.needs_all_distances
    if suspects.size > X.shape[0] * k / (k + GATHER_COST):
        # Gathering that many scattered rows costs more than one contiguous pass.
        full = assign(X, x_sq, centers, second=True, everything=everything)
        labels[:], upper[:] = full.labels, _upper_from(full.best, delta)
        bounds.reset(slice(None), full, delta)
        return full
    eps = float(np.finfo(X.dtype).eps)
    for part in chunks(suspects.size, size):
        rows = suspects[part]
        Xr = X[rows]
        diff = Xr - centers[labels[rows]]
        # Computed from differences: relative error below (d + 2)·eps.
        tight = np.sqrt(np.einsum("ij,ij->i", diff, diff)) * (1 + (X.shape[1] + 2) * eps)
        upper[rows] = tight
        still = tight > threshold[rows]
        rows, Xr = rows[still], Xr[still]
        if rows.size:
            result = assign(Xr, x_sq[rows], centers, second=True, everything=everything)
            labels[rows], upper[rows] = result.labels, _upper_from(result.best, delta)
            bounds.reset(rows, result, delta)
    return None


def _bounded_lloyd(X, x_sq, weights, centers, max_iter, tol, kind):
    """The shared loop of both variants; same contract and results as :func:`lloyd.lloyd`."""
    delta = rounding_error(X, x_sq, centers)
    full = assign(X, x_sq, centers, second=True, everything=kind.needs_all_distances)
    labels, upper = full.labels, _upper_from(full.best, delta)
    bounds = kind(full, delta)
    updater = CenterUpdater(X, x_sq, weights, centers.shape[0])
    previous = None
    strict = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        if n_iter > 1:
            full = _reassign(X, x_sq, centers, labels, upper, bounds)
        new_centers = updater.update(labels, centers, None if full is None else full.best)
        moved = new_centers.astype(np.float64) - centers
        shift = np.sqrt(np.einsum("ij,ij->i", moved, moved))
        centers = new_centers
        upper += shift.astype(upper.dtype)[labels]
        bounds.loosen(shift, labels)
        if previous is not None and np.array_equal(labels, previous):
            strict = True
            break
        if float(shift @ shift) <= tol:
            break
        previous = labels.copy()
    if not strict:
        _reassign(X, x_sq, centers, labels, upper, bounds)
    return labels, inertia(X, labels, centers, weights), centers, n_iter


def hamerly(X, x_sq, weights, centers, max_iter, tol):
    """Exact accelerated Lloyd with one lower bound per row (Hamerly)."""
    return _bounded_lloyd(X, x_sq, weights, centers, max_iter, tol, HamerlyBounds)


def elkan(X, x_sq, weights, centers, max_iter, tol):
    """Exact accelerated Lloyd with one lower bound per row and centre (Elkan)."""
    return _bounded_lloyd(X, x_sq, weights, centers, max_iter, tol, ElkanBounds)
