"""Heaviest first: the one order of palette colours, segments and their labels."""

from __future__ import annotations

import numpy as np


def heaviest_first(weights: np.ndarray, *ties: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order that puts the largest weight first, equal weights ordered by ``ties``
    (compared in the order given, ascending), then by index; and ``remap``, its inverse:
    the new position of each old index.

    Examples
    --------
    >>> order, remap = heaviest_first(np.array([1.0, 3.0, 1.0]), np.array([5, 0, 2]))
    >>> order.tolist(), remap.tolist()
    ([1, 2, 0], [2, 0, 1])
    """
    weights = np.asarray(weights)
    keys = (np.arange(weights.size), *reversed(ties), -weights)
    order = np.lexsort(keys)
    remap = np.empty(weights.size, dtype=np.intp)
    remap[order] = np.arange(weights.size)
    return order, remap
