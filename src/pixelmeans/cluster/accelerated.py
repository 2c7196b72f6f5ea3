"""Exact bound-based Lloyd (Hamerly 2010), vectorised over chunks of rows.

Each row keeps an upper bound on the distance to its own centre and one lower bound on the
distance to every other centre. After the centres move by ``shift``, the bounds are loosened
by those shifts; only rows whose bounds overlap (or whose upper bound exceeds half the gap to
the nearest other centre) have their distances computed again, with the same ``|x|² − 2x·c +
|c|²`` kernel that Lloyd uses. The centre update is Lloyd's own, over all rows, so from the
same initial centres the labels and centres are those of :func:`lloyd.lloyd`.

Floating-point safety: the expanded distance formula has an absolute rounding error
``delta``; a row is only skipped when its bounds are separated by a margin that covers that
error, so a skipped row is one whose Lloyd argmin could not have changed.
"""

from __future__ import annotations

import numpy as np

from .kernels import assign, chunk_rows, chunks, inertia
from .lloyd import update_centers


def rounding_margin(X, x_sq) -> float:
    """Distance margin that covers the rounding error of the expanded distance formula."""
    eps = float(np.finfo(X.dtype).eps)
    biggest = float(x_sq.max()) if x_sq.size else 0.0
    delta = (8.0 + 2.0 * np.sqrt(X.shape[1])) * eps * 2.0 * biggest
    return 4.0 * float(np.sqrt(delta))


def _half_separation(centers):
    """Half the distance from each centre to its nearest other centre (float64)."""
    c = centers.astype(np.float64)
    c_sq = np.einsum("ij,ij->i", c, c)
    gaps = c_sq[:, None] - 2.0 * (c @ c.T) + c_sq[None, :]
    np.fill_diagonal(gaps, np.inf)
    return 0.5 * np.sqrt(np.maximum(gaps.min(axis=1), 0.0))


def _loosen(upper, lower, labels, shift):
    """Move the bounds by how far the centres moved (Hamerly's update)."""
    upper += shift[labels].astype(upper.dtype)
    if shift.size > 1:
        top = np.argmax(shift)
        first = shift[top]
        second = np.max(np.delete(shift, top))
        lower -= np.where(labels == top, second, first).astype(lower.dtype)


def _reassign(X, x_sq, centers, labels, upper, lower, margin):
    """Recompute labels and bounds of the rows whose bounds no longer prove their label."""
    bound = np.maximum(lower, _half_separation(centers)[labels].astype(lower.dtype))
    suspects = np.flatnonzero(upper > bound - margin)
    if suspects.size == 0:
        return
    size = chunk_rows(centers.shape[0], X.shape[1], X.itemsize)
    for part in chunks(suspects.size, size):
        rows = suspects[part]
        Xr = X[rows]
        diff = Xr - centers[labels[rows]]
        tight = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        upper[rows] = tight
        still = tight > bound[rows] - margin
        rows, Xr = rows[still], Xr[still]
        if rows.size == 0:
            continue
        lab, best, second = assign(Xr, x_sq[rows], centers, second=True)
        labels[rows] = lab
        upper[rows] = np.sqrt(best)
        lower[rows] = np.sqrt(second)


def hamerly(X, x_sq, weights, centers, max_iter, tol):
    """Exact accelerated Lloyd; same contract and results as :func:`lloyd.lloyd`."""
    margin = rounding_margin(X, x_sq)
    labels, best, second = assign(X, x_sq, centers, second=True)
    upper, lower = np.sqrt(best), np.sqrt(second)
    del best, second
    previous = None
    strict = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        if n_iter > 1:
            _reassign(X, x_sq, centers, labels, upper, lower, margin)
        new_centers = update_centers(X, x_sq, weights, labels, None, centers)
        moved = new_centers.astype(np.float64) - centers
        shift = np.sqrt(np.einsum("ij,ij->i", moved, moved))
        centers = new_centers
        _loosen(upper, lower, labels, shift)
        if previous is not None and np.array_equal(labels, previous):
            strict = True
            break
        if float(shift @ shift) <= tol:
            break
        previous = labels.copy()
    if not strict:
        _reassign(X, x_sq, centers, labels, upper, lower, margin)
    return labels, inertia(X, labels, centers, weights), centers, n_iter
