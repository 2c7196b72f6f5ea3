"""Exact bound-based Lloyd (Hamerly 2010; Elkan 2003), vectorised over chunks of rows.

Each row keeps an upper bound on the distance to its own centre and lower bounds on the
distances to the other centres (see :mod:`.bounds`). After the centres move, the bounds are
loosened by the shifts; only rows whose bounds no longer prove their label have their
distances computed again, with the kernel Lloyd uses. The centre update is Lloyd's own, over
all rows, in the same summation order, so from the same initial centres labels and centres
are those of :func:`lloyd.lloyd`, bit for bit.
"""

from __future__ import annotations

import numpy as np

from .bounds import ElkanBounds, HamerlyBounds, Round, rounding_error, upper_from
from .kernels import assign, chunks, inertia, rows_chunk
from .lloyd import CenterUpdater, report_stop, stop_reason

# Cost of gathering and re-checking one suspect row, in units of one row-to-centre distance
# inside a contiguous BLAS pass (measured on MNIST-like and pixel data).
GATHER_COST = 40.0


def reassign_bounded(X, x_sq, centers, labels, upper, bounds):
    """Recompute labels and bounds of the rows whose bounds no longer prove their label.

    Returns the :class:`Assignment` of a full pass when one was made (its distances serve
    the relocation of empty clusters), else ``None``.
    """
    now = Round.of(X, x_sq, centers)
    threshold = bounds.threshold(labels, now)
    suspects = np.flatnonzero(upper >= threshold)  # equal proves nothing (a tie)
    k = centers.shape[0]
    size = rows_chunk(X, k)
    sharper = [bounds.refine(suspects[part], threshold, now)
               for part in chunks(suspects.size, size)]
    if suspects.size:
        threshold[suspects] = np.concatenate(sharper)
        suspects = suspects[upper[suspects] >= threshold[suspects]]
    if suspects.size == 0:
        return None
    if suspects.size > X.shape[0] * k / (k + GATHER_COST):
        # Gathering that many scattered rows costs more than one contiguous pass.
        full = assign(X, x_sq, centers, second=True, everything=bounds.needs_all_distances)
        labels[:], upper[:] = full.labels, upper_from(full.best, now.delta)
        bounds.reset(slice(None), full, now.delta)
        return full
    for part in chunks(suspects.size, size):
        bounds.settle(X, x_sq, suspects[part], labels, upper, threshold, now)
    return None


def _bounded_lloyd(X, x_sq, weights, centers, max_iter, tol, kind, log=None):
    """The shared loop of both variants; same contract and results as :func:`lloyd.lloyd`."""
    delta = rounding_error(X, x_sq, centers)
    full = assign(X, x_sq, centers, second=True, everything=kind.needs_all_distances)
    labels, upper = full.labels, upper_from(full.best, delta)
    bounds = kind(full, delta)
    updater = CenterUpdater(X, x_sq, weights, centers.shape[0])
    previous = None
    reason = None
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        if n_iter > 1:
            full = reassign_bounded(X, x_sq, centers, labels, upper, bounds)
        if log is not None:  # the inertia is not otherwise computed here
            log(f"Iteration {n_iter - 1}, inertia {inertia(X, labels, centers, weights)}")
        new_centers = updater.update(labels, centers, None if full is None else full.best)
        moved = new_centers.astype(np.float64) - centers
        shift = np.sqrt(np.einsum("ij,ij->i", moved, moved))
        centers = new_centers
        upper += shift.astype(upper.dtype)[labels]
        bounds.loosen(shift, labels)
        changed = None if previous is None else int(np.count_nonzero(labels != previous))
        reason = stop_reason(changed, float(shift @ shift), tol)
        if reason is not None:
            report_stop(log, n_iter - 1, reason, float(shift @ shift), tol)
            break
        previous = labels.copy()
    if reason != "labels":
        reassign_bounded(X, x_sq, centers, labels, upper, bounds)
    return labels, inertia(X, labels, centers, weights), centers, n_iter


def hamerly(X, x_sq, weights, centers, max_iter, tol, log=None):
    """Exact accelerated Lloyd with one lower bound per row (Hamerly)."""
    return _bounded_lloyd(X, x_sq, weights, centers, max_iter, tol, HamerlyBounds, log)


def elkan(X, x_sq, weights, centers, max_iter, tol, log=None):
    """Exact accelerated Lloyd with one lower bound per row and centre (Elkan)."""
    return _bounded_lloyd(X, x_sq, weights, centers, max_iter, tol, ElkanBounds, log)
