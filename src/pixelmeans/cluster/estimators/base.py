"""What KMeans and MiniBatchKMeans share: checks, seeding, predict, transform and score."""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from ...params import (
    ArrayLike,
    Boolean,
    Callables,
    Integral,
    Interval,
    Options,
    RandomStates,
    Real,
    validate_params,
)
from ..core.kernels import all_distances_sq, assign, inertia, row_norms_sq
from ..core.minibatch import seed_on_sample
from ..core.seeding import as_random_state, initial_centers, is_explicit
from ..dask import is_dask_collection
from .validation import FLOATS, as_engine_input, check_n_clusters, check_weights, checked


class BaseKMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """Shared machinery; not meant to be used directly."""

    _parameter_constraints: ClassVar[dict] = {
        "n_clusters": [Interval(Integral, 1, None)],
        "init": [Options(("k-means++", "random")), Callables(), ArrayLike()],
        "n_init": [Options(("auto",)), Interval(Integral, 1, None)],
        "max_iter": [Interval(Integral, 1, None)],
        "tol": [Interval(Real, 0, None)],
        "random_state": [RandomStates()],
        "verbose": [Interval(Integral, 0, None), Boolean()],
    }

    # -- checks ---------------------------------------------------------------------------
    def _validate_params(self) -> None:
        validate_params(type(self).__name__, self.get_params(deep=False),
                        self._parameter_constraints)

    def _check_fit_data(self, X, sample_weight, *, reset=True):
        self._validate_params()
        X = as_engine_input(checked(validate_data, self, X, accept_sparse="csr",
                                    dtype=FLOATS, order="C", accept_large_sparse=False,
                                    reset=reset))
        weights = check_weights(sample_weight, X)
        if reset:  # partial_fit's later batches may be smaller than n_clusters
            check_n_clusters(self.n_clusters, X.shape[0], type(self).__name__)
        return X, weights

    def _check_test_data(self, X):
        check_is_fitted(self)
        return as_engine_input(checked(validate_data, self, X, accept_sparse="csr",
                                       dtype=FLOATS, order="C", accept_large_sparse=False,
                                       reset=False))

    def _resolve_n_init(self, default: int) -> int:
        """Seeded runs to make, by scikit-learn's rule, kept in ``_n_init``.

        "auto" is 1 for "k-means++" and explicit centres and ``default`` for "random" and
        a callable. Explicit centres with ``n_init > 1`` make one run, with a warning:
        every run would be the same.
        """
        if self.n_init != "auto":
            runs = int(self.n_init)
        elif callable(self.init) or (isinstance(self.init, str) and self.init == "random"):
            runs = default
        else:
            runs = 1
        if is_explicit(self.init) and runs != 1:
            warnings.warn(
                "Explicit initial center position passed: performing only one init in "
                f"{type(self).__name__} instead of n_init={runs}.",
                RuntimeWarning, stacklevel=3)
            runs = 1
        self._n_init = runs
        return runs

    def _log(self):
        """Where verbose lines go: standard output when ``verbose``, else nowhere."""
        return print if self.verbose else None

    def _init_centroids(self, X, x_squared_norms, init, random_state, sample_weight,
                        init_size=None, n_centroids=None):
        """Initial centres of one seeding, with scikit-learn's private signature: from
        ``init_size`` rows drawn in proportion to ``sample_weight`` when given, else from
        all rows with their weights."""
        k = self.n_clusters if n_centroids is None else n_centroids
        rng = as_random_state(random_state)
        weights = check_weights(sample_weight, X)
        x_sq = (row_norms_sq(X) if x_squared_norms is None
                else np.asarray(x_squared_norms, dtype=X.dtype))
        if init_size is not None and init_size < X.shape[0]:
            return seed_on_sample(X, x_sq, weights, k, init, 1, init_size, rng,
                                  type(self).__name__)
        return initial_centers(X, x_sq, weights, k, init, rng, type(self).__name__)

    # -- fitted-model methods -------------------------------------------------------------
    def predict(self, X):
        """Index of the nearest centre for each row of ``X``.

        Examples
        --------
        >>> import numpy as np
        >>> from pixelmeans import KMeans
        >>> km = KMeans(2, random_state=0).fit([[0.0], [0.2], [9.8], [10.0]])
        >>> bool(km.predict([[0.1]])[0] == km.predict([[0.0]])[0])
        True
        """
        if is_dask_collection(X):
            from ..dask.lazy import predict_lazy

            check_is_fitted(self)
            return predict_lazy(X, self.cluster_centers_)
        X = self._check_test_data(X)
        centers = self.cluster_centers_.astype(X.dtype, copy=False)
        return assign(X, row_norms_sq(X), centers).labels

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then return the labels of the training rows."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def transform(self, X):
        """Euclidean distance of each row of ``X`` to every centre, shape ``(n, k)``."""
        if is_dask_collection(X):
            from ..dask.lazy import transform_lazy

            check_is_fitted(self)
            return transform_lazy(X, self.cluster_centers_)
        X = self._check_test_data(X)
        centers = self.cluster_centers_.astype(X.dtype, copy=False)
        squared = all_distances_sq(X, row_norms_sq(X), centers)
        return np.sqrt(squared, out=squared)

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, then return the distances of the training rows to the centres."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the weighted inertia of ``X`` with the fitted centres (higher is better)."""
        X = self._check_test_data(X)
        weights = check_weights(sample_weight, X)
        centers = self.cluster_centers_.astype(X.dtype, copy=False)
        labels = assign(X, row_norms_sq(X), centers).labels
        return -inertia(X, labels, centers, weights)

    @property
    def _n_features_out(self):
        return self.cluster_centers_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
