"""The public :func:`kmeans_plusplus` function, scikit-learn's signature over our seeding."""

from __future__ import annotations

import numpy as np

from ...params import ArrayLike, Integral, Interval, Options, RandomStates, validated
from ..core.kernels import row_norms_sq
from ..core.seeding import as_random_state, kmeans_plusplus_core
from .validation import check_data, check_n_clusters, check_weights


@validated({
    "X": [ArrayLike()],
    "n_clusters": [Interval(Integral, 1, None)],
    "sample_weight": [ArrayLike(), Options((None,))],
    "random_state": [RandomStates()],
    "n_local_trials": [Interval(Integral, 1, None), Options((None,))],
})
def kmeans_plusplus(
    X,
    n_clusters: int,
    *,
    sample_weight=None,
    random_state=None,
    n_local_trials: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Choose ``n_clusters`` initial centres from ``X`` by greedy k-means++.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Data to pick centres from.
    n_clusters : int
        Number of centres, at most ``n_samples``.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights; a weight of N acts as N repeated rows.
    random_state : int, RandomState or None
        Seed for the draws.
    n_local_trials : int, optional
        Candidates tried per centre; default ``2 + int(log(n_clusters))``.

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
    indices : ndarray of shape (n_clusters,)
        Row of ``X`` each centre was taken from.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 10.0], [10.1, 10.0]])
    >>> centers, indices = kmeans_plusplus(X, 2, random_state=0)
    >>> sorted(int(c[0] > 5) for c in centers)
    [0, 1]
    """
    X = check_data(X, "kmeans_plusplus")
    weights = check_weights(sample_weight, X)
    check_n_clusters(n_clusters, X.shape[0], "kmeans_plusplus")
    return kmeans_plusplus_core(X, row_norms_sq(X), weights, n_clusters,
                                as_random_state(random_state), n_local_trials)
