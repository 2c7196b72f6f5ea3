"""The :func:`k_means` function: scikit-learn's function form of :class:`KMeans`."""

from __future__ import annotations

from .kmeans import KMeans


def k_means(
    X,
    n_clusters,
    *,
    sample_weight=None,
    init="k-means++",
    n_init="auto",
    max_iter=300,
    verbose=False,
    tol=1e-4,
    random_state=None,
    copy_x=True,
    algorithm="auto",
    return_n_iter=False,
):
    """K-means clustering in one call, as :func:`sklearn.cluster.k_means`.

    The parameters are those of :class:`KMeans` (plus ``sample_weight``, passed to
    ``fit``).

    Returns
    -------
    centroid : ndarray of shape (n_clusters, n_features)
    label : ndarray of shape (n_samples,)
    inertia : float
    best_n_iter : int
        Only when ``return_n_iter`` is true.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [0.2], [9.8], [10.0]])
    >>> centers, labels, inertia = k_means(X, 2, random_state=0)
    >>> sorted(centers.ravel().round(6).tolist()), round(inertia, 12)
    ([0.1, 9.9], 0.04)
    """
    est = KMeans(n_clusters=n_clusters, init=init, n_init=n_init, max_iter=max_iter,
                 verbose=verbose, tol=tol, random_state=random_state, copy_x=copy_x,
                 algorithm=algorithm).fit(X, sample_weight=sample_weight)
    if return_n_iter:
        return est.cluster_centers_, est.labels_, est.inertia_, est.n_iter_
    return est.cluster_centers_, est.labels_, est.inertia_
