"""The public :func:`kmeans_plusplus` function, scikit-learn's signature over our seeding."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_array

from ...errors import InvalidParameterError
from ...params import ArrayLike, Integral, Interval, Options, RandomStates, validated
from ..core.kernels import row_norms_sq
from ..core.seeding import as_random_state, kmeans_plusplus_core
from .validation import check_data, check_n_clusters, check_weights


@validated({
    "X": [ArrayLike()],
    "n_clusters": [Interval(Integral, 1, None)],
    "sample_weight": [ArrayLike(), Options((None,))],
    "random_state": [RandomStates()],
    "x_squared_norms": [ArrayLike(), Options((None,))],
    "n_local_trials": [Interval(Integral, 1, None), Options((None,))],
})
def kmeans_plusplus(
    X,
    n_clusters: int,
    *,
    sample_weight=None,
    x_squared_norms=None,
    random_state=None,
    n_local_trials: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Choose ``n_clusters`` initial centres from ``X`` by greedy k-means++.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Data to pick centres from.
    n_clusters : int
        Number of centres, at most ``n_samples``.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights; a weight of N acts as N repeated rows.
    x_squared_norms : array-like of shape (n_samples,), optional
        Squared Euclidean norm of each row of ``X``, if already computed.
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
    if x_squared_norms is None:
        x_sq = row_norms_sq(X)
    else:
        x_sq = check_array(x_squared_norms, dtype=X.dtype, ensure_2d=False,
                           input_name="x_squared_norms")
        if x_sq.ndim != 1 or x_sq.shape[0] != X.shape[0]:
            msg = (f"The length of x_squared_norms {x_sq.shape[0]} should be equal to the "
                   f"length of n_samples {X.shape[0]}.")
            raise InvalidParameterError(msg)
    return kmeans_plusplus_core(X, x_sq, weights, n_clusters,
                                as_random_state(random_state), n_local_trials)
