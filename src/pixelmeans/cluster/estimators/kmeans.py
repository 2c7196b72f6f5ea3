"""The :class:`KMeans` estimator: full-batch K-means with k-means++ and exact acceleration."""

from __future__ import annotations

import warnings
from typing import ClassVar

from ...errors import InvalidParameterError
from ...params import ArrayLike, Boolean, Callables, Options
from ..core.fit import ALGORITHMS, KMeansResult, fit_kmeans
from ..dask import is_dask_collection
from .base import BaseKMeans
from .validation import warn_if_fewer_clusters


class KMeans(BaseKMeans):
    """K-means clustering, compatible with :class:`sklearn.cluster.KMeans`.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {"k-means++", "k-means||", "random"}, callable or array of shape (n_clusters, \
n_features)
        Seeding: greedy k-means++ (weighted), rows drawn at random in proportion to their
        weight, ``init(X, n_clusters, random_state)``, or explicit centres. For a Dask
        array, "k-means++" and "random" run on a uniform sample of the rows, and
        "k-means||" (Dask arrays only) oversamples candidates over all the blocks.
    n_init : "auto" or int, default="auto"
        Number of seeded runs; the one with the lowest inertia is kept. "auto" is 1 for
        k-means++ and explicit centres, 10 for "random" and a callable (scikit-learn's
        rule). Explicit centres always make one run (with a RuntimeWarning if ``n_init``
        asks for more): every run would be the same.
    max_iter : int, default=300
        Most iterations in one run.
    tol : float, default=1e-4
        Stop when the total squared centre shift is at most ``tol`` times the mean
        (weighted) variance of the features.
    verbose : int, default=0
        Print progress (scikit-learn's lines: initialisation, inertia per iteration,
        convergence).
    random_state : int, RandomState or None
        Seed for every random choice; the same seed gives the same result bit for bit.
    copy_x : bool, default=True
        Accepted for compatibility: ``X`` is never modified, whatever its value (no
        centring in place, so no copy is needed either).
    algorithm : {"auto", "lloyd", "hamerly", "elkan"}, default="auto"
        "lloyd" computes every distance at every iteration; "hamerly" keeps one lower
        bound per row; "elkan" uses Hamerly's bound as a filter and one (lazily loosened)
        bound per row and centre for the rows it lets through. Rows whose label provably
        cannot change are skipped; all three return the same labels from the same initial
        centres. "auto" is "lloyd" for small problems (n·k below 100,000), "elkan" for wide
        data with many clusters (256+ features, 32+ clusters, bounds within 256 MB) and
        "hamerly" otherwise — each the fastest there in our measurements. A Dask array takes
        "auto", "hamerly" or "lloyd" (see :func:`pixelmeans.cluster.dask.fit.fit_dask`).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
        Weighted sum of squared distances of samples to their closest centre.
    n_iter_ : int
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from pixelmeans import KMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]], dtype=float)
    >>> km = KMeans(n_clusters=2, random_state=0).fit(X)
    >>> sorted(km.cluster_centers_.tolist())
    [[1.0, 2.0], [10.0, 2.0]]
    >>> float(km.inertia_)
    16.0
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseKMeans._parameter_constraints,
        "algorithm": [Options(("auto", *ALGORITHMS))],
        "init": [Options(("k-means++", "k-means||", "random")), Callables(), ArrayLike()],
        "copy_x": [Boolean()],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        verbose=0,
        random_state=None,
        copy_x=True,
        algorithm="auto",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm

    def fit(self, X, y=None, sample_weight=None):
        """Compute the clustering.

        Parameters
        ----------
        X : array-like, sparse matrix or Dask array of shape (n_samples, n_features)
            Float32 input is computed in float32; anything else in float64. A SciPy sparse
            matrix or array (CSR, CSC, ...) is clustered as CSR, never densified whole (only
            chunks of rows' products with the centres are dense). A Dask array is
            clustered block by block on Dask's current scheduler (``labels_`` is then a
            lazy Dask array; see :mod:`pixelmeans.cluster.dask`).
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights; a weight of N is the same as N repeated rows.

        Returns
        -------
        self
        """
        if is_dask_collection(X):
            from ..dask.fit import fit_dask

            self._validate_params()
            result = fit_dask(X, self.n_clusters, sample_weight=sample_weight, init=self.init,
                              n_init=self._resolve_n_init(10), max_iter=self.max_iter,
                              tol=self.tol, algorithm=self.algorithm,
                              random_state=self.random_state, owner=type(self).__name__)
            self.n_features_in_ = int(X.shape[1])
            return self._set_result(result)
        if isinstance(self.init, str) and self.init == "k-means||":
            msg = ("init='k-means||' seeds over the blocks of a Dask array; in-memory data "
                   "use 'k-means++' (the same seeding, without the distributed passes)")
            raise InvalidParameterError(msg)
        X, weights = self._check_fit_data(X, sample_weight)
        algorithm = self.algorithm
        if algorithm == "elkan" and self.n_clusters == 1:
            warnings.warn("algorithm='elkan' doesn't make sense for a single cluster. "
                          "Using 'lloyd' instead.", RuntimeWarning, stacklevel=2)
            algorithm = "lloyd"
        result = fit_kmeans(X, self.n_clusters, sample_weight=weights, init=self.init,
                            n_init=self._resolve_n_init(10), max_iter=self.max_iter,
                            tol=self.tol, algorithm=algorithm,
                            random_state=self.random_state, owner=type(self).__name__,
                            log=self._log())
        warn_if_fewer_clusters(result.labels, self.n_clusters)
        return self._set_result(result)

    def _set_result(self, result: KMeansResult):
        self.cluster_centers_ = result.centers
        self.labels_ = result.labels
        self.inertia_ = result.inertia
        self.n_iter_ = result.n_iter
        return self
