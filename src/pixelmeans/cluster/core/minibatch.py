"""Mini-batch K-means on clean input (Sculley 2010, with scikit-learn's update rules).

Batches are drawn with probability proportional to the sample weights, through one
cumulative sum and a binary search per draw (``O(b log n)`` per batch), then used with unit
weights: in expectation the same objective as the weighted data, without scanning all ``n``
weights for every batch. :class:`pixelmeans.MiniBatchKMeans` checks its input and calls
:func:`fit_minibatch`; ``partial_fit`` calls :func:`minibatch_step` once per batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .kernels import assign, inertia, means, row_norms_sq, weighted_tolerance
from .seeding import as_random_state, initial_centers, is_explicit
from .sparse import dense_rows


class WeightedSampler:
    """Draw row indices with probability proportional to non-negative weights."""

    def __init__(self, weights: np.ndarray):
        self.uniform = bool(np.all(weights == weights[0]))
        self.n = weights.shape[0]
        self.cumulative = np.cumsum(weights)

    def draw(self, size: int, rng: np.random.RandomState) -> np.ndarray:
        if self.uniform:
            return rng.randint(0, self.n, size=size)
        targets = rng.uniform(0, self.cumulative[-1], size=size)
        return np.minimum(np.searchsorted(self.cumulative, targets, side="right"), self.n - 1)


def minibatch_step(Xb, xb_sq, wb, centers, counts, rng, reassignment_ratio, reassign,
                   log=None):
    """Move centres towards one batch (in place); return the batch's summed inertia and shift.

    Each centre moves to the weighted mean of its previous position (weighted by all the
    weight it has seen) and the batch rows assigned to it, so its learning rate decays as
    ``1 / count``. When ``reassign`` is true, centres that received less than
    ``reassignment_ratio`` of the heaviest centre's weight jump to random batch rows.
    """
    step = assign(Xb, xb_sq, centers, weights=wb)
    dist_sq, sums, totals = step.best, step.sums, step.totals
    # Only the centres the batch hit (and those reassigned) move: work on their rows, not on
    # all k×d values (wide or sparse data have many).
    hit = np.flatnonzero(totals > 0)
    old = centers[hit].astype(np.float64)
    grown = counts[hit] + totals[hit]
    new = (old * counts[hit, None] + sums[hit]) / grown[:, None]
    counts[hit] = grown
    moved_sq = np.zeros(counts.size)
    moved_sq[hit] = np.einsum("ij,ij->i", new - old, new - old)
    small = _small_centres(counts, Xb.shape[0], reassignment_ratio) if reassign else None
    before = None if small is None else centers[small].astype(np.float64)
    centers[hit] = new
    if small is not None and before is not None:
        picks = rng.choice(Xb.shape[0], size=small.size, replace=False)
        centers[small] = dense_rows(Xb, picks)
        counts[small] = np.delete(counts, small).min()
        moved = centers[small].astype(np.float64) - before
        moved_sq[small] = np.einsum("ij,ij->i", moved, moved)
        if log is not None:
            log(f"[MiniBatchKMeans] Reassigning {small.size} cluster centers.")
    return float(dist_sq @ wb), float(moved_sq.sum())


def _small_centres(counts, batch_rows, ratio):
    """The under-used centres to send to random batch rows (scikit-learn's rule: less than
    ``ratio`` of the heaviest centre's weight, at most half the batch), or None."""
    if ratio <= 0:
        return None
    small = counts < ratio * counts.max()
    if small.sum() > 0.5 * batch_rows:
        small[np.argsort(counts, kind="stable")[int(0.5 * batch_rows) :]] = False
    n_small = int(small.sum())
    if n_small == 0 or n_small == counts.size:
        return None
    return np.flatnonzero(small)


def auto_seedings(init) -> int:
    """Seedings tried by ``n_init="auto"``, scikit-learn's rule for mini-batches: 3 for
    "random" and a callable, 1 for "k-means++" and explicit centres."""
    return 3 if callable(init) or (isinstance(init, str) and init == "random") else 1


def seed_on_sample(X, x_sq, weights, n_clusters, init, n_init, init_size, rng, owner,
                   log=None):
    """The best of ``n_init`` seedings, each judged on one sample of ``init_size`` rows drawn
    in proportion to their weight (all rows when there are no more). Explicit centres are
    one seeding whatever ``n_init``."""
    n = X.shape[0]
    size = max(min(n, init_size), n_clusters)
    if size >= n:
        sample, sw = np.arange(n), weights
    else:
        sample, sw = WeightedSampler(weights).draw(size, rng), np.ones(size)
    Xs, xs_sq = X[sample], x_sq[sample]
    best, best_inertia = None, np.inf
    runs = 1 if is_explicit(init) else n_init
    for run in range(1, runs + 1):
        if log is not None:
            log(f"Init {run}/{runs} with method {init if isinstance(init, str) else 'given'}")
        centers = initial_centers(Xs, xs_sq, sw, n_clusters, init, rng, owner)
        value = inertia(Xs, assign(Xs, xs_sq, centers).labels, centers, sw)
        if log is not None:
            log(f"Inertia for init {run}/{runs}: {value}")
        if best is None or value < best_inertia:
            best, best_inertia = centers, value
    return best


def reassignment_due(counts: np.ndarray, rows_since: int) -> bool:
    """scikit-learn's rule: reassign under-used centres when one has seen no weight yet, or
    after every ``10 × k`` rows."""
    return bool(np.any(counts == 0)) or rows_since >= 10 * counts.size


@dataclass(frozen=True)
class MiniBatchResult:
    """Centres (in ``X``'s dtype), the weight each centre has absorbed, the batches run and
    the passes over the data they make (``n_iter``, rounded up)."""

    centers: np.ndarray
    counts: np.ndarray
    n_steps: int
    n_iter: int


def _run_batches(X, x_sq, sampler, centers, counts, options, tol, rng, log=None) -> int:
    """The mini-batch loop, with scikit-learn's stopping rules; returns the steps run."""
    n = X.shape[0]
    batch = min(options["batch_size"], n)
    ones = np.ones(batch)
    alpha = min(1.0, 2.0 * batch / (n + 1))
    ewa, ewa_min, no_improvement, since_reassign = None, None, 0, 0
    step = 0
    n_steps = (options["max_iter"] * n) // batch
    for step in range(1, n_steps + 1):
        idx = sampler.draw(batch, rng)
        since_reassign += batch
        reassign = reassignment_due(counts, since_reassign)
        if reassign:
            since_reassign = 0
        batch_inertia, shift = minibatch_step(X[idx], x_sq[idx], ones, centers, counts, rng,
                                              options["reassignment_ratio"],
                                              reassign and step > 1, log)
        if step == 1:
            if log is not None:
                log(f"Minibatch step {step}/{n_steps}: mean batch inertia: "
                    f"{batch_inertia / batch}")
            continue
        ewa = batch_inertia / batch if ewa is None else (
            ewa * (1 - alpha) + alpha * batch_inertia / batch)
        if log is not None:
            log(f"Minibatch step {step}/{n_steps}: mean batch inertia: "
                f"{batch_inertia / batch}, ewa inertia: {ewa}")
        if tol > 0 and shift <= tol:
            if log is not None:
                log(f"Converged (small centers change) at step {step}/{n_steps}")
            break
        if ewa_min is None or ewa < ewa_min:
            no_improvement, ewa_min = 0, ewa
        else:
            no_improvement += 1
        limit = options["max_no_improvement"]
        if limit is not None and no_improvement >= limit:
            if log is not None:
                log(f"Converged (lack of improvement in inertia) at step {step}/{n_steps}")
            break
    return step


def fit_minibatch(
    X: np.ndarray,
    n_clusters: int,
    *,
    sample_weight: np.ndarray | None = None,
    init="k-means++",
    n_init: int | None = None,
    init_size: int | None = None,
    batch_size: int = 1024,
    max_iter: int = 100,
    tol: float = 0.0,
    max_no_improvement: int | None = 10,
    reassignment_ratio: float = 0.01,
    refine_steps: int = 0,
    random_state=None,
    owner: str = "MiniBatchKMeans",
    log: Callable[[str], None] | None = None,
) -> MiniBatchResult:
    """Mini-batch K-means; the parameters are those of :class:`pixelmeans.MiniBatchKMeans`
    (``n_init=None`` is :func:`auto_seedings`). Assumes clean input, as :func:`fit_kmeans`
    does. ``log``, when given, receives scikit-learn's verbose lines.

    Examples
    --------
    >>> X = np.repeat([[0.0], [10.0]], 500, axis=0)
    >>> sorted(fit_minibatch(X, 2, batch_size=100, random_state=0).centers.ravel().tolist())
    [0.0, 10.0]
    """
    weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    rng = as_random_state(random_state)
    x_sq = row_norms_sq(X)
    centers = seed_on_sample(X, x_sq, weights, n_clusters, init,
                             auto_seedings(init) if n_init is None else n_init,
                             init_size or 3 * batch_size, rng, owner, log)
    counts = np.zeros(n_clusters)
    options = {"batch_size": batch_size, "max_iter": max_iter,
               "max_no_improvement": max_no_improvement,
               "reassignment_ratio": reassignment_ratio}
    steps = _run_batches(X, x_sq, WeightedSampler(weights), centers, counts, options,
                         weighted_tolerance(X, weights, tol), rng, log)
    for _ in range(refine_steps):
        full = assign(X, x_sq, centers, weights=weights)
        centers = means(full.sums, full.totals, centers).astype(X.dtype)
    n = X.shape[0]
    return MiniBatchResult(centers, counts, steps, int(np.ceil(steps * min(batch_size, n) / n)))
