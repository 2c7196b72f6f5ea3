"""The K-means engine: clusters any ``(n, d)`` array, with optional sample weights.

It knows nothing about images. Three layers, each importing only the ones below it:

- :mod:`.core` — pure numpy (kernels, seeding, Lloyd and its exact accelerations);
- :mod:`.dask` — the same kernels over the blocks of a Dask array;
- :mod:`.estimators` — the scikit-learn compatible :class:`KMeans`,
  :class:`MiniBatchKMeans`, :func:`k_means` and :func:`kmeans_plusplus` (the only part
  importing scikit-learn).

The public names are resolved on first use, so importing this package loads no
scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .estimators import (
        KMeans as KMeans,
    )
    from .estimators import (
        MiniBatchKMeans as MiniBatchKMeans,
    )
    from .estimators import (
        k_means as k_means,
    )
    from .estimators import (
        kmeans_plusplus as kmeans_plusplus,
    )

__all__ = ["KMeans", "MiniBatchKMeans", "k_means", "kmeans_plusplus"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(".estimators", __name__), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
