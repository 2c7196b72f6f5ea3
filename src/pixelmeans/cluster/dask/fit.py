"""What :meth:`pixelmeans.KMeans.fit` runs for a Dask array (parameters already checked)."""

from __future__ import annotations

from ...errors import InvalidParameterError
from ..core.fit import KMeansResult, best_of_runs
from ..core.seeding import as_random_state
from .blocks import DaskData, check_moments
from .iterate import hamerly_dask, lloyd_dask
from .lazy import predict_lazy
from .seeding import initial_centers_dask

ALGORITHMS = ("auto", "lloyd", "hamerly")


def fit_dask(X, n_clusters: int, *, sample_weight=None, init="k-means++", n_init: int = 1,
             max_iter: int = 300, tol: float = 1e-4, algorithm: str = "auto",
             random_state=None, owner: str = "KMeans") -> KMeansResult:
    """K-means of a Dask array; the result's ``labels`` are a lazy Dask array.

    ``algorithm``: "hamerly" keeps every block with its rows' bounds on the workers, so an
    iteration re-checks only the rows whose label may change; "lloyd" recomputes every
    distance at every pass, reading the blocks from the workers' memory when they fit in
    half of it, else from their source; "auto" is "hamerly" when the blocks fit, else
    "lloyd".
    """
    if algorithm not in ALGORITHMS:
        msg = (f"algorithm={algorithm!r} keeps {n_clusters} bounds per row; Dask arrays use "
               f"'auto' (Hamerly's bounds when the blocks fit in memory, else Lloyd), "
               f"'hamerly' or 'lloyd'")
        raise InvalidParameterError(msg)
    data = DaskData(X, sample_weight)
    if n_clusters > data.n_samples:
        msg = f"{owner}: n_samples={data.n_samples} should be >= n_clusters={n_clusters}."
        raise InvalidParameterError(msg)
    block_weights, scaled_tol = check_moments(data, tol)
    rng = as_random_state(random_state)
    kept = algorithm == "hamerly" or (algorithm == "auto" and data.in_memory)
    run = hamerly_dask if kept else lloyd_dask

    def one_run():
        centers = initial_centers_dask(data, n_clusters, init, block_weights, rng, owner)
        return run(data, centers, max_iter, scaled_tol)

    centers, inertia, n_iter = best_of_runs(n_init, one_run)
    return KMeansResult(centers, predict_lazy(data.X, centers), float(inertia), int(n_iter))
