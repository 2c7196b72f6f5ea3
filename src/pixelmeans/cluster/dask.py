"""K-means over Dask arrays (the ``dask`` extra): every Lloyd step is one map-reduce.

Each pass sends the ``k×d`` centres to every row block and brings back only per-block partial
results (cluster sums ``k×d``, weights ``k``, inertia), summed in a tree; one ``compute`` per
iteration. Seeding is k-means|| (Bahmani et al. 2012: a few rounds that oversample candidates
over the same blocks, then weighted k-means++ and Lloyd on the candidates in memory) or
k-means++ on a uniform sample. The iteration, the tolerance, the empty-cluster relocation and
the final assignment follow the in-memory engine, so from the same initial centres both
return the same centres and labels (to float rounding).

Blocks are kept in the cluster's memory (``persist``) when they take at most half of it,
with repeated rows collapsed once into weighted distinct rows (photo pixels repeat a lot),
within each block and then across blocks by a hash shuffle; larger data are streamed from
their source at every pass. Everything runs on Dask's current
scheduler: a ``distributed.Client`` when one is active.
"""

from __future__ import annotations

import copy
import itertools
import os

import numpy as np

from ..errors import InvalidParameterError, require
from .accelerated import _reassign
from .bounds import HamerlyBounds, rounding_error, upper_from
from .duplicates import MAX_FEATURES, collapse_duplicates, hash_rows, merge_rows
from .init import kmeans_plusplus_core
from .kernels import assign, cluster_sums, inertia, move_rows, row_norms_sq

OVERSAMPLING = 2.0  # candidates per round, in units of k (Bahmani et al. use 0.5k..2k)
ROUNDS = 5
PLUSPLUS_SAMPLE = 100  # k-means++ on a sample of this many rows per cluster (at least 10,000)


def is_dask_collection(X) -> bool:
    """True for a Dask array, without importing Dask."""
    return type(X).__module__.split(".")[0] == "dask" and hasattr(X, "dask")


def _dask():
    require("dask", "dask", "Clustering a Dask array")
    import dask
    import dask.array as da

    return dask, da


# -- per-block kernels (numpy in, numpy out; they run on the workers) ------------------------
def _block_moments(X, w):
    w = w.astype(np.float64)
    Xf = X.astype(np.float64)
    return np.array([w.sum(), w.min(initial=np.inf)]), w @ Xf, w @ (Xf * Xf)


def _block_step(X, w, centers):
    """Per-cluster weighted sums and weights, and the inertia, of one block."""
    a = assign(X, row_norms_sq(X), centers, weights=w.astype(X.dtype))
    return a.sums, a.totals.astype(np.float64), float(a.best.astype(np.float64) @ w)


def _block_farthest(X, w, centers, m):
    """The ``m`` rows farthest from their centres: (distance², row, weight, label)."""
    a = assign(X, row_norms_sq(X), centers)
    top = np.argsort(-a.best, kind="stable")[:m]
    return a.best[top].astype(np.float64), X[top], w[top], a.labels[top]


def _block_cost(X, w, candidates):
    return float(assign(X, row_norms_sq(X), candidates).best.astype(np.float64) @ w)


def _block_oversample(X, w, candidates, factor, seed):
    """Rows drawn independently with probability ``min(1, factor · w · D²)``."""
    best = assign(X, row_norms_sq(X), candidates).best.astype(np.float64)
    keep = np.random.default_rng(seed).random(len(X)) < factor * w * best
    return X[keep]


def _block_nearest_weight(X, w, candidates):
    labels = assign(X, row_norms_sq(X), candidates).labels
    return np.bincount(labels, weights=w, minlength=len(candidates))


def _block_pick(X, w, u):
    """The row where the running weight passes ``u`` (a draw ∝ weight within the block)."""
    index = int(np.searchsorted(np.cumsum(w), u, side="right"))
    return X[min(index, len(X) - 1)]


def _sum(parts):
    """Element-wise sum of a list of equal-shaped tuples (or arrays, or floats)."""
    first = parts[0]
    if isinstance(first, tuple):
        return tuple(_sum([p[i] for p in parts]) for i in range(len(first)))
    return sum(parts[1:], first)


class DaskData:
    """A Dask array and its weights, cut into row blocks (all columns in each block)."""

    def __init__(self, X, sample_weight):
        dask, da = _dask()
        if X.ndim != 2:
            msg = f"Expected a 2-D Dask array; got {X.ndim} dimensions"
            raise InvalidParameterError(msg)
        if any(np.isnan(c) for c in X.chunks[0]):
            msg = "the Dask array has unknown chunk sizes; call X.compute_chunk_sizes() first"
            raise InvalidParameterError(msg)
        X = _as_rows(X)
        dtype = X.dtype
        if sample_weight is None:
            weights = da.ones(X.shape[0], chunks=(X.chunks[0],), dtype=np.float64)
        else:
            weights = da.asarray(sample_weight).astype(np.float64)
            if weights.shape != (X.shape[0],):
                msg = (f"sample_weight.shape == {weights.shape}, expected "
                       f"({X.shape[0]},)")
                raise InvalidParameterError(msg)
            weights = weights.rechunk((X.chunks[0],))
        self.dask, self.X, self.weights = dask, X, weights
        pairs = [dask.delayed(_pair, pure=True)(xb, wb) for xb, wb in zip(
            X.to_delayed().ravel(), weights.to_delayed().ravel(), strict=True)]
        self.in_memory = _fits_in_memory(X.nbytes + weights.nbytes)
        if self.in_memory:
            # Kept on the workers, with repeated rows collapsed once (pixels repeat a lot).
            collapsed = [dask.delayed(_collapse, pure=True)(p) for p in pairs]
            if len(pairs) > 1 and X.shape[1] <= MAX_FEATURES:
                collapsed = _merge_across_blocks(dask, collapsed)
            pairs = list(dask.persist(*collapsed))
        self.pairs = pairs
        self.n_samples, self.n_features = X.shape
        self.dtype = np.dtype(dtype)

    def map_reduce(self, kernel, *args):
        """``kernel(X_block, w_block, *args)`` on every block, summed in a tree."""
        delayed = self.dask.delayed
        parts = [delayed(_on_pair)(kernel, pair, *args) for pair in self.pairs]
        while len(parts) > 1:
            parts = [delayed(_sum)(parts[i:i + 8]) for i in range(0, len(parts), 8)]
        return self.dask.compute(parts[0])[0]

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_samples, self.n_features

    def map(self, kernel, *per_block_args):
        """``kernel(X_block, w_block, *args_i)`` on every block; the list of results.

        Each of ``per_block_args`` holds one value per block.
        """
        delayed = self.dask.delayed
        args = list(zip(*per_block_args, strict=True)) if per_block_args \
            else [()] * len(self.pairs)
        tasks = [delayed(_on_pair)(kernel, pair, *a)
                 for pair, a in zip(self.pairs, args, strict=True)]
        return list(self.dask.compute(*tasks))


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
    X = np.concatenate([p[0] for p in mergeable]) if mergeable else None
    merged = merge_rows(X, np.concatenate([p[1] for p in mergeable])) if mergeable else None
    if merged is not None:
        mergeable = [(merged[0], merged[1])]
    parts = [(p[0], p[1]) for p in mergeable + others]
    if not parts:
        return pieces[0][0][:0], pieces[0][1][:0], True
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), True


def _merge_across_blocks(dask, collapsed):
    """Rows repeated in different blocks merged too: a hash shuffle into as many blocks."""
    parts = len(collapsed)
    splits = [dask.delayed(_split_by_hash)(p, parts, i) for i, p in enumerate(collapsed)]
    return [dask.delayed(_merge_group)(j, *splits) for j in range(parts)]


def _on_pair(kernel, pair, *args):
    return kernel(pair[0], pair[1], *args)


class BlockState:
    """One block's rows and Hamerly bounds, kept on its worker between iterations.

    :func:`advance` returns a new state (new label, bound and sum arrays; the rows are
    shared, never written), so every Dask task stays a pure function of its inputs.
    """

    def __init__(self, X, w, centers):
        self.X = np.ascontiguousarray(X)
        self.w = w.astype(self.X.dtype)
        self.x_sq = row_norms_sq(self.X)
        delta = rounding_error(self.X, self.x_sq, centers)
        first = assign(self.X, self.x_sq, centers, second=True)
        self.labels = first.labels
        self.upper = upper_from(first.best, delta)
        self.bounds = HamerlyBounds(first, delta)
        self.sums, self.totals = cluster_sums(self.X, self.labels, self.w, len(centers))
        self.centers = centers


def _start(X, w, centers) -> BlockState:
    return BlockState(X, w, centers)


def _advance(state: BlockState, centers) -> BlockState:
    """Move the state to new centres: loosen the bounds by the shifts, re-check only the
    rows they no longer prove, and move those rows' weight between the cluster sums."""
    new = copy.copy(state)
    new.labels, new.upper = state.labels.copy(), state.upper.copy()
    new.bounds = copy.copy(state.bounds)
    new.bounds.lower = state.bounds.lower.copy()
    new.sums, new.totals = state.sums.copy(), state.totals.copy()
    moved = centers.astype(np.float64) - state.centers
    shift = np.sqrt(np.einsum("ij,ij->i", moved, moved))
    new.upper += shift.astype(new.upper.dtype)[new.labels]
    new.bounds.loosen(shift, new.labels)
    _reassign(new.X, new.x_sq, centers, new.labels, new.upper, new.bounds)
    changed = np.flatnonzero(new.labels != state.labels)
    move_rows(new.X, new.w, changed, state.labels[changed], new.labels[changed], new.sums,
              new.totals)
    new.centers = centers
    return new


def _state_sums(state: BlockState):
    return state.sums, state.totals.astype(np.float64)


def _state_inertia(state: BlockState) -> float:
    return inertia(state.X, state.labels, state.centers, state.w.astype(np.float64))


def _state_farthest(state: BlockState, m: int):
    return _block_farthest(state.X, state.w, state.centers, m)


def _fits_in_memory(nbytes: int) -> bool:
    """True when ``nbytes`` take at most half of the workers' (or this machine's) memory."""
    try:
        from distributed import default_client

        info = default_client().scheduler_info()
        memory = sum(w.get("memory_limit", 0) or 0 for w in info["workers"].values())
    except (ImportError, ValueError):
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return nbytes <= memory / 2


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


def _pick_weighted_row(data: DaskData, block_weights, rng):
    block = int(rng.choice(len(block_weights), p=block_weights / block_weights.sum()))
    u = rng.random() * block_weights[block]
    row = data.dask.delayed(_on_pair)(_block_pick, data.pairs[block], u)
    return np.asarray(data.dask.compute(row)[0], dtype=data.dtype)[None, :]


def kmeans_parallel(data: DaskData, n_clusters: int, block_weights, rng):
    """k-means|| seeding: oversample candidates in ``ROUNDS`` passes, weight them by the
    rows nearest to each, and reduce them to ``n_clusters`` with weighted k-means++ and
    Lloyd in memory."""
    from .kmeans import KMeans

    candidates = _pick_weighted_row(data, block_weights, rng)
    factor = OVERSAMPLING * n_clusters
    for _ in range(ROUNDS):
        cost = data.map_reduce(_block_cost, candidates)
        if cost <= 0:
            break
        seeds = rng.randint(0, 2**31 - 1, size=len(data.pairs))
        drawn = data.map(_block_oversample, [candidates] * len(seeds),
                         [factor / cost] * len(seeds), seeds)
        candidates = np.vstack([candidates, *drawn]).astype(data.dtype)
    candidates = np.unique(candidates, axis=0)
    weights = data.map_reduce(_block_nearest_weight, candidates)
    used = weights > 0
    candidates, weights = candidates[used], weights[used]
    if len(candidates) <= n_clusters:
        return _pad(candidates, n_clusters, rng)
    km = KMeans(n_clusters, n_init=1, random_state=rng).fit(candidates, sample_weight=weights)
    return km.cluster_centers_.astype(data.dtype)


def _pad(candidates, n_clusters, rng):
    """Fewer distinct points than clusters: repeat some (the engine warns later)."""
    extra = rng.randint(0, len(candidates), size=n_clusters - len(candidates))
    return np.vstack([candidates, candidates[extra]])


def _block_draw(X, w, m, seed):
    """``m`` rows drawn with replacement, in proportion to their weight."""
    if m == 0:
        return X[:0]
    cumulative = np.cumsum(w.astype(np.float64))
    u = np.random.default_rng(seed).random(m) * cumulative[-1]
    return X[np.minimum(np.searchsorted(cumulative, u, side="right"), len(X) - 1)]


def sample_rows(data: DaskData, size: int, block_weights, rng):
    """``size`` rows drawn in proportion to their weight (with replacement), as equally
    weighted rows: how many from each block is drawn first, then the rows within it."""
    per_block = rng.multinomial(size, block_weights / block_weights.sum())
    seeds = rng.randint(0, 2**31 - 1, size=len(per_block))
    drawn = data.map(_block_draw, list(per_block), list(seeds))
    X = np.ascontiguousarray(np.vstack(drawn), dtype=data.dtype)
    return X, np.ones(len(X))


def plusplus_on_sample(data: DaskData, n_clusters: int, block_weights, rng):
    """k-means++ (greedy) on a sample of the rows drawn in proportion to their weight."""
    X, w = sample_rows(data, max(10_000, PLUSPLUS_SAMPLE * n_clusters), block_weights, rng)
    centers, _ = kmeans_plusplus_core(X, row_norms_sq(X), w, n_clusters, rng)
    return centers


def random_on_sample(data: DaskData, n_clusters: int, block_weights, rng):
    """``n_clusters`` distinct rows from a sample drawn in proportion to their weight."""
    X, _ = sample_rows(data, max(10_000, PLUSPLUS_SAMPLE * n_clusters), block_weights, rng)
    distinct = np.unique(X, axis=0)
    if len(distinct) < n_clusters:
        return _pad(distinct, n_clusters, rng)
    return distinct[rng.choice(len(distinct), size=n_clusters, replace=False)].copy()


def _relocate_empty(parts, sums, totals):
    """Move each empty cluster onto one of the rows farthest from its centre, taking it out
    of its old cluster (the in-memory rule). ``parts(m)`` gives each block's ``m`` farthest
    rows."""
    empty = np.flatnonzero(totals == 0)
    m = empty.size
    parts = parts(m)
    dist = np.concatenate([p[0] for p in parts])
    rows = np.vstack([p[1] for p in parts])
    w = np.concatenate([p[2] for p in parts])
    old = np.concatenate([p[3] for p in parts])
    far = np.argsort(-dist, kind="stable")[:m]
    for cluster, i in zip(empty, far, strict=True):
        if totals[old[i]] > w[i]:
            sums[old[i]] -= rows[i] * w[i]
            totals[old[i]] -= w[i]
        sums[cluster] = rows[i] * w[i]
        totals[cluster] = w[i]


def lloyd_dask(data: DaskData, centers, max_iter: int, tol: float):
    """Lloyd iterations as map-reduce; returns ``centers, inertia, n_iter``."""
    centers = np.ascontiguousarray(centers, dtype=data.dtype)
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is returned
        sums, totals, _ = data.map_reduce(_block_step, centers)
        if np.any(totals <= 0):
            sums, totals = sums.copy(), totals.copy()
            _relocate_empty(lambda m, c=centers: data.map(
                _block_farthest, [c] * len(data.pairs), [m] * len(data.pairs)), sums, totals)
        new, shift = _new_centers(sums, totals, centers, data.dtype)
        centers = new
        if shift <= tol:
            break
    inertia = data.map_reduce(_block_step, centers)[2]
    return centers, inertia, n_iter


def _new_centers(sums, totals, centers, dtype):
    """Means of the clusters (an empty one keeps its centre) and the total squared shift."""
    new = centers.astype(np.float64, copy=True)
    filled = totals > 0
    new[filled] = sums[filled] / totals[filled, None]
    new = new.astype(dtype)
    return new, float(np.sum((new.astype(np.float64) - centers) ** 2))


def hamerly_dask(data: DaskData, centers, max_iter: int, tol: float):
    """Exact accelerated Lloyd (Hamerly's bounds) with each block's bounds kept on its
    worker: an iteration re-checks only the rows whose bounds no longer prove their label.
    Two round trips per iteration (advance the states; sum their partial sums)."""
    dask = data.dask
    delayed = dask.delayed
    centers = np.ascontiguousarray(centers, dtype=data.dtype)
    states = list(dask.persist(*[delayed(_on_pair)(_start, p, centers) for p in data.pairs]))

    def total(kernel, *args):
        parts = [delayed(kernel)(state, *args) for state in states]
        while len(parts) > 1:
            parts = [delayed(_sum)(parts[i:i + 8]) for i in range(0, len(parts), 8)]
        return dask.compute(parts[0])[0]

    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is returned
        sums, totals = total(_state_sums)
        if np.any(totals <= 0):
            sums, totals = sums.copy(), totals.copy()
            _relocate_empty(lambda m, current=states: list(dask.compute(
                *[delayed(_state_farthest)(st, m) for st in current])), sums, totals)
        centers, shift = _new_centers(sums, totals, centers, data.dtype)
        states = list(dask.persist(*[delayed(_advance)(st, centers) for st in states]))
        if shift <= tol:
            break
    return centers, total(_state_inertia), n_iter


def _as_rows(X):
    """A Dask array in row blocks holding every column, float32 kept, anything else float64."""
    _, da = _dask()
    X = da.asarray(X)
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    return X.astype(dtype).rechunk({1: -1})


def predict_lazy(X, centers):
    """Labels of a Dask array's rows, as a lazy Dask array."""
    X = _as_rows(X)
    c = np.ascontiguousarray(centers, dtype=X.dtype)
    return X.map_blocks(lambda b: assign(b, row_norms_sq(b), c).labels, drop_axis=1,
                        dtype=np.int32)


def transform_lazy(X, centers):
    """Distances of a Dask array's rows to every centre, as a lazy Dask array."""
    X = _as_rows(X)
    c = np.ascontiguousarray(centers, dtype=X.dtype)

    def distances(b):
        return np.sqrt(assign(b, row_norms_sq(b), c, everything=True).distances)

    return X.map_blocks(distances, chunks=(X.chunks[0], (len(c),)), dtype=X.dtype)


def fit_dask(estimator, X, sample_weight):
    """:meth:`KMeans.fit` for a Dask array (parameters already validated)."""
    from .base import random_state_of
    from .validation import check_init_array

    if estimator.algorithm not in ("auto", "lloyd"):
        msg = (f"algorithm={estimator.algorithm!r} keeps per-row bounds in memory; Dask "
               f"arrays use 'lloyd' (or 'auto')")
        raise InvalidParameterError(msg)
    data = DaskData(X, sample_weight)
    if estimator.n_clusters > data.n_samples:
        msg = f"n_samples={data.n_samples} should be >= n_clusters={estimator.n_clusters}."
        raise InvalidParameterError(msg)
    block_weights, tol = check_moments(data, estimator.tol)
    rng = random_state_of(estimator)
    init, k = estimator.init, estimator.n_clusters
    best = None
    for _ in range(estimator._n_init_for(10)):
        if isinstance(init, str) and init == "k-means||":
            centers = kmeans_parallel(data, k, block_weights, rng)
        elif isinstance(init, str) and init == "k-means++":
            centers = plusplus_on_sample(data, k, block_weights, rng)
        elif isinstance(init, str) and init == "random":
            centers = random_on_sample(data, k, block_weights, rng)
        elif callable(init):
            centers = check_init_array(init(data.X, k, rng), data, k, "KMeans")
        else:
            centers = check_init_array(init, data, k, "KMeans")
        run = hamerly_dask if data.in_memory else lloyd_dask
        result = run(data, centers, estimator.max_iter, tol)
        if best is None or result[1] < best[1]:
            best = result
    centers, inertia, n_iter = best
    estimator.cluster_centers_ = centers
    estimator.inertia_ = float(inertia)
    estimator.n_iter_ = int(n_iter)
    estimator.n_features_in_ = data.n_features
    estimator.labels_ = predict_lazy(data.X, centers)
    return estimator
