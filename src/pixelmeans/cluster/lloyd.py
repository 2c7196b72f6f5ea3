"""Lloyd's algorithm, chunked: assign every row, then move each centre to its cluster's mean."""

from __future__ import annotations

import numpy as np

from .kernels import assign, cluster_sums, inertia, means, relocate_empty


def update_centers(X, x_sq, weights, labels, dist_sq, centers, sums=None, totals=None):
    """One update step: new centres as weighted means, empty clusters relocated.

    ``dist_sq`` holds each row's squared distance to its nearest centre as the assignment
    step computed it; pass ``None`` to have it computed only if a cluster is empty.
    ``sums`` and ``totals`` may come from a fused assignment pass.
    """
    if sums is None:
        sums, totals = cluster_sums(X, labels, weights, centers.shape[0])
    if np.any(totals == 0):
        if dist_sq is None:
            dist_sq = assign(X, x_sq, centers).best
        relocate_empty(X, weights, labels, dist_sq, sums, totals)
    return means(sums, totals, centers).astype(X.dtype)


def lloyd(X, x_sq, weights, centers, max_iter, tol):
    """Run Lloyd iterations from ``centers``; return ``labels, inertia, centers, n_iter``.

    Stops when the labels no longer change (strict convergence) or when the total squared
    centre shift falls to ``tol`` or below; in the latter case a final assignment makes the
    labels consistent with the returned centres.
    """
    previous = None
    strict = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is returned
        step = assign(X, x_sq, centers, weights=weights)
        labels = step.labels
        new_centers = update_centers(X, x_sq, weights, labels, step.best, centers, step.sums,
                                     step.totals)
        shift = float(np.sum((new_centers.astype(np.float64) - centers) ** 2))
        centers = new_centers
        if previous is not None and np.array_equal(labels, previous):
            strict = True
            break
        if shift <= tol:
            break
        previous = labels
    if not strict:
        labels = assign(X, x_sq, centers).labels
    return labels, inertia(X, labels, centers, weights), centers, n_iter
