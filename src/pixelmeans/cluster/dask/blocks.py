"""A Dask array and its weights cut into row blocks, and map-reduce over those blocks.

Blocks are kept in the cluster's memory (``persist``) when they take at most half of it,
with repeated rows collapsed once into weighted distinct rows (photo pixels repeat a lot),
within each block and then across blocks by a hash shuffle; larger data are streamed from
their source at every pass. Everything runs on Dask's current scheduler: a
``distributed.Client`` when one is active.
"""

from __future__ import annotations

import itertools
import os

import numpy as np

from ...errors import InvalidParameterError, require
from ..core.duplicates import MAX_FEATURES, collapse_duplicates, hash_rows, merge_rows

TREE_FAN_IN = 8  # partial results summed per task


def import_dask():
    """``(dask, dask.array)``, or a clear error naming the extra."""
    require("dask", "dask", "Clustering a Dask array")
    import dask
    import dask.array as da

    return dask, da


def as_row_blocks(X):
    """A Dask array in row blocks holding every column, float32 kept, anything else float64."""
    _, da = import_dask()
    X = da.asarray(X)
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    return X.astype(dtype).rechunk({1: -1})


def tree_sum(parts):
    """Element-wise sum of a list of equal-shaped tuples (or arrays, or numbers)."""
    first = parts[0]
    if isinstance(first, tuple):
        return tuple(tree_sum([p[i] for p in parts]) for i in range(len(first)))
    return sum(parts[1:], first)


def reduce_tree(dask, parts):
    """One delayed value: the :func:`tree_sum` of delayed ``parts``, ``TREE_FAN_IN`` at a time."""
    while len(parts) > 1:
        parts = [dask.delayed(tree_sum)(parts[i:i + TREE_FAN_IN])
                 for i in range(0, len(parts), TREE_FAN_IN)]
    return parts[0]


def on_pair(kernel, pair, *args):
    """``kernel(X_block, w_block, *args)`` for a block's ``(X, w)`` pair."""
    return kernel(pair[0], pair[1], *args)


def _pair(X, w):
    return X, w


def _collapse(pair):
    """A block with repeated rows merged into weighted distinct rows (when that pays), and
    whether they were."""
    X, w = pair
    collapsed = collapse_duplicates(np.ascontiguousarray(X), w)
    return (X, w, False) if collapsed is None else (collapsed[0], collapsed[1], True)


def _split_by_hash(pair, parts: int, own: int):
    """A collapsed block's rows dealt into ``parts`` groups by a hash of their values, so
    that equal rows of every block meet in one group; a block that did not collapse (few
    repeats) keeps all its rows in its own group, unmerged."""
    X, w, collapsed = pair
    if not collapsed:
        empty = (X[:0], w[:0], True)
        return [(X, w, False) if j == own else empty for j in range(parts)]
    group = (hash_rows(X) % np.uint64(parts)).astype(np.intp)
    order = np.argsort(group, kind="stable")
    edges = np.searchsorted(group[order], np.arange(parts + 1))
    return [(X[order[a:b]], w[order[a:b]], True) for a, b in itertools.pairwise(edges)]


def _merge_group(index: int, *splits):
    """Group ``index`` of every block, its rows from collapsed blocks merged."""
    pieces = [s[index] for s in splits]
    mergeable = [p for p in pieces if p[2] and len(p[0])]
    others = [p for p in pieces if not p[2]]
    if mergeable:
        merged = merge_rows(np.concatenate([p[0] for p in mergeable]),
                            np.concatenate([p[1] for p in mergeable]))
        if merged is not None:
            mergeable = [(merged[0], merged[1], True)]
    parts = mergeable + others
    if not parts:
        return pieces[0][0][:0], pieces[0][1][:0]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _merge_across_blocks(dask, collapsed):
    """Rows repeated in different blocks merged too: a hash shuffle into as many blocks."""
    parts = len(collapsed)
    splits = [dask.delayed(_split_by_hash)(p, parts, i) for i, p in enumerate(collapsed)]
    return [dask.delayed(_merge_group)(j, *splits) for j in range(parts)]


def fits_in_memory(nbytes: int) -> bool:
    """True when ``nbytes`` take at most half of the workers' (or this machine's) memory."""
    try:
        from distributed import default_client

        info = default_client().scheduler_info()
        memory = sum(w.get("memory_limit", 0) or 0 for w in info["workers"].values())
    except (ImportError, ValueError):
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return nbytes <= memory / 2


def _weights_in_row_blocks(da, X, sample_weight):
    if sample_weight is None:
        return da.ones(X.shape[0], chunks=(X.chunks[0],), dtype=np.float64)
    weights = da.asarray(sample_weight).astype(np.float64)
    if weights.shape != (X.shape[0],):
        msg = f"sample_weight.shape == {weights.shape}, expected ({X.shape[0]},)"
        raise InvalidParameterError(msg)
    return weights.rechunk((X.chunks[0],))


class DaskData:
    """A Dask array and its weights, cut into row blocks (all columns in each block)."""

    def __init__(self, X, sample_weight):
        dask, da = import_dask()
        if X.ndim != 2:
            msg = f"Expected a 2-D Dask array; got {X.ndim} dimensions"
            raise InvalidParameterError(msg)
        if any(np.isnan(c) for c in X.chunks[0]):
            msg = "the Dask array has unknown chunk sizes; call X.compute_chunk_sizes() first"
            raise InvalidParameterError(msg)
        X = as_row_blocks(X)
        weights = _weights_in_row_blocks(da, X, sample_weight)
        self.dask, self.X, self.weights = dask, X, weights
        pairs = [dask.delayed(_pair, pure=True)(xb, wb) for xb, wb in zip(
            X.to_delayed().ravel(), weights.to_delayed().ravel(), strict=True)]
        self.in_memory = fits_in_memory(X.nbytes + weights.nbytes)
        if self.in_memory:
            # Kept on the workers, with repeated rows collapsed once (pixels repeat a lot).
            collapsed = [dask.delayed(_collapse, pure=True)(p) for p in pairs]
            if len(pairs) > 1 and X.shape[1] <= MAX_FEATURES:
                collapsed = _merge_across_blocks(dask, collapsed)
            pairs = list(dask.persist(*collapsed))  # (X, w[, collapsed]) per block
        self.pairs = pairs
        self.n_samples, self.n_features = X.shape
        self.dtype = np.dtype(X.dtype)

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_samples, self.n_features

    def map_reduce(self, kernel, *args, indexed: bool = False):
        """``kernel(X_block, w_block, *args)`` on every block, summed in a tree; with
        ``indexed``, each block's index is passed too, as a last argument."""
        delayed = self.dask.delayed
        parts = [delayed(on_pair)(kernel, pair, *args, *((i,) if indexed else ()))
                 for i, pair in enumerate(self.pairs)]
        return self.dask.compute(reduce_tree(self.dask, parts))[0]

    def map(self, kernel, *per_block_args):
        """``kernel(X_block, w_block, *args_i)`` on every block; the list of results.

        Each of ``per_block_args`` holds one value per block.
        """
        args = list(zip(*per_block_args, strict=True)) if per_block_args \
            else [()] * len(self.pairs)
        tasks = [self.dask.delayed(on_pair)(kernel, pair, *a)
                 for pair, a in zip(self.pairs, args, strict=True)]
        return list(self.dask.compute(*tasks))


def _block_moments(X, w):
    w = w.astype(np.float64)
    Xf = X.astype(np.float64)
    return np.array([w.sum(), w.min(initial=np.inf)]), w @ Xf, w @ (Xf * Xf)


def check_moments(data: DaskData, tol: float):
    """Validate weights and values in one pass; return the weight per block and the
    scaled tolerance (``tol`` × mean weighted variance, as in memory)."""
    per_block = data.map(_block_moments)
    stats = np.array([p[0] for p in per_block])
    total, lowest = stats[:, 0].sum(), stats[:, 1].min()
    sums = sum(p[1] for p in per_block)
    squares = sum(p[2] for p in per_block)
    if not np.isfinite(sums).all() or not np.isfinite(squares).all():
        msg = "Input X contains NaN or infinity"
        raise InvalidParameterError(msg)
    if lowest < 0 or total <= 0:
        msg = "sample_weight must be non-negative with a positive sum"
        raise InvalidParameterError(msg)
    mean = sums / total
    variance = float((squares / total - mean**2).clip(0).mean())
    return stats[:, 0], tol * variance
