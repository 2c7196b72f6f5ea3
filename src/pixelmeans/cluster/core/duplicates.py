"""Collapse repeated rows into one weighted row.

K-means on distinct rows weighted by how often they occur is K-means on all rows, so when
low-dimensional data repeats itself a lot (pixels of a photo, counts, rounded measurements)
clustering the distinct rows does the same work on fewer points. This module decides whether
that pays, and does it exactly: rows are grouped by an exact integer key when every value is
a small integer, otherwise by a 64-bit hash whose groups are then verified row by row.
"""

from __future__ import annotations

import numpy as np

from .sparse import is_sparse

MIN_ROWS = 50_000  # below this, collapsing does not pay for itself
MAX_FEATURES = 8
SAMPLE_ROWS = 10_000
MAX_DISTINCT_SHARE = 0.9  # collapse only when a sample is at most this share distinct


def _distinct_in_sample(X: np.ndarray) -> float:
    """Share of distinct rows in an evenly strided sample of rows."""
    sample = np.ascontiguousarray(X[:: max(1, X.shape[0] // SAMPLE_ROWS)])
    rows = sample.view(np.dtype((np.void, sample.dtype.itemsize * sample.shape[1]))).ravel()
    return np.unique(rows).size / rows.size


def _integer_keys(X: np.ndarray) -> np.ndarray | None:
    """Exact int64 keys when every value is an integer and the ranges fit in 62 bits."""
    low, high = X.min(axis=0), X.max(axis=0)
    spans = (high - low + 1).astype(np.float64)
    if not np.all(np.isfinite(spans)) or np.sum(np.log2(spans)) > 62:
        return None
    if not np.array_equal(X, np.rint(X)):
        return None
    keys = np.zeros(X.shape[0], dtype=np.int64)
    for j in range(X.shape[1]):
        keys *= int(spans[j])
        keys += (X[:, j] - low[j]).astype(np.int64)
    return keys


def hash_rows(X: np.ndarray) -> np.ndarray:
    """A 64-bit mix of each row's bit patterns (splitmix-style)."""
    bits = np.ascontiguousarray(X, dtype=np.float64).view(np.uint64)
    keys = np.zeros(X.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(X.shape[1]):
            keys += bits[:, j] * np.uint64(0x9E3779B97F4A7C15 + 2 * j)
            keys ^= keys >> np.uint64(31)
            keys *= np.uint64(0xBF58476D1CE4E5B9)
            keys ^= keys >> np.uint64(29)
    return keys


def collapse_duplicates(X: np.ndarray, weights: np.ndarray):
    """Distinct rows, their summed weights and each row's index among them, or ``None``.

    ``None`` means collapsing would not pay (few repeats, high dimension or few rows) or
    could not be proven exact. Assumes clean input (as the kernels do).

    Examples
    --------
    >>> X = np.repeat(np.array([[0.0, 1.0], [2.0, 3.0]]), 30_000, axis=0)
    >>> rows, w, inverse = collapse_duplicates(X, np.ones(60_000))
    >>> rows.tolist(), w.tolist(), bool((rows[inverse] == X).all())
    ([[0.0, 1.0], [2.0, 3.0]], [30000.0, 30000.0], True)
    """
    n, d = X.shape
    if is_sparse(X):  # sparse data is wide; repeats are not worth looking for
        return None
    if n < MIN_ROWS or d > MAX_FEATURES or _distinct_in_sample(X) > MAX_DISTINCT_SHARE:
        return None
    return merge_rows(X, weights)


def merge_rows(X: np.ndarray, weights: np.ndarray):
    """Distinct rows, their summed weights and each row's index among them, whether or not
    that pays; ``None`` on a hash collision (never merges different rows).

    Examples
    --------
    >>> rows, w, _ = merge_rows(np.array([[0.5], [0.5], [2.0]]), np.array([1.0, 2.0, 4.0]))
    >>> rows.ravel().tolist(), w.tolist()
    ([0.5, 2.0], [3.0, 4.0])
    """
    integer_keys = _integer_keys(X) if len(X) else None
    exact = integer_keys is not None
    keys = integer_keys if integer_keys is not None else hash_rows(X)
    # One unstable sort (much faster than np.unique's stable one); equal keys are equal rows.
    order = np.argsort(keys)
    opens = np.empty(len(keys), dtype=np.bool_)
    opens[:1] = True
    sorted_keys = keys[order]
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=opens[1:])
    starts = np.flatnonzero(opens)
    rows = X[order[starts]]
    inverse = np.empty(len(keys), dtype=np.intp)
    inverse[order] = np.cumsum(opens) - 1
    if not exact and not np.array_equal(rows[inverse], X):
        return None  # a hash collision: give up rather than merge different rows
    merged = np.add.reduceat(weights[order], starts) if len(starts) else weights[:0]
    return rows, merged.astype(np.float64, copy=False), inverse
