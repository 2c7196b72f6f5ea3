"""K-means over Dask arrays (the ``dask`` extra), built on the same core as in memory.

Every Lloyd step is one map-reduce: the ``k×d`` centres go to every row block and only
per-block partial results (cluster sums ``k×d``, weights ``k``, inertia, label changes) come
back, summed in a tree. The empty-cluster relocation, the means, the seeded runs and the
convergence rule are the in-memory engine's own functions, so from the same initial centres
both return the same centres and labels (to float rounding).

- :mod:`.blocks` — the array cut into row blocks, kept on the workers (repeated rows
  collapsed) when they fit in half of their memory, else streamed at every pass;
- :mod:`.seeding` — k-means|| and k-means++ or random rows on a weighted sample;
- :mod:`.iterate` — Lloyd (streamed or kept) and Hamerly (bounds kept per block);
- :mod:`.fit` — what :meth:`pixelmeans.KMeans.fit` runs for a Dask array;
- :mod:`.lazy` — lazy ``predict`` and ``transform``.

Dask itself is imported only when a Dask array is clustered.
"""

from __future__ import annotations

from typing import Any


def is_dask_collection(X: Any) -> bool:
    """True for a Dask array, without importing Dask.

    Examples
    --------
    >>> is_dask_collection([[1.0]])
    False
    """
    return type(X).__module__.split(".")[0] == "dask" and hasattr(X, "dask")
