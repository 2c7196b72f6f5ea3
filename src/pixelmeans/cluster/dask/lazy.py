"""Labels and distances of a Dask array's rows, as lazy Dask arrays."""

from __future__ import annotations

import numpy as np

from ..core.kernels import assign, row_norms_sq
from .blocks import as_row_blocks


def predict_lazy(X, centers):
    """Index of the nearest centre of each row, as a lazy Dask array."""
    X = as_row_blocks(X)
    c = np.ascontiguousarray(centers, dtype=X.dtype)
    return X.map_blocks(lambda b: assign(b, row_norms_sq(b), c).labels, drop_axis=1,
                        dtype=np.int32)


def transform_lazy(X, centers):
    """Distance of each row to every centre, as a lazy Dask array."""
    X = as_row_blocks(X)
    c = np.ascontiguousarray(centers, dtype=X.dtype)

    def distances(b):
        return np.sqrt(assign(b, row_norms_sq(b), c, everything=True).distances)

    return X.map_blocks(distances, chunks=(X.chunks[0], (len(c),)), dtype=X.dtype)
