"""Seeding over the blocks of a Dask array.

k-means|| (Bahmani et al. 2012): a few rounds that oversample candidates over the same
blocks, then weighted k-means++ and Lloyd on the candidates in memory; or k-means++ or
random rows on a sample of rows drawn in proportion to their weight.
"""

from __future__ import annotations

import numpy as np

from ..core.fit import fit_kmeans
from ..core.kernels import assign, row_norms_sq
from ..core.seeding import check_init_array, kmeans_plusplus_core
from .blocks import DaskData, on_pair

OVERSAMPLING = 2.0  # candidates per round, in units of k (Bahmani et al. use 0.5k..2k)
ROUNDS = 5
PLUSPLUS_SAMPLE = 100  # k-means++ on a sample of this many rows per cluster (at least 10,000)


def _block_pick(X, w, u):
    """The row where the running weight passes ``u`` (a draw ∝ weight within the block)."""
    index = int(np.searchsorted(np.cumsum(w), u, side="right"))
    return X[min(index, len(X) - 1)]


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


def _block_draw(X, w, m, seed):
    """``m`` rows drawn with replacement, in proportion to their weight."""
    if m == 0:
        return X[:0]
    cumulative = np.cumsum(w.astype(np.float64))
    u = np.random.default_rng(seed).random(m) * cumulative[-1]
    return X[np.minimum(np.searchsorted(cumulative, u, side="right"), len(X) - 1)]


def _pick_weighted_row(data: DaskData, block_weights, rng):
    block = int(rng.choice(len(block_weights), p=block_weights / block_weights.sum()))
    u = rng.random_sample() * block_weights[block]
    row = data.dask.delayed(on_pair)(_block_pick, data.pairs[block], u)
    return np.asarray(data.dask.compute(row)[0], dtype=data.dtype)[None, :]


def _pad(candidates, n_clusters, rng):
    """Fewer distinct points than clusters: repeat some (the estimator warns later)."""
    extra = rng.randint(0, len(candidates), size=n_clusters - len(candidates))
    return np.vstack([candidates, candidates[extra]])


def kmeans_parallel(data: DaskData, n_clusters: int, block_weights, rng):
    """k-means|| seeding: oversample candidates in ``ROUNDS`` passes, weight them by the
    rows nearest to each, and reduce them to ``n_clusters`` with weighted k-means++ and
    Lloyd in memory."""
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
    result = fit_kmeans(np.ascontiguousarray(candidates), n_clusters, sample_weight=weights,
                        random_state=rng)
    return result.centers.astype(data.dtype)


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


SEEDINGS = {"k-means||": kmeans_parallel, "k-means++": plusplus_on_sample,
            "random": random_on_sample}


def initial_centers_dask(data: DaskData, n_clusters: int, init, block_weights, rng, owner):
    """Initial centres for one run from any accepted ``init`` (see :class:`KMeans`)."""
    if isinstance(init, str):
        return SEEDINGS[init](data, n_clusters, block_weights, rng)
    if callable(init):
        init = init(data.X, n_clusters, rng)
    return check_init_array(init, data, n_clusters, owner)
