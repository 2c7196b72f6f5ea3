"""pixelmeans: K-means for the colours and shapes in images.

The public surface is listed in ``__all__``; everything else is internal. Names are resolved
on first use (PEP 562), so ``import pixelmeans`` loads nothing heavier than itself: numpy and
Pillow come with the first image or array function, scikit-learn only with the estimators.

The package is layered; each layer imports only from the layers below it (``make lint``
checks this with import-linter)::

    cli        the command line: one module per command
    scale      runners (this process or Dask), batches of images, tiled TIFFs
    plot       matplotlib charts of results (the ``plot`` extra)
    tasks      palette, quantize, compress, segment, elbow     datasets  loaders, report
    render     text tables, palette formats, pictures
    image      load, colour spaces, histogram, nearest colour, indexed files, regions
    cluster    the K-means engine (core, dask, estimators)      files     atomic writes,
                                                                          downloads
    params     the constraint language for public parameters
    errors     the exception family
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    DatasetError,
    ImageReadError,
    ImageTooLargeError,
    InvalidDataError,
    InvalidImageError,
    InvalidParameterError,
    MissingDependencyError,
    OutputError,
    OutputExistsError,
    PixelmeansError,
)

if TYPE_CHECKING:
    from .cluster.estimators import (
        KMeans as KMeans,
    )
    from .cluster.estimators import (
        MiniBatchKMeans as MiniBatchKMeans,
    )
    from .cluster.estimators import (
        k_means as k_means,
    )
    from .cluster.estimators import (
        kmeans_plusplus as kmeans_plusplus,
    )
    from .datasets.loaders import (
        Dataset as Dataset,
    )
    from .datasets.loaders import (
        load_dataset as load_dataset,
    )
    from .datasets.loaders import (
        load_mnist as load_mnist,
    )
    from .datasets.report import (
        DatasetReport as DatasetReport,
    )
    from .datasets.report import (
        cluster_dataset as cluster_dataset,
    )
    from .image.histogram import (
        ColorHistogram as ColorHistogram,
    )
    from .image.histogram import (
        color_histogram as color_histogram,
    )
    from .image.load import (
        RGBImage as RGBImage,
    )
    from .image.load import (
        load_image as load_image,
    )
    from .image.regions import (
        Region as Region,
    )
    from .tasks.compress import (
        CompressionReport as CompressionReport,
    )
    from .tasks.compress import (
        CompressionSweep as CompressionSweep,
    )
    from .tasks.compress import (
        compress as compress,
    )
    from .tasks.compress import (
        compression_sweep as compression_sweep,
    )
    from .tasks.elbow import (
        ElbowCurve as ElbowCurve,
    )
    from .tasks.elbow import (
        elbow_curve as elbow_curve,
    )
    from .tasks.palette import (
        Palette as Palette,
    )
    from .tasks.palette import (
        PaletteWarning as PaletteWarning,
    )
    from .tasks.palette import (
        extract_palette as extract_palette,
    )
    from .tasks.palette import (
        palette_from_histogram as palette_from_histogram,
    )
    from .tasks.quantize import (
        Quantized as Quantized,
    )
    from .tasks.quantize import (
        quantize as quantize,
    )
    from .tasks.segment import (
        Segmentation as Segmentation,
    )
    from .tasks.segment import (
        segment as segment,
    )

__version__ = "0.1.0"

_HOMES = {
    "pixelmeans.cluster.estimators": ("KMeans", "MiniBatchKMeans", "k_means",
                                       "kmeans_plusplus"),
    "pixelmeans.datasets.loaders": ("Dataset", "load_dataset", "load_mnist"),
    "pixelmeans.datasets.report": ("DatasetReport", "cluster_dataset"),
    "pixelmeans.image.histogram": ("ColorHistogram", "color_histogram"),
    "pixelmeans.image.load": ("RGBImage", "load_image"),
    "pixelmeans.image.regions": ("Region",),
    "pixelmeans.tasks.compress": ("CompressionReport", "CompressionSweep", "compress",
                                  "compression_sweep"),
    "pixelmeans.tasks.elbow": ("ElbowCurve", "elbow_curve"),
    "pixelmeans.tasks.palette": ("Palette", "PaletteWarning", "extract_palette",
                                 "palette_from_histogram"),
    "pixelmeans.tasks.quantize": ("Quantized", "quantize"),
    "pixelmeans.tasks.segment": ("Segmentation", "segment"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "ColorHistogram",
    "CompressionReport",
    "CompressionSweep",
    "Dataset",
    "DatasetError",
    "DatasetReport",
    "ElbowCurve",
    "ImageReadError",
    "ImageTooLargeError",
    "InvalidDataError",
    "InvalidImageError",
    "InvalidParameterError",
    "KMeans",
    "MiniBatchKMeans",
    "MissingDependencyError",
    "OutputError",
    "OutputExistsError",
    "Palette",
    "PaletteWarning",
    "PixelmeansError",
    "Quantized",
    "RGBImage",
    "Region",
    "Segmentation",
    "__version__",
    "cluster_dataset",
    "color_histogram",
    "compress",
    "compression_sweep",
    "elbow_curve",
    "extract_palette",
    "k_means",
    "kmeans_plusplus",
    "load_dataset",
    "load_image",
    "load_mnist",
    "palette_from_histogram",
    "quantize",
    "segment",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562)."""
    home = _HOME_OF.get(name)
    if home is None:
        msg = f"module 'pixelmeans' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
