"""What KMeans and MiniBatchKMeans share: checks, seeding, predict, transform and score."""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .dask import is_dask_collection, predict_lazy, transform_lazy
from .init import kmeans_plusplus_core, random_init
from .kernels import assign, inertia, row_norms_sq
from .params import ArrayLike, Callable_, Interval, Options, RandomState, validate_params
from .validation import check_init_array, check_n_clusters, check_weights

FLOATS = [np.float64, np.float32]


class BaseKMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """Shared machinery; not meant to be used directly."""

    _parameter_constraints: ClassVar[dict] = {
        "n_clusters": [Interval(numbers.Integral, 1, None)],
        "init": [Options(("k-means++", "random")), Callable_(), ArrayLike()],
        "n_init": [Options(("auto",)), Interval(numbers.Integral, 1, None)],
        "max_iter": [Interval(numbers.Integral, 1, None)],
        "tol": [Interval(numbers.Real, 0, None)],
        "random_state": [RandomState()],
    }

    # -- checks ---------------------------------------------------------------------------
    def _check_fit_data(self, X, sample_weight, *, reset=True):
        validate_params(type(self).__name__, self.get_params(deep=False),
                        self._parameter_constraints)
        X = validate_data(self, X, dtype=FLOATS, order="C", accept_large_sparse=False,
                          reset=reset)
        weights = check_weights(sample_weight, X)
        check_n_clusters(self.n_clusters, X, type(self).__name__)
        return X, weights

    def _check_test_data(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=FLOATS, order="C", reset=False)
        return X

    def _n_init_for(self, default_random: int) -> int:
        if self.n_init != "auto":
            return int(self.n_init)
        return default_random if isinstance(self.init, str) and self.init == "random" else 1

    # -- seeding --------------------------------------------------------------------------
    def _initial_centers(self, X, x_sq, weights, rng):
        """Initial centres for one run, in ``X``'s dtype."""
        owner = type(self).__name__
        if isinstance(self.init, str) and self.init == "k-means++":
            centers, _ = kmeans_plusplus_core(X, x_sq, weights, self.n_clusters, rng)
        elif isinstance(self.init, str) and self.init == "random":
            centers, _ = random_init(X, weights, self.n_clusters, rng)
        elif callable(self.init):
            centers = check_init_array(self.init(X, self.n_clusters, rng), X,
                                       self.n_clusters, owner)
        else:
            centers = check_init_array(self.init, X, self.n_clusters, owner)
        return np.ascontiguousarray(centers, dtype=X.dtype)

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
            check_is_fitted(self)
            return transform_lazy(X, self.cluster_centers_)
        X = self._check_test_data(X)
        centers = self.cluster_centers_.astype(X.dtype, copy=False)
        squared = assign(X, row_norms_sq(X), centers, everything=True).distances
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
        tags.input_tags.sparse = False
        return tags


def random_state_of(estimator):
    """The estimator's ``random_state`` as a ``numpy.random.RandomState``."""
    return check_random_state(estimator.random_state)
