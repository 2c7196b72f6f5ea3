"""Full-batch K-means on clean input: the seeded runs, the algorithm choice, the best result.

This is what :class:`pixelmeans.KMeans` runs once it has checked its input, and what the image
tasks call directly (they build clean arrays themselves and need no scikit-learn).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .accelerated import elkan, hamerly
from .duplicates import collapse_duplicates
from .kernels import row_norms_sq, weighted_tolerance
from .lloyd import lloyd
from .seeding import as_random_state, initial_centers, is_explicit

ALGORITHMS = {"lloyd": lloyd, "hamerly": hamerly, "elkan": elkan}
# How "auto" chooses, from measurements (benchmarks/RESULTS.md and the engine notes):
# - Lloyd below SMALL_PROBLEM (row, cluster) pairs, where bound upkeep costs more than it
#   saves (scikit-learn's 1797×64 digits, k=10 and 64);
# - Elkan's per-centre bounds for wide data and many clusters, when they fit in
#   ELKAN_MAX_BYTES (MNIST 60k×784 from the same centres: 3.8-4.0 s against Hamerly's
#   4.7-5.5 s at k=32, 7.3-8.3 against 10.7-11.2 s at k=64, 11 against 18 s at k=256; below
#   32 clusters they are even: 2.7 against 2.6 s at k=16, 4.0 against 4.4 s at k=10);
# - Hamerly otherwise (200k×16 k=64: 0.17 s against Elkan's 0.62 s; photo pixels).
SMALL_PROBLEM = 100_000
ELKAN_MIN_FEATURES = 256
ELKAN_MIN_CLUSTERS = 32
ELKAN_MAX_BYTES = 1 << 28


@dataclass(frozen=True)
class KMeansResult:
    """The best of the seeded runs: centres (in ``X``'s dtype), each row's label (int32),
    the weighted inertia and the iterations of that run."""

    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int


def choose_algorithm(name: str, X: np.ndarray, n_clusters: int):
    """The function behind an ``algorithm`` name, resolving "auto" from the problem's shape."""
    if name != "auto":
        return ALGORITHMS[name]
    n, d = X.shape
    if n * n_clusters < SMALL_PROBLEM:
        return lloyd
    fits = n * n_clusters * X.dtype.itemsize <= ELKAN_MAX_BYTES
    if d >= ELKAN_MIN_FEATURES and n_clusters >= ELKAN_MIN_CLUSTERS and fits:
        return elkan
    return hamerly


def best_of_runs(n_init: int, one_run: Callable[[], tuple]) -> tuple:
    """The result of ``n_init`` calls of ``one_run`` with the lowest inertia (its second
    item); the first of equals wins."""
    best = one_run()
    for _ in range(n_init - 1):
        result = one_run()
        if result[1] < best[1]:
            best = result
    return best


def fit_kmeans(
    X: np.ndarray,
    n_clusters: int,
    *,
    sample_weight: np.ndarray | None = None,
    init="k-means++",
    n_init: int = 1,
    max_iter: int = 300,
    tol: float = 1e-4,
    algorithm: str = "auto",
    random_state=None,
    owner: str = "KMeans",
    log: Callable[[str], None] | None = None,
) -> KMeansResult:
    """K-means with ``n_init`` seeded runs; the run with the lowest inertia is kept.

    Assumes clean input: ``X`` a C-contiguous float32 or float64 ``(n, d)`` array with
    ``n >= n_clusters``, finite; ``sample_weight`` float64 of length ``n``, non-negative
    with a positive sum (``None``: all ones). Parameters are those of
    :class:`pixelmeans.KMeans`; ``tol`` is scaled by the data's mean feature variance.
    Repeated rows are clustered once, with their summed weight, when that pays. Explicit
    initial centres make one run whatever ``n_init`` (every run would be the same). ``log``,
    when given, receives scikit-learn's verbose lines.

    Examples
    --------
    >>> X = np.array([[0.0], [0.2], [9.8], [10.0]])
    >>> result = fit_kmeans(X, 2, random_state=0)
    >>> sorted(result.centers.ravel().tolist()), round(result.inertia, 12)
    ([0.1, 9.9], 0.04)
    """
    weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    rng = as_random_state(random_state)
    collapsed = collapse_duplicates(X, weights)
    if collapsed is not None:
        X, weights, inverse = collapsed
    x_sq = row_norms_sq(X)
    scaled_tol = weighted_tolerance(X, weights, tol)
    run = choose_algorithm(algorithm, X, n_clusters)

    def one_run():
        centers = initial_centers(X, x_sq, weights, n_clusters, init, rng, owner)
        if log is None:
            return run(X, x_sq, weights, centers, max_iter, scaled_tol)
        log("Initialization complete")
        return run(X, x_sq, weights, centers, max_iter, scaled_tol, log=log)

    labels, inertia, centers, n_iter = best_of_runs(1 if is_explicit(init) else n_init,
                                                    one_run)
    if collapsed is not None:
        labels = labels[inverse]
    return KMeansResult(centers, labels, float(inertia), int(n_iter))
