"""Computational kernels shared by every K-means algorithm.

These functions assume clean input: ``X`` is a C-contiguous float32 or float64 ``(n, d)``
array, ``centers`` has the same dtype, ``weights`` is a float array of length ``n`` and labels
are ``int32``. Validation happens once, at the public boundary (an estimator, or the task
that built the array).

Rows are processed in chunks whose size depends only on ``k``, ``d`` and the dtype (never on
``n``), so temporary memory stays bounded and results do not depend on the number of rows.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

# Temporary memory one chunk may use, in bytes. Tests lower it to exercise chunking.
CHUNK_BYTES = 1 << 25


def chunk_rows(n_clusters: int, n_features: int, itemsize: int) -> int:
    """Rows per chunk so that a chunk's distance block and copies fit ``CHUNK_BYTES``."""
    per_row = itemsize * (3 * n_clusters + 2 * n_features) + 16
    return int(max(64, CHUNK_BYTES // per_row))


def chunks(n_samples: int, size: int):
    """Yield ``slice`` objects covering ``range(n_samples)`` in steps of ``size``."""
    for start in range(0, n_samples, size):
        yield slice(start, min(start + size, n_samples))


def row_norms_sq(X: np.ndarray) -> np.ndarray:
    """Squared Euclidean norm of each row, in ``X``'s dtype."""
    return np.einsum("ij,ij->i", X, X)


def _shifted_block(Xc, centers_m2, c_sq):
    """``|c|² − 2x·c`` for a chunk: squared distances less the per-row constant ``|x|²``.

    ``centers_m2`` is ``-2 * centers`` (an exact scaling), so one GEMM and one pass make
    the block; the argmin over a row does not need ``|x|²`` (scikit-learn drops it too).
    """
    block = Xc @ centers_m2.T
    block += c_sq
    return block


class Assignment(NamedTuple):
    """Result of :func:`assign`; the optional parts are ``None`` unless asked for."""

    labels: np.ndarray
    best: np.ndarray
    runner_up: np.ndarray | None = None
    sums: np.ndarray | None = None
    totals: np.ndarray | None = None
    distances: np.ndarray | None = None


def assign(X, x_sq, centers, *, second=False, weights=None, everything=False) -> Assignment:
    """Nearest centre of every row and its squared distance (clipped at 0).

    With ``second``, also the squared distance to the second nearest centre. With
    ``weights``, also each cluster's weighted row sum and total weight, computed in the same
    pass and in the same chunks as :func:`cluster_sums`. With ``everything``,
    also the ``(n, k)`` squared distances to all centres.
    """
    n, k = X.shape[0], centers.shape[0]
    c_sq = row_norms_sq(centers)
    centers_m2 = centers * centers.dtype.type(-2)
    labels = np.empty(n, dtype=np.int32)
    best = np.empty(n, dtype=X.dtype)
    runner_up = np.empty(n if second else 0, dtype=X.dtype)
    distances = np.empty((n if everything else 0, k), dtype=X.dtype)
    sums = np.zeros((k, X.shape[1]))
    size = chunk_rows(k, X.shape[1], X.itemsize)
    for rows in chunks(n, size):
        Xc, xc_sq = X[rows], x_sq[rows]
        block = _shifted_block(Xc, centers_m2, c_sq)
        lab = block.argmin(axis=1).astype(np.int32)
        index = np.arange(lab.size)
        labels[rows] = lab
        best[rows] = block[index, lab] + xc_sq
        if everything:
            np.maximum(block + xc_sq[:, None], 0, out=distances[rows])
        if second:
            block[index, lab] = np.inf
            runner_up[rows] = block.min(axis=1) + xc_sq if k > 1 else np.inf
        if weights is not None:
            _add_chunk_sums(sums, lab, weights[rows], Xc)
    np.maximum(best, 0, out=best)
    if second:
        np.maximum(runner_up, 0, out=runner_up)
    if weights is None:
        return Assignment(labels, best, runner_up if second else None, None, None,
                          distances if everything else None)
    totals = np.bincount(labels, weights=weights, minlength=k)
    return Assignment(labels, best, runner_up if second else None, sums, totals,
                      distances if everything else None)


# Narrow rows (pixels, colours) are summed one feature at a time with ``np.bincount``. Wider
# rows use a one-hot product: dense for small chunks and few clusters (it costs k·m·d flops
# against the sparse one's m·d plus a fixed construction cost), sparse otherwise.
BINCOUNT_FEATURES = 16
DENSE_ONEHOT_CELLS = 1 << 18
DENSE_ONEHOT_CLUSTERS = 32


def _indicator(columns, values, n_clusters, dtype):
    """The ``(k, m)`` matrix with ``values[i]`` at ``(columns[i], i)``, dense or sparse."""
    m = columns.shape[0]
    if m * n_clusters <= DENSE_ONEHOT_CELLS and n_clusters <= DENSE_ONEHOT_CLUSTERS:
        dense = np.zeros((n_clusters, m), dtype=dtype)
        dense[columns, np.arange(m)] = values
        return dense
    import scipy.sparse as sp  # only wide data with many clusters get here

    steps = np.arange(m + 1, dtype=np.int32 if m < 2**31 else np.int64)
    return sp.csr_array((values.astype(dtype, copy=False), columns, steps),
                        shape=(m, n_clusters)).T


def _add_chunk_sums(sums, labels, weights, Xc):
    """Add the weighted rows of one chunk into ``sums`` (in place), grouped by label.

    Either way the summation order is fixed for a given chunk.
    """
    k, d = sums.shape
    if d <= BINCOUNT_FEATURES:
        for j in range(d):
            sums[:, j] += np.bincount(labels, weights=weights * Xc[:, j], minlength=k)
        return
    sums += _indicator(labels, weights, k, Xc.dtype) @ Xc


def cluster_sums(X, labels, weights, n_clusters):
    """Weighted sum of the rows of each cluster (float64) and each cluster's total weight.

    The cost is O(n·d). The chunks are those of the fused
    pass in :func:`assign`, so both sum in the same order and give identical bits.
    """
    sums = np.zeros((n_clusters, X.shape[1]), dtype=np.float64)
    for rows in chunks(X.shape[0], chunk_rows(n_clusters, X.shape[1], X.itemsize)):
        _add_chunk_sums(sums, labels[rows], weights[rows], X[rows])
    return sums, np.bincount(labels, weights=weights, minlength=n_clusters)


def move_rows(X, weights, rows, old, new, sums, totals):
    """Move ``rows`` from clusters ``old`` to clusters ``new`` in ``sums``/``totals`` (in place).

    Each moved row is added with ``+w`` to its new cluster and ``-w`` to its old one, so the
    update is O(len(rows)·d) in a fixed order.
    """
    if rows.size == 0:
        return
    w = weights[rows]
    for part in chunks(rows.size, max(1024, CHUNK_BYTES // (8 * X.shape[1]))):
        Xr = X[rows[part]]
        _add_chunk_sums(sums, new[part], w[part], Xr)
        _add_chunk_sums(sums, old[part], -w[part], Xr)
    np.subtract.at(totals, old, w)
    np.add.at(totals, new, w)


def relocate_empty(X, weights, labels, dist_sq, sums, totals):
    """Move each empty cluster onto one of the points farthest from its centre (in place).

    The chosen points are taken out of their old clusters' sums, as scikit-learn does, so
    that the new centres stay the exact means of a labelling.
    """
    empty = np.flatnonzero(totals == 0)
    if empty.size == 0:
        return 0
    far = np.argpartition(-dist_sq, empty.size - 1)[: empty.size]
    far = far[np.argsort(-dist_sq[far], kind="stable")]
    for cluster, point in zip(empty, far, strict=True):
        old = labels[point]
        if totals[old] > weights[point]:
            sums[old] -= X[point] * weights[point]
            totals[old] -= weights[point]
        sums[cluster] = X[point] * weights[point]
        totals[cluster] = weights[point]
    return int(empty.size)


def means(sums, totals, previous):
    """Centres from sums and weights; a cluster with no weight keeps its previous centre."""
    out = previous.astype(np.float64, copy=True)
    filled = totals > 0
    out[filled] = sums[filled] / totals[filled, None]
    return out


def inertia(X, labels, centers, weights):
    """Weighted sum of squared distances of rows to their centres, computed by differences."""
    total = 0.0
    size = chunk_rows(1, X.shape[1], X.itemsize)
    for rows in chunks(X.shape[0], size):
        diff = X[rows] - centers[labels[rows]]
        total += float(np.einsum("ij,ij->i", diff, diff) @ weights[rows])
    return total


def weighted_tolerance(X, weights, tol):
    """``tol`` scaled by the mean (weighted) variance of the features.

    Computed chunk by chunk in ``X``'s dtype with float64 totals: no full-size copy.
    """
    if tol == 0:
        return 0.0
    total = float(weights.sum())
    size = chunk_rows(1, X.shape[1], X.itemsize)
    w = weights.astype(X.dtype)
    mean = sum(w[rows] @ X[rows] for rows in chunks(len(X), size)).astype(np.float64) / total
    center = mean.astype(X.dtype)
    squares = sum((w[rows] @ (X[rows] - center) ** 2).astype(np.float64)
                  for rows in chunks(len(X), size))
    return float(np.mean(squares / total) * tol)
