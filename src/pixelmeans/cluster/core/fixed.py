"""K-means with some centres fixed: the free centres are fitted around the fixed ones.

Locked (brand) colours stay in the palette exactly. They are not swapped in after an
ordinary fit: every assignment step sees all ``k`` centres, the fixed ones among them, and
each update step moves only the free ones to the means of their clusters. Seeding is greedy
k-means++ that starts from the fixed centres as if they had already been chosen, so the
free centres go where the fixed ones leave the data badly served.

Clean input is assumed, as everywhere in the core: ``X`` a C-contiguous float32/float64
``(n, d)`` array, ``fixed`` an ``(m, d)`` array of the same dtype, weights float64.
"""

from __future__ import annotations

import numpy as np

from .fit import KMeansResult, best_of_runs
from .kernels import assign, inertia, means, relocate_empty, row_norms_sq, weighted_tolerance
from .lloyd import stop_reason
from .seeding import as_random_state


def seed_around(X, x_sq, weights, fixed, n_free, rng, n_local_trials=None) -> np.ndarray:
    """``n_free`` centres by greedy k-means++, continuing from the ``fixed`` centres.

    With no fixed centre the first is drawn in proportion to weight alone. Each later one is
    the best of ``n_local_trials`` candidates drawn in proportion to ``weight × D(x)²``, where
    ``D`` is the distance to the nearest centre so far (fixed ones included).
    """
    n = X.shape[0]
    k = fixed.shape[0] + n_free
    trials = n_local_trials or 2 + int(np.log(max(k, 1)))
    w = weights.astype(np.float64)
    chosen: list[np.ndarray] = []
    if fixed.shape[0]:
        closest = assign(X, x_sq, fixed).best.astype(np.float64)
    else:
        first = int(np.searchsorted(np.cumsum(w), rng.uniform() * w.sum(), side="right"))
        chosen.append(X[min(first, n - 1)])
        closest = _sq_to(X, x_sq, X[min(first, n - 1)][None])[0]
    while len(chosen) < n_free:
        potential = float(closest @ w)
        if potential <= 0:  # every row already sits on a centre: any row will do
            chosen.append(X[int(rng.randint(n))])
            continue
        draws = rng.uniform(size=trials) * potential
        candidates = np.minimum(np.searchsorted(np.cumsum(w * closest), draws, side="right"),
                                n - 1)
        rows = np.minimum(_sq_to(X, x_sq, X[candidates]), closest)
        best = int(np.argmin(rows @ w))
        chosen.append(X[candidates[best]])
        closest = rows[best]
    free = np.array(chosen, dtype=X.dtype).reshape(n_free, X.shape[1])
    return np.concatenate([fixed.astype(X.dtype), free])


def _sq_to(X, x_sq, points) -> np.ndarray:
    """Squared distances ``(len(points), n)`` from a few points to every row."""
    d = points.astype(np.float64) @ X.T.astype(np.float64)
    d *= -2
    d += x_sq[None, :]
    d += row_norms_sq(points.astype(np.float64))[:, None]
    return np.maximum(d, 0)


def lloyd_fixed(X, x_sq, weights, centers, n_fixed, max_iter, tol):
    """Lloyd iterations in which the first ``n_fixed`` centres never move; returns
    ``labels, inertia, centers, n_iter`` as :func:`~.lloyd.lloyd` does."""
    previous = None
    reason = None
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is returned
        labels, dist_sq, _, sums, totals, _ = assign(X, x_sq, centers, weights=weights)
        if np.any(totals[n_fixed:] <= 0):
            # An empty free cluster moves to a far point; an empty fixed one stays put.
            free_sums, free_totals = sums.copy(), totals.copy()
            free_totals[:n_fixed] = np.where(totals[:n_fixed] <= 0, -1, totals[:n_fixed])
            relocate_empty(X, weights, labels, dist_sq, free_sums, free_totals)
            sums, totals = free_sums, np.maximum(free_totals, 0)
        new_centers = means(sums, totals, centers).astype(X.dtype)
        new_centers[:n_fixed] = centers[:n_fixed]
        shift = float(np.sum((new_centers.astype(np.float64) - centers) ** 2))
        centers = new_centers
        changed = None if previous is None else int(np.count_nonzero(labels != previous))
        reason = stop_reason(changed, shift, tol)
        if reason is not None:
            break
        previous = labels
    if reason != "labels":
        labels = assign(X, x_sq, centers).labels
    return labels, inertia(X, labels, centers, weights), centers, n_iter


def fit_kmeans_fixed(X: np.ndarray, fixed: np.ndarray, n_clusters: int, *,
                     sample_weight: np.ndarray | None = None, n_init: int = 1,
                     max_iter: int = 300, tol: float = 1e-4, random_state=None
                     ) -> KMeansResult:
    """K-means with ``n_clusters`` centres of which the first ``len(fixed)`` are ``fixed``.

    The returned centres start with ``fixed``, bit for bit; the others are fitted. ``n_init``
    seedings are run and the one with the lowest inertia kept. Needs
    ``len(fixed) <= n_clusters`` and ``n_clusters - len(fixed) <= n``.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [9.0], [10.0]])
    >>> result = fit_kmeans_fixed(X, np.array([[0.0]]), 2, random_state=0)
    >>> result.centers.ravel().tolist(), result.labels.tolist()
    ([0.0, 9.5], [0, 0, 1, 1])
    """
    weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    fixed = np.ascontiguousarray(fixed, dtype=X.dtype).reshape(-1, X.shape[1])
    rng = as_random_state(random_state)
    x_sq = row_norms_sq(X)
    n_free = n_clusters - fixed.shape[0]
    scaled_tol = weighted_tolerance(X, weights, tol)

    def one_run():
        centers = seed_around(X, x_sq, weights, fixed, n_free, rng)
        return lloyd_fixed(X, x_sq, weights, centers, fixed.shape[0], max_iter, scaled_tol)

    labels, total, centers, n_iter = best_of_runs(n_init if n_free else 1, one_run)
    return KMeansResult(centers, labels, float(total), int(n_iter))
