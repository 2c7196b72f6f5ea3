"""The :class:`KMeans` estimator: full-batch K-means with k-means++ and exact acceleration."""

from __future__ import annotations

from typing import ClassVar

from ..errors import InvalidParameterError
from .accelerated import elkan, hamerly
from .base import BaseKMeans, random_state_of
from .dask import fit_dask, is_dask_collection
from .duplicates import collapse_duplicates
from .kernels import row_norms_sq, weighted_tolerance
from .lloyd import lloyd
from .params import ArrayLike, Callable_, Options, validate_params
from .validation import warn_if_fewer_clusters

_ALGORITHMS = {"lloyd": lloyd, "hamerly": hamerly, "elkan": elkan}
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


def choose_algorithm(name: str, X, n_clusters: int):
    """The function behind an ``algorithm`` name, resolving "auto" from the problem's shape."""
    if name != "auto":
        return _ALGORITHMS[name]
    n, d = X.shape
    if n * n_clusters < SMALL_PROBLEM:
        return lloyd
    fits = n * n_clusters * X.itemsize <= ELKAN_MAX_BYTES
    if d >= ELKAN_MIN_FEATURES and n_clusters >= ELKAN_MIN_CLUSTERS and fits:
        return elkan
    return hamerly


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
        k-means++ and explicit centres, 10 for "random".
    max_iter : int, default=300
        Most iterations in one run.
    tol : float, default=1e-4
        Stop when the total squared centre shift is at most ``tol`` times the mean
        (weighted) variance of the features.
    random_state : int, RandomState or None
        Seed for every random choice; the same seed gives the same result bit for bit.
    algorithm : {"auto", "lloyd", "hamerly", "elkan"}, default="auto"
        "lloyd" computes every distance at every iteration; "hamerly" keeps one lower
        bound per row; "elkan" uses Hamerly's bound as a filter and one (lazily loosened)
        bound per row and centre for the rows it lets through. Rows whose label provably
        cannot change are skipped; all three return the same labels from the same initial
        centres. "auto" is "lloyd" for small problems (n·k below 100,000), "elkan" for wide
        data with many clusters (256+ features, 32+ clusters, bounds within 256 MB) and
        "hamerly" otherwise — each the fastest there in our measurements.

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
        "algorithm": [Options(("auto", *_ALGORITHMS))],
        "init": [Options(("k-means++", "k-means||", "random")), Callable_(), ArrayLike()],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        random_state=None,
        algorithm="auto",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.algorithm = algorithm

    def fit(self, X, y=None, sample_weight=None):
        """Compute the clustering.

        Parameters
        ----------
        X : array-like or Dask array of shape (n_samples, n_features)
            Float32 input is computed in float32; anything else in float64. A Dask array is
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
            validate_params(type(self).__name__, self.get_params(deep=False),
                            self._parameter_constraints)
            return fit_dask(self, X, sample_weight)
        if isinstance(self.init, str) and self.init == "k-means||":
            msg = ("init='k-means||' seeds over the blocks of a Dask array; in-memory data "
                   "use 'k-means++' (the same seeding, without the distributed passes)")
            raise InvalidParameterError(msg)
        X, weights = self._check_fit_data(X, sample_weight)
        rng = random_state_of(self)
        collapsed = collapse_duplicates(X, weights)
        if collapsed is not None:
            X, weights, inverse = collapsed
        x_sq = row_norms_sq(X)
        tol = weighted_tolerance(X, weights, self.tol)
        run = choose_algorithm(self.algorithm, X, self.n_clusters)
        best = None
        for _ in range(self._n_init_for(10)):
            centers = self._initial_centers(X, x_sq, weights, rng)
            result = run(X, x_sq, weights, centers, self.max_iter, tol)
            if best is None or result[1] < best[1]:
                best = result
        labels, inertia, centers, n_iter = best
        if collapsed is not None:
            labels = labels[inverse]
        warn_if_fewer_clusters(labels, self.n_clusters, type(self).__name__)
        self.cluster_centers_ = centers
        self.labels_ = labels
        self.inertia_ = float(inertia)
        self.n_iter_ = int(n_iter)
        return self
