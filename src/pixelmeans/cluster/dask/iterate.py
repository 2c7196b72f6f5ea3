"""Lloyd iterations over row blocks: streamed, or with Hamerly's bounds kept per block.

An iteration is one map-reduce of per-block cluster sums, weights, inertia and label
changes. The means, the relocation of empty clusters and the convergence rule are the
in-memory engine's (:func:`~pixelmeans.cluster.core.kernels.means`,
:func:`~pixelmeans.cluster.core.kernels.relocate_empty`,
:func:`~pixelmeans.cluster.core.lloyd.stop_reason`).
"""

from __future__ import annotations

import copy

import numpy as np

from ..core.accelerated import reassign_bounded
from ..core.bounds import HamerlyBounds, rounding_error, upper_from
from ..core.kernels import (
    assign,
    cluster_sums,
    inertia,
    means,
    move_rows,
    relocate_empty,
    row_norms_sq,
)
from ..core.lloyd import stop_reason
from .blocks import DaskData, on_pair, reduce_tree

FINGERPRINT_SEED = 0x5EED


def fingerprint(labels: np.ndarray, block: int) -> np.ndarray:
    """A 64-bit fingerprint of block ``block``'s labels, as a 1-element uint64 array.

    A sum of the labels with fixed random odd weights (drawn per block and row), modulo
    2⁶⁴: the fingerprints of all blocks add up to one of the whole labelling, which is
    equal for equal labellings and differs for different ones with probability 1 - 2⁻⁶⁴.
    """
    weights = np.random.default_rng([FINGERPRINT_SEED, block]).integers(
        0, 2**63, size=labels.size, dtype=np.uint64) | np.uint64(1)
    with np.errstate(over="ignore"):
        return np.array([np.sum(weights * labels.astype(np.uint64), dtype=np.uint64)])


def _block_step(X, w, centers, block=0):
    """Cluster sums, weights, inertia and the labels' fingerprint of one block."""
    a = assign(X, row_norms_sq(X), centers, weights=w.astype(X.dtype))
    return (a.sums, a.totals.astype(np.float64), float(a.best.astype(np.float64) @ w),
            fingerprint(a.labels, block))


def _block_farthest(X, w, centers, m):
    """The ``m`` rows farthest from their centres: (row, weight, label, distance²)."""
    a = assign(X, row_norms_sq(X), centers)
    top = np.argsort(-a.best, kind="stable")[:m]
    return X[top], w[top], a.labels[top], a.best[top].astype(np.float64)


def relocate_from_candidates(candidates, sums, totals):
    """Fill empty clusters (in place) from every block's farthest rows, by the in-memory
    rule: the whole data's farthest rows are among each block's ``m`` farthest."""
    rows, w, labels, dist = (np.concatenate([c[i] for c in candidates]) for i in range(4))
    relocate_empty(rows, w, labels, dist, sums, totals)


def _next_centers(sums, totals, centers, farthest, dtype):
    """New centres (the means, empty clusters relocated) and the total squared shift."""
    empty = int(np.count_nonzero(totals <= 0))
    if empty:
        sums, totals = sums.copy(), totals.copy()
        relocate_from_candidates(farthest(empty), sums, totals)
    new = means(sums, totals, centers).astype(dtype)
    return new, float(np.sum((new.astype(np.float64) - centers) ** 2))


def lloyd_dask(data: DaskData, centers, max_iter: int, tol: float):
    """Lloyd iterations as map-reduce, nothing kept between passes but each block's label
    fingerprint; returns ``centers, inertia, n_iter``."""
    centers = np.ascontiguousarray(centers, dtype=data.dtype)
    n = len(data.pairs)
    previous = None
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is returned
        sums, totals, _, labelling = data.map_reduce(_block_step, centers, indexed=True)

        def farthest(m, c=centers):
            return data.map(_block_farthest, [c] * n, [m] * n)

        centers, shift = _next_centers(sums, totals, centers, farthest, data.dtype)
        # The fingerprints tell "no label changed" (0) from "some changed" (1).
        changed = None if previous is None else int(labelling[0] != previous[0])
        previous = labelling
        if stop_reason(changed, shift, tol) is not None:
            break
    return centers, data.map_reduce(_block_step, centers)[2], n_iter


class BlockState:
    """One block's rows, labels, Hamerly bounds and cluster sums, kept on its worker.

    :func:`_advance` returns a new state (new label, bound and sum arrays; the rows are
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
        self.changed = -1  # labels changed by the last advance; -1 before any


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
    reassign_bounded(new.X, new.x_sq, centers, new.labels, new.upper, new.bounds)
    changed = np.flatnonzero(new.labels != state.labels)
    move_rows(new.X, new.w, changed, state.labels[changed], new.labels[changed], new.sums,
              new.totals)
    new.centers = centers
    new.changed = int(changed.size)
    return new


def _state_sums(state: BlockState):
    return state.sums, state.totals.astype(np.float64), np.array([state.changed])


def _state_inertia(state: BlockState) -> float:
    return inertia(state.X, state.labels, state.centers, state.w.astype(np.float64))


def _state_farthest(state: BlockState, m: int):
    return _block_farthest(state.X, state.w, state.centers, m)


def hamerly_dask(data: DaskData, centers, max_iter: int, tol: float):
    """Exact accelerated Lloyd (Hamerly's bounds) with each block's bounds kept on its
    worker: an iteration re-checks only the rows whose bounds no longer prove their label.
    Two round trips per iteration (advance the states; sum their partial sums)."""
    dask = data.dask
    delayed = dask.delayed
    centers = np.ascontiguousarray(centers, dtype=data.dtype)
    states = list(dask.persist(*[delayed(on_pair)(_start, p, centers) for p in data.pairs]))

    def total(kernel, *args):
        return dask.compute(reduce_tree(dask, [delayed(kernel)(s, *args) for s in states]))[0]

    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is returned
        sums, totals, changed = total(_state_sums)

        def farthest(m, current=states):
            return list(dask.compute(*[delayed(_state_farthest)(s, m) for s in current]))

        centers, shift = _next_centers(sums, totals, centers, farthest, data.dtype)
        states = list(dask.persist(*[delayed(_advance)(s, centers) for s in states]))
        if stop_reason(None if changed[0] < 0 else int(changed[0]), shift, tol) is not None:
            break
    return centers, total(_state_inertia), n_iter
