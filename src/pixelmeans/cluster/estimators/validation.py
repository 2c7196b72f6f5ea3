"""Input checks of the scikit-learn estimators (run once, at their boundary)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array

from ...errors import InvalidDataError, InvalidParameterError, PixelmeansError
from ..core.sparse import is_sparse

FLOATS = [np.float64, np.float32]


def as_engine_input(X):
    """A checked ``X`` as the engine takes it: dense arrays as they are, any sparse
    matrix or array as a ``scipy.sparse.csr_matrix`` sharing its (CSR) buffers."""
    if not is_sparse(X):
        return X
    import scipy.sparse as sp

    return sp.csr_matrix(X)


def checked(check: Callable[..., Any], *args, **kwargs) -> Any:
    """``check(*args, **kwargs)`` (scikit-learn's array checks), with the ValueError it
    raises for unusable data (NaN, infinity, no rows, wrong number of features) turned into
    :class:`~pixelmeans.errors.InvalidDataError`, which is still a ValueError."""
    try:
        return check(*args, **kwargs)
    except PixelmeansError:
        raise
    except ValueError as exc:
        raise InvalidDataError(str(exc)) from exc


def check_data(X, owner: str):
    """Return ``X`` as a C-contiguous float32/float64 2-D array, or a CSR matrix of that
    dtype (float32 stays float32)."""
    return as_engine_input(checked(check_array, X, accept_sparse="csr", dtype=FLOATS,
                                   order="C", accept_large_sparse=False, input_name="X",
                                   estimator=owner))


def check_weights(sample_weight, X: np.ndarray) -> np.ndarray:
    """Return weights as a new float64 array of length ``n``; ``None`` means all ones."""
    n = X.shape[0]
    if sample_weight is None:
        return np.ones(n, dtype=np.float64)
    if np.isscalar(sample_weight):
        weights = np.full(n, sample_weight, dtype=np.float64)
    else:
        weights = checked(
            check_array, sample_weight, ensure_2d=False, dtype=np.float64,
            input_name="sample_weight", ensure_min_samples=0,
        ).astype(np.float64, copy=True)
    if weights.ndim != 1 or weights.shape[0] != n:
        msg = f"sample_weight.shape == {weights.shape}, expected ({n},)!"
        raise InvalidParameterError(msg)
    if np.any(weights < 0):
        msg = "sample_weight must be non-negative; found negative values."
        raise InvalidParameterError(msg)
    if not weights.sum() > 0:
        msg = "sample_weight must have a positive sum; all weights are zero."
        raise InvalidParameterError(msg)
    return weights


def check_n_clusters(n_clusters: int, n_samples: int, owner: str) -> None:
    """Refuse fewer samples than clusters, with both numbers in the message."""
    if n_samples < n_clusters:
        msg = f"{owner}: n_samples={n_samples} should be >= n_clusters={n_clusters}."
        raise InvalidParameterError(msg)


def warn_if_fewer_clusters(labels: np.ndarray, n_clusters: int) -> None:
    """Warn (scikit-learn's ConvergenceWarning, in its words) when the labels use fewer
    clusters than asked: full-batch K-means relocates empty clusters, so this happens only
    when the data has fewer distinct points than clusters."""
    found = np.unique(labels).size
    if found < n_clusters:
        warnings.warn(
            f"Number of distinct clusters ({found}) found smaller than "
            f"n_clusters ({n_clusters}). Possibly due to duplicate points in X.",
            ConvergenceWarning, stacklevel=3,
        )
