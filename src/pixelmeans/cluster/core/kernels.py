"""Computational kernels shared by every K-means algorithm.

These functions assume clean input: ``X`` is a C-contiguous float32 or float64 ``(n, d)``
array or a CSR matrix of that dtype (see :mod:`.sparse`), ``centers`` is a dense array of
the same dtype, ``weights`` is a float array of length ``n`` and labels
are ``int32``. Validation happens once, at the public boundary (an estimator, or the task
that built the array).

Rows are processed in chunks whose size depends only on ``k``, ``d`` and the dtype (never on
``n``), so temporary memory stays bounded and results do not depend on the number of rows.
For a sparse ``X``, ``d`` is the stored values of an average row (:func:`.sparse.row_width`)
and no kernel densifies more than a chunk's worth of rows.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

import numpy as np

from .sparse import (
    dense_rows,
    is_sparse,
    row_width,
    sparse_cluster_sums,
    sparse_row_norms_sq,
    sparse_sq_distances_to_own,
    sparse_weighted_moments,
    take_rows,
)

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


def rows_chunk(X, n_clusters: int) -> int:
    """:func:`chunk_rows` for ``X`` (dense or sparse) and ``n_clusters`` centres."""
    return chunk_rows(n_clusters, row_width(X), X.dtype.itemsize)


def row_norms_sq(X) -> np.ndarray:
    """Squared Euclidean norm of each row, in ``X``'s dtype."""
    if is_sparse(X):
        return sparse_row_norms_sq(X)
    return np.einsum("ij,ij->i", X, X)


# OpenBLAS runs a product of at most this many multiply-adds (m·n·k) on one thread, and
# larger ones on all threads. Waking the threads costs a fixed time per call: on a shared
# 2-core machine, 2.7 ms for digits' 1797×64 by 64×10 product against 0.23 ms for the same
# product in 5 single-threaded pieces. Products up to SPLIT_MACS are therefore made in
# single-threaded pieces of rows (each row's result is the same either way); larger ones
# in one call, where the threads pay for themselves.
SINGLE_THREAD_MACS = 1 << 18
SPLIT_MACS = 1 << 23


# Temporaries of a few hundred kB, allocated and freed at every call, cost more than the
# work on small data: the allocator hands the pages back and faults them in again (digits:
# an assignment takes 0.45 ms, 0.23 ms when the pages stay). Blocks up to SCRATCH_BYTES are
# therefore kept between calls, one per purpose and thread; larger ones amortise their
# allocation and are not kept.
SCRATCH_BYTES = 1 << 21
_scratch = threading.local()


def scratch(purpose: str, shape: tuple[int, int], dtype) -> np.ndarray:
    """An uninitialised array of ``shape`` and ``dtype`` for a temporary that does not
    outlive the caller's use of it: reused between calls (per ``purpose`` and thread) when
    small, fresh otherwise."""
    dtype = np.dtype(dtype)
    size = shape[0] * shape[1]
    if size * dtype.itemsize > SCRATCH_BYTES:
        return np.empty(shape, dtype=dtype)
    kept = getattr(_scratch, purpose, None)
    if kept is None or kept.dtype != dtype or kept.size < size:
        kept = np.empty(max(size, 1), dtype=dtype)
        setattr(_scratch, purpose, kept)
    return kept[:size].reshape(shape)


def row_product(A, B, out=None):
    """``A @ B`` for a dense ``A`` (rows) and ``B`` (into ``out`` when given), in
    single-threaded pieces of rows when the product is too small for BLAS threads to pay
    (see :data:`SPLIT_MACS`)."""
    m, inner = A.shape
    n = B.shape[1]
    if out is None:
        out = np.empty((m, n), dtype=np.result_type(A.dtype, B.dtype))
    macs = m * inner * n
    if macs <= SINGLE_THREAD_MACS or macs > SPLIT_MACS:
        return np.matmul(A, B, out=out)
    step = max(1, SINGLE_THREAD_MACS // max(1, inner * n))
    for start in range(0, m, step):
        np.matmul(A[start : start + step], B, out=out[start : start + step])
    return out


def _shifted_block(Xc, centers_m2, c_sq):
    """``|c|² − 2x·c`` for a chunk: squared distances less the per-row constant ``|x|²``.

    ``centers_m2`` is ``-2 * centers`` (an exact scaling), so one GEMM and one pass make
    the block; the argmin over a row does not need ``|x|²`` (scikit-learn drops it too).
    The block is a scratch array (see :func:`scratch`): valid until the next call.
    """
    if is_sparse(Xc):
        block = np.asarray(Xc @ centers_m2.T)  # a sparse chunk's product may be np.matrix
    else:
        shape = (Xc.shape[0], centers_m2.shape[0])
        block = row_product(Xc, centers_m2.T,
                            out=scratch("block", shape, np.result_type(Xc, centers_m2)))
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
    size = rows_chunk(X, k)
    for rows in chunks(n, size):
        Xc, xc_sq = take_rows(X, rows), x_sq[rows]
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
        dense = scratch("onehot", (n_clusters, m), dtype)
        dense.fill(0)
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
    if is_sparse(Xc):
        sums += sparse_cluster_sums(Xc, labels, weights, k)
        return
    if d <= BINCOUNT_FEATURES:
        for j in range(d):
            sums[:, j] += np.bincount(labels, weights=weights * Xc[:, j], minlength=k)
        return
    indicator = _indicator(labels, weights, k, Xc.dtype)
    sums += row_product(indicator, Xc) if isinstance(indicator, np.ndarray) else indicator @ Xc


def cluster_sums(X, labels, weights, n_clusters):
    """Weighted sum of the rows of each cluster (float64) and each cluster's total weight.

    The cost is O(n·d). The chunks are those of the fused
    pass in :func:`assign`, so both sum in the same order and give identical bits.
    """
    sums = np.zeros((n_clusters, X.shape[1]), dtype=np.float64)
    for rows in chunks(X.shape[0], rows_chunk(X, n_clusters)):
        _add_chunk_sums(sums, labels[rows], weights[rows], take_rows(X, rows))
    return sums, np.bincount(labels, weights=weights, minlength=n_clusters)


def move_rows(X, weights, rows, old, new, sums, totals):
    """Move ``rows`` from clusters ``old`` to clusters ``new`` in ``sums``/``totals`` (in place).

    Each moved row is added with ``+w`` to its new cluster and ``-w`` to its old one, so the
    update is O(len(rows)·d) in a fixed order.
    """
    if rows.size == 0:
        return
    w = weights[rows]
    for part in chunks(rows.size, max(1024, CHUNK_BYTES // (8 * row_width(X)))):
        Xr = X[rows[part]]
        _add_chunk_sums(sums, new[part], w[part], Xr)
        _add_chunk_sums(sums, old[part], -w[part], Xr)
    np.subtract.at(totals, old, w)
    np.add.at(totals, new, w)


def relocate_empty(X, weights, labels, dist_sq, sums, totals):
    """Move each empty cluster onto one of the points farthest from its centre (in place).

    The chosen points are taken out of their old clusters' sums, as scikit-learn does, so
    that the new centres stay the exact means of a labelling. Only points away from their
    centre are taken (moving a point that sits on its centre lowers nothing): when the data
    has fewer distinct points than clusters, the clusters left over stay empty, keep their
    centres, and K-means can converge.
    """
    empty = np.flatnonzero(totals == 0)
    empty = empty[: np.count_nonzero(dist_sq > 0)]
    if empty.size == 0:
        return 0
    far = np.argpartition(-dist_sq, empty.size - 1)[: empty.size]
    far = far[np.argsort(-dist_sq[far], kind="stable")]
    for cluster, point in zip(empty, far, strict=True):
        old = labels[point]
        row = dense_rows(X, int(point))[0].astype(np.float64)
        if totals[old] > weights[point]:
            sums[old] -= row * weights[point]
            totals[old] -= weights[point]
        sums[cluster] = row * weights[point]
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
    if is_sparse(X):  # by the expanded formula over the stored values, as scikit-learn
        for rows in chunks(X.shape[0], rows_chunk(X, 1)):
            Xc = take_rows(X, rows)
            sq = sparse_sq_distances_to_own(Xc, row_norms_sq(Xc), centers, labels[rows])
            total += float(sq @ weights[rows])
        return total
    size = chunk_rows(1, X.shape[1], X.itemsize)
    for rows in chunks(X.shape[0], size):
        # One temporary, subtracted into in place: allocating a second one while the first
        # is alive made the allocator fault fresh pages in every call (digits: 1.5 ms
        # against 0.2 ms).
        diff = centers.take(labels[rows], axis=0)
        np.subtract(X[rows], diff, out=diff)
        total += float(np.einsum("ij,ij->i", diff, diff) @ weights[rows])
    return total


def weighted_tolerance(X, weights, tol):
    """``tol`` scaled by the mean (weighted) variance of the features.

    Computed chunk by chunk in ``X``'s dtype with float64 totals: no full-size copy.
    """
    if tol == 0:
        return 0.0
    total = float(weights.sum())
    if is_sparse(X):  # E[x²] − E[x]², from one pass over the stored values
        sums, squares = sparse_weighted_moments(X, weights)
        mean = sums / total
        return float(np.mean(np.maximum(squares / total - mean * mean, 0.0)) * tol)
    size = chunk_rows(1, X.shape[1], X.itemsize)
    w = weights.astype(X.dtype)
    mean = sum(w[rows] @ X[rows] for rows in chunks(len(X), size)).astype(np.float64) / total
    center = mean.astype(X.dtype)
    squares = sum((w[rows] @ (X[rows] - center) ** 2).astype(np.float64)
                  for rows in chunks(len(X), size))
    return float(np.mean(squares / total) * tol)


def all_distances_sq(X, x_sq, centers) -> np.ndarray:
    """Squared distances ``(n, k)`` of every row to every centre, in ``X``'s dtype.

    The expanded formula errs by up to a few ulps of ``max(|x|², |c|²)``; entries it cannot
    tell from zero are computed again from differences, so a dense row equal to a centre is
    at exactly 0 from it (and near rows are as precise as the dtype allows). Sparse rows
    are computed again over their stored values in float64 (never densified).
    """
    distances = assign(X, x_sq, centers, everything=True).distances
    assert distances is not None  # asked for with everything=True
    if distances.size == 0:
        return distances
    eps = float(np.finfo(X.dtype).eps)
    c_sq = row_norms_sq(centers).astype(np.float64)
    scale = 4.0 * (X.shape[1] + 3) * eps
    for rows in chunks(X.shape[0], rows_chunk(X, centers.shape[0])):
        block = distances[rows]
        limit = scale * np.maximum(x_sq[rows].astype(np.float64)[:, None], c_sq[None, :])
        near_rows, near_cols = np.nonzero(block <= limit)
        if is_sparse(X):  # over the stored values, in float64: O(nnz), never a dense row
            Xn = X[near_rows + rows.start]
            block[near_rows, near_cols] = sparse_sq_distances_to_own(
                Xn, row_norms_sq(Xn), centers, near_cols)
            continue
        for part in chunks(near_rows.size, max(1, CHUNK_BYTES // (8 * X.shape[1]))):
            at, to = near_rows[part], near_cols[part]
            diff = X[at + rows.start] - centers[to]
            block[at, to] = np.einsum("ij,ij->i", diff, diff)
    return distances
