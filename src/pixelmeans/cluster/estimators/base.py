"""What KMeans and MiniBatchKMeans share: checks, seeding, predict, transform and score."""

from __future__ import annotations

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
    Callables,
    Integral,
    Interval,
    Options,
    RandomStates,
    Real,
    validate_params,
)
from ..core.kernels import assign, inertia, row_norms_sq
from ..dask import is_dask_collection
from .validation import FLOATS, check_n_clusters, check_weights


class BaseKMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """Shared machinery; not meant to be used directly."""

    _parameter_constraints: ClassVar[dict] = {
        "n_clusters": [Interval(Integral, 1, None)],
        "init": [Options(("k-means++", "random")), Callables(), ArrayLike()],
        "n_init": [Options(("auto",)), Interval(Integral, 1, None)],
        "max_iter": [Interval(Integral, 1, None)],
        "tol": [Interval(Real, 0, None)],
        "random_state": [RandomStates()],
    }

    # -- checks ---------------------------------------------------------------------------
    def _validate_params(self) -> None:
        validate_params(type(self).__name__, self.get_params(deep=False),
                        self._parameter_constraints)

    def _check_fit_data(self, X, sample_weight, *, reset=True):
        self._validate_params()
        X = validate_data(self, X, dtype=FLOATS, order="C", accept_large_sparse=False,
                          reset=reset)
        weights = check_weights(sample_weight, X)
        if reset:  # partial_fit's later batches may be smaller than n_clusters
            check_n_clusters(self.n_clusters, X.shape[0], type(self).__name__)
        return X, weights

    def _check_test_data(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=FLOATS, order="C", reset=False)

    def _n_init_for(self, default_random: int) -> int:
        if self.n_init != "auto":
            return int(self.n_init)
        return default_random if isinstance(self.init, str) and self.init == "random" else 1

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
