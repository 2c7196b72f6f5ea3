"""Seeding: greedy k-means++ (with weights), random rows, or given centres."""

from __future__ import annotations

import numbers

import numpy as np

from ...errors import InvalidParameterError
from .kernels import CHUNK_BYTES, chunks, row_norms_sq, rows_chunk
from .sparse import dense_rows, is_sparse

# Seeding reads all of ``X`` once per centre in a product with a few candidate rows; BLAS
# streams ``X`` almost twice as fast from a transposed copy (measured on MNIST: 15 against
# 26 ms per product). The copy is made when it is no larger than this.
TRANSPOSED_COPY_BYTES = 1 << 28
# Steps of k-means++ that share one product over ``X`` (see :meth:`_Seeding.ahead`) when rows
# are at least WIDE_ROW_BYTES wide: reading ``X`` then dominates a product, so the spare
# proposals cost little. MNIST at k = 256: 6.0-7.3 s one step at a time, 4.8 s with 2 steps,
# 3.3-4.1 s with 4. On narrow rows the element-wise work on the spare proposals outweighs
# the saved reads (blobs 100k×32 float32, k = 64: 0.31 s one at a time, 0.37 s with 4; with
# 128 features: 0.78 against 0.64 s). Data that stay in cache gain nothing either.
STEPS_PER_PRODUCT = 4
WIDE_ROW_BYTES = 512
CACHED_BYTES = 1 << 23
MAX_SEED = 2**32 - 1  # numpy's RandomState takes seeds in [0, 2**32)


def kmeans_plusplus_core(X, x_sq, weights, n_clusters, rng, n_local_trials=None):
    """Greedy k-means++ on clean input; returns ``(centers, indices)``.

    At each step ``n_local_trials`` candidates are drawn with probability proportional to
    ``weight × D(x)²`` and the one that lowers the potential most is kept (Arthur and
    Vassilvitskii 2007; the greedy variant of scikit-learn). Temporary memory stays bounded:
    when the candidates' distance rows to all of ``X`` fit in a few chunks they are kept
    (and a few steps share one product, see :meth:`_Seeding.ahead`); otherwise they are
    computed chunk by chunk.
    """
    n = X.shape[0]
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    seeding = _Seeding(X, x_sq, weights, n_clusters, rng)
    first = int(seeding.draw(1)[0])  # in proportion to weight alone
    seeding.closest = _sq_distances_to(X, x_sq, dense_rows(X, first))[0]
    seeding.potential = float(seeding.closest @ seeding.w64)
    seeding.indices.append(first)
    spare = (n_local_trials + 1) // 2
    wide = (not is_sparse(X) and X.shape[1] * X.itemsize >= WIDE_ROW_BYTES
            and X.nbytes >= CACHED_BYTES)
    depth = STEPS_PER_PRODUCT if wide else 1
    if n * (n_local_trials + (depth - 1) * (n_local_trials + spare)) * 8 <= 4 * CHUNK_BYTES:
        seeding.ahead(n_local_trials, spare, depth)
    else:
        seeding.one_by_one(n_local_trials)
    indices = np.asarray(seeding.indices, dtype=np.intp)
    return dense_rows(X, indices), indices


class _Seeding:
    """The state of a greedy k-means++ run: each row's squared distance to its nearest
    chosen centre (``closest``), the weighted sum of those (``potential``), the choices."""

    def __init__(self, X, x_sq, weights, n_clusters, rng):
        self.X, self.x_sq, self.n_clusters, self.rng = X, x_sq, n_clusters, rng
        self.w64 = weights.astype(np.float64, copy=False)
        self.indices: list[int] = []
        self.closest = np.ones(X.shape[0])  # before the first centre: weight alone
        self.potential = float(self.w64.sum())

    def draw(self, count):
        """``count`` rows drawn with probability proportional to ``weight × closest``."""
        draws = self.rng.uniform(size=count) * self.potential
        candidates = np.searchsorted(np.cumsum(self.w64 * self.closest), draws, side="right")
        return np.minimum(candidates, self.X.shape[0] - 1)

    def choose(self, candidates, rows):
        """Keep the candidate whose distance row (``rows``) lowers the potential most."""
        np.minimum(rows, self.closest, out=rows)
        pots = rows @ self.w64
        best = int(np.argmin(pots))
        self.potential = float(pots[best])
        self.closest = rows[best].copy()
        self.indices.append(int(candidates[best]))

    def one_by_one(self, trials):
        """Every step on its own, the candidates' distances computed chunk by chunk."""
        X, x_sq, n = self.X, self.x_sq, self.X.shape[0]
        size = rows_chunk(X, trials)
        while len(self.indices) < self.n_clusters:
            candidates = self.draw(trials)
            points = dense_rows(X, candidates)
            pots = np.zeros(trials)
            for part in chunks(n, size):
                block = _sq_distances_to(X[part], x_sq[part], points)
                np.minimum(block, self.closest[part], out=block)
                pots += block @ self.w64[part]
            best = int(np.argmin(pots))
            self.potential = float(pots[best])
            np.minimum(self.closest, _sq_distances_to(X, x_sq, points[best : best + 1])[0],
                       out=self.closest)
            self.indices.append(int(candidates[best]))

    def ahead(self, trials, spare, depth):
        """``depth`` steps per product over ``X`` (which costs little more for 44 rows than
        for 8: reading ``X`` dominates).

        With the candidates of a step, proposals for each of the next ``depth - 1`` steps
        (``trials + spare`` each) are drawn from the same distances and kept by rejection:
        a proposal ``x`` survives the centres chosen since with probability
        ``closest_now(x) / closest_then(x)``, so the survivors are draws proportional to
        ``weight × closest_now``, exactly what that step needs. The first ``trials``
        survivors are its candidates; if too few survive, the rest are drawn afresh.
        """
        X, x_sq = self.X, self.x_sq
        X_t = (np.ascontiguousarray(X.T)
               if not is_sparse(X) and X.nbytes <= TRANSPOSED_COPY_BYTES else None)
        offered = trials + spare
        while len(self.indices) < self.n_clusters:
            steps = min(depth, self.n_clusters - len(self.indices))
            candidates = self.draw(trials)
            proposals = [self.draw(offered) for _ in range(steps - 1)]
            rows = _sq_distances_to(X, x_sq,
                                    dense_rows(X, np.concatenate([candidates, *proposals])),
                                    X_t=X_t)
            before = self.closest
            self.choose(candidates, rows[:trials])
            for step, offer in enumerate(proposals):
                survive = self.rng.uniform(size=offered) * before[offer] < self.closest[offer]
                kept = np.flatnonzero(survive)[:trials]
                candidates = offer[kept]
                mine = rows[trials + step * offered + kept]
                if kept.size < trials:
                    fresh = self.draw(trials - kept.size)
                    candidates = np.concatenate([candidates, fresh])
                    mine = np.concatenate([mine, _sq_distances_to(X, x_sq, dense_rows(X, fresh),
                                                                  X_t=X_t)])
                self.choose(candidates, mine)


def _sq_distances_to(X, x_sq, points, out=None, X_t=None):
    """Squared distances (float64, clipped at 0) of a few ``points`` to every row of ``X``.

    The result has shape ``(len(points), len(X))``; computing it in that orientation keeps
    the element-wise work on contiguous rows. ``X_t``, when given, is ``X.T`` C-contiguous.
    """
    scaled = (-2.0 * points.astype(np.float64)).astype(X.dtype)
    if out is None:
        out = np.empty((points.shape[0], X.shape[0]), dtype=np.float64)
    if is_sparse(X):  # CSR times dense columns, then turned round
        out[...] = np.asarray(X @ scaled.T).T
    elif X.dtype == np.float64:
        np.matmul(scaled, X.T if X_t is None else X_t, out=out)
    else:
        out[...] = scaled @ (X.T if X_t is None else X_t)  # in float32, kept in float64
    out += x_sq
    out += row_norms_sq(points).astype(np.float64)[:, None]
    np.maximum(out, 0, out=out)
    return out


def random_init(X, weights, n_clusters, rng):
    """``n_clusters`` distinct rows drawn with probability proportional to their weight.

    When fewer rows than that have a positive weight (repeated rows collapsed into a few
    weighted ones, zero weights), rows are drawn with replacement: some centres then
    coincide, as they would when drawing among repeated rows, and K-means reports the
    clusters it could not fill.
    """
    p = weights / weights.sum()
    repeat = np.count_nonzero(p) < n_clusters
    indices = rng.choice(X.shape[0], size=n_clusters, replace=repeat, p=p)
    return dense_rows(X, indices), indices


def as_random_state(seed) -> np.random.RandomState:
    """A ``numpy.random.RandomState`` from ``None`` (fresh entropy), an int or itself.

    Examples
    --------
    >>> as_random_state(3).randint(100) == as_random_state(3).randint(100)
    True
    """
    if isinstance(seed, np.random.RandomState):
        return seed
    if seed is None:
        return np.random.RandomState()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if not 0 <= int(seed) <= MAX_SEED:
            msg = f"random_state (the seed) must be between 0 and 2**32 - 1; got {seed}"
            raise InvalidParameterError(msg)
        return np.random.RandomState(int(seed))
    msg = f"random_state must be None, an int or a numpy.random.RandomState; got {seed!r}"
    raise InvalidParameterError(msg)


def check_init_array(init, X, n_clusters: int, owner: str) -> np.ndarray:
    """Explicit initial centres as a fresh C-contiguous array in ``X``'s dtype, checked.

    Always a copy: the engine moves centres in place and must never write into the
    caller's array.
    """
    try:
        centers = np.array(init, dtype=X.dtype, order="C", copy=True)
    except (TypeError, ValueError) as exc:
        msg = f"{owner}: init must be an array of numbers ({exc})"
        raise InvalidParameterError(msg) from None
    # scikit-learn's wording, which its tests and users match.
    if centers.ndim != 2 or centers.shape[0] != n_clusters:
        msg = (f"{owner}: The shape of the initial centers {centers.shape} does not match "
               f"the number of clusters {n_clusters}.")
        raise InvalidParameterError(msg)
    if centers.shape[1] != X.shape[1]:
        msg = (f"{owner}: The shape of the initial centers {centers.shape} does not match "
               f"the number of features of the data {X.shape[1]}.")
        raise InvalidParameterError(msg)
    if not np.isfinite(centers).all():
        msg = f"{owner}: init contains NaN or infinity"
        raise InvalidParameterError(msg)
    return centers


def is_explicit(init) -> bool:
    """Whether ``init`` is explicit centres (neither a method name nor a callable): every
    seeded run would then be the same run."""
    return not isinstance(init, str) and not callable(init)


def initial_centers(X, x_sq, weights, n_clusters: int, init, rng, owner: str) -> np.ndarray:
    """Initial centres for one run, in ``X``'s dtype, from any accepted ``init``:
    "k-means++", "random", a callable ``init(X, n_clusters, rng)`` or an array."""
    if isinstance(init, str) and init == "k-means++":
        centers, _ = kmeans_plusplus_core(X, x_sq, weights, n_clusters, rng)
        return centers
    if isinstance(init, str) and init == "random":
        centers, _ = random_init(X, weights, n_clusters, rng)
        return centers
    if callable(init):
        init = init(X, n_clusters, rng)
    return check_init_array(init, X, n_clusters, owner)
