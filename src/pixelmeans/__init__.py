"""pixelmeans: K-means for the colours and shapes in images.

The public surface is listed in ``__all__``; everything else is internal.
"""

from .cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from .errors import (
    ImageReadError,
    ImageTooLargeError,
    InvalidParameterError,
    MissingDependencyError,
    OutputExistsError,
    PixelmeansError,
)

__version__ = "0.1.0"

__all__ = [
    "ImageReadError",
    "ImageTooLargeError",
    "InvalidParameterError",
    "KMeans",
    "MiniBatchKMeans",
    "MissingDependencyError",
    "OutputExistsError",
    "PixelmeansError",
    "__version__",
    "kmeans_plusplus",
]
