"""Image data sets (MNIST and friends): loaders, and the clustering report.

- :mod:`.loaders` — IDX files (MNIST, with a checked download), image folders, ``.npz``
  and scikit-learn's digits, each as a :class:`~.loaders.Dataset` of uint8 images;
- :mod:`.report` — K-means for several K, scored against the labels.

The names below are resolved on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loaders import (
        Dataset as Dataset,
    )
    from .loaders import (
        load_dataset as load_dataset,
    )
    from .loaders import (
        load_digits as load_digits,
    )
    from .loaders import (
        load_idx as load_idx,
    )
    from .loaders import (
        load_image_folder as load_image_folder,
    )
    from .loaders import (
        load_mnist as load_mnist,
    )
    from .loaders import (
        load_npz as load_npz,
    )
    from .loaders import (
        read_idx as read_idx,
    )
    from .report import (
        DatasetReport as DatasetReport,
    )
    from .report import (
        KResult as KResult,
    )
    from .report import (
        centroid_grid as centroid_grid,
    )
    from .report import (
        cluster_dataset as cluster_dataset,
    )

_HOMES = {
    "loaders": ("Dataset", "load_dataset", "load_digits", "load_idx", "load_image_folder",
                "load_mnist", "load_npz", "read_idx"),
    "report": ("DatasetReport", "KResult", "centroid_grid", "cluster_dataset"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}
__all__ = sorted(_HOME_OF)


def __getattr__(name: str) -> Any:
    if name in _HOME_OF:
        return getattr(importlib.import_module(f".{_HOME_OF[name]}", __name__), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
