"""What the kernels need to treat a SciPy CSR matrix like a dense array of rows.

The engine takes ``X`` either as a C-contiguous ``(n, d)`` ndarray or as a CSR matrix or
array (``scipy.sparse``), float32 or float64. Most kernels work on both unchanged: slicing
rows, ``X[rows] @ dense`` and fancy row indexing behave alike. The few places that need the
rows themselves go through these helpers, which never densify more than the rows asked for.
SciPy is never imported here: a sparse matrix can only exist if ``scipy.sparse`` was.
"""

from __future__ import annotations

import sys

import numpy as np

# Sparse rows are costed in chunks by the stored values of an average row (plus one for its
# pointer), not by the width of the matrix (see :func:`row_width`).
MIN_SPARSE_WIDTH = 8


def is_sparse(X) -> bool:
    """Whether ``X`` is a ``scipy.sparse`` matrix or array (without importing SciPy).

    Examples
    --------
    >>> is_sparse(np.zeros((2, 2)))
    False
    """
    if type(X) is np.ndarray:  # the common case, asked in every kernel call
        return False
    sp = sys.modules.get("scipy.sparse")
    return sp is not None and bool(sp.issparse(X))


def row_width(X) -> int:
    """Numbers one row of ``X`` holds, for sizing chunks: ``d`` for a dense array, the
    average stored values per row for a sparse one (at least :data:`MIN_SPARSE_WIDTH`).

    Examples
    --------
    >>> row_width(np.zeros((5, 3)))
    3
    """
    if not is_sparse(X):
        return int(X.shape[1])
    return int(min(X.shape[1], max(MIN_SPARSE_WIDTH, -(-X.nnz // max(1, X.shape[0])))))


def dense_rows(X, rows) -> np.ndarray:
    """The rows ``rows`` (a slice, index array or int) of ``X`` as a new C-contiguous 2-D
    ndarray in ``X``'s dtype.

    Examples
    --------
    >>> dense_rows(np.arange(6.0).reshape(3, 2), [2, 0]).tolist()
    [[4.0, 5.0], [0.0, 1.0]]
    """
    if isinstance(rows, int | np.integer):
        rows = slice(int(rows), int(rows) + 1)
    if is_sparse(X):
        return X[rows].toarray()
    return np.array(X[rows], order="C", copy=True)


def take_rows(X, rows):
    """``X[rows]``; a slice of a CSR matrix's rows is made without copying its values
    (SciPy copies them: 2 ms a chunk on a 100k×20k matrix of 2M values)."""
    if not isinstance(rows, slice) or not is_sparse(X):
        return X[rows]
    import scipy.sparse as sp  # there is a sparse matrix, so SciPy is loaded already

    start, stop, _ = rows.indices(X.shape[0])
    indptr = X.indptr[start : stop + 1]
    first, last = int(indptr[0]), int(indptr[-1])
    return sp.csr_matrix((X.data[first:last], X.indices[first:last], indptr - first),
                         shape=(stop - start, X.shape[1]), copy=False)


def sparse_row_norms_sq(X) -> np.ndarray:
    """Squared Euclidean norm of each row of a CSR matrix, in its dtype."""
    squares = X.data * X.data
    return _row_sums(X, squares).astype(X.dtype, copy=False)


def _row_ids(X) -> np.ndarray:
    """The row of each stored value of a CSR matrix."""
    return np.repeat(np.arange(X.shape[0], dtype=np.intp), np.diff(X.indptr))


def _row_sums(X, values) -> np.ndarray:
    """Sum of ``values`` (one per stored value of CSR ``X``) per row, in float64."""
    return np.bincount(_row_ids(X), weights=values, minlength=X.shape[0])


def sparse_sq_distances_to_own(X, x_sq, centers, labels) -> np.ndarray:
    """Squared distance (float64, clipped at 0) of each row of CSR ``X`` to the centre
    ``centers[labels[i]]``, by ``|x|² − 2x·c + |c|²`` over the stored values only: O(nnz)."""
    c = centers.astype(np.float64, copy=False)
    c_sq = np.einsum("ij,ij->i", c, c)
    products = X.data * c[labels[_row_ids(X)], X.indices]
    sq = x_sq.astype(np.float64) - 2.0 * _row_sums(X, products) + c_sq[labels]
    return np.maximum(sq, 0.0)


def sparse_weighted_moments(X, weights) -> tuple[np.ndarray, np.ndarray]:
    """Per feature of CSR ``X``: the weighted sum of values and of squared values (float64),
    in one pass over the stored values."""
    w = weights.astype(np.float64, copy=False)[_row_ids(X)]
    values = X.data.astype(np.float64)
    d = X.shape[1]
    sums = np.bincount(X.indices, weights=w * values, minlength=d)
    squares = np.bincount(X.indices, weights=w * values * values, minlength=d)
    return sums, squares


def sparse_cluster_sums(Xc, labels, weights, n_clusters) -> np.ndarray:
    """Weighted sum of the rows of CSR ``Xc`` per cluster, as a dense ``(k, d)`` float64
    array: one sparse product of the ``(k, m)`` weighted one-hot matrix with ``Xc``."""
    import scipy.sparse as sp  # there is a sparse matrix, so SciPy is loaded already

    m = Xc.shape[0]
    steps = np.arange(m + 1, dtype=np.int64)
    onehot = sp.csr_matrix((weights.astype(Xc.dtype), labels, steps), shape=(m, n_clusters))
    return np.asarray((onehot.T.tocsr() @ sp.csr_matrix(Xc)).toarray(), dtype=np.float64)
