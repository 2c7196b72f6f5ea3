"""Lloyd's algorithm, chunked: assign every row, then move each centre to its cluster's mean."""

from __future__ import annotations

import numpy as np

from .kernels import assign, cluster_sums, inertia, means, move_rows, relocate_empty

# Above this share of changed labels, summing all rows again beats updating the sums.
FULL_SUM_SHARE = 0.5


class CenterUpdater:
    """Turns labels into centres, keeping the cluster sums in step with the labels.

    The first call sums every row; later calls add and remove only the rows whose label
    changed (or sum everything again when most changed). The sums depend only on the
    sequence of labellings, so every algorithm that produces the same labels gets the same
    centres, bit for bit.
    """

    def __init__(self, X, x_sq, weights, n_clusters):
        self.X, self.x_sq, self.weights, self.k = X, x_sq, weights, n_clusters
        self.sums = self.totals = self.labels = None

    def _follow(self, labels):
        if self.labels is not None:
            changed = np.flatnonzero(labels != self.labels)
            if changed.size <= FULL_SUM_SHARE * labels.size:
                move_rows(self.X, self.weights, changed, self.labels[changed],
                          labels[changed], self.sums, self.totals)
                self.labels[changed] = labels[changed]
                return
        self.sums, self.totals = cluster_sums(self.X, labels, self.weights, self.k)
        self.labels = labels.copy()

    def update(self, labels, centers, dist_sq=None):
        """New centres (in ``X``'s dtype) for ``labels``; empty clusters are relocated.

        ``dist_sq`` holds each row's squared distance to its nearest centre as the
        assignment step computed it; ``None`` computes it only if a cluster is empty.
        """
        self._follow(labels)
        sums, totals = self.sums, self.totals
        if np.any(totals <= 0):
            if dist_sq is None:
                dist_sq = assign(self.X, self.x_sq, centers).best
            sums, totals = sums.copy(), totals.copy()
            relocate_empty(self.X, self.weights, labels, dist_sq, sums, totals)
        return means(sums, totals, centers).astype(self.X.dtype)


def stop_reason(n_changed: int | None, shift: float, tol: float) -> str | None:
    """The convergence rule every variant follows, in memory and on Dask.

    After an iteration, stop with ``"labels"`` when no label changed (``n_changed == 0``;
    ``None`` on the first iteration, which has nothing to compare with): the centres are then
    exactly the means of the labels and no final assignment is needed. Stop with ``"shift"``
    when the total squared centre shift is at most ``tol``: a final assignment then makes the
    labels consistent with the centres. Otherwise go on (``None``).

    Examples
    --------
    >>> stop_reason(0, 0.5, 1e-4), stop_reason(3, 1e-5, 1e-4), stop_reason(None, 1.0, 0.0)
    ('labels', 'shift', None)
    """
    if n_changed == 0:
        return "labels"
    if shift <= tol:
        return "shift"
    return None


def report_stop(log, n_iter: int, reason: str | None, shift: float, tol: float) -> None:
    """Say why iterations stopped, in scikit-learn's verbose wording (``log`` may be None)."""
    if log is None:
        return
    if reason == "labels":
        log(f"Converged at iteration {n_iter}: strict convergence.")
    elif reason == "shift":
        log(f"Converged at iteration {n_iter}: center shift {shift} within tolerance {tol}.")


def lloyd(X, x_sq, weights, centers, max_iter, tol, log=None):
    """Run Lloyd iterations from ``centers``; return ``labels, inertia, centers, n_iter``.

    Stops by :func:`stop_reason`; unless the labels settled, a final assignment makes them
    consistent with the returned centres. ``log``, when given, receives a line per
    iteration and one on convergence (scikit-learn's verbose output).
    """
    updater = CenterUpdater(X, x_sq, weights, centers.shape[0])
    previous = None
    reason = None
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        labels, dist_sq, *_ = assign(X, x_sq, centers)
        if log is not None:
            log(f"Iteration {n_iter - 1}, inertia {float(dist_sq @ weights)}")
        new_centers = updater.update(labels, centers, dist_sq)
        shift = float(np.sum((new_centers.astype(np.float64) - centers) ** 2))
        centers = new_centers
        changed = None if previous is None else int(np.count_nonzero(labels != previous))
        reason = stop_reason(changed, shift, tol)
        if reason is not None:
            report_stop(log, n_iter - 1, reason, shift, tol)
            break
        previous = labels
    if reason != "labels":
        labels = assign(X, x_sq, centers).labels
    return labels, inertia(X, labels, centers, weights), centers, n_iter
