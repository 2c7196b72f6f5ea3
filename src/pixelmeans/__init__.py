"""pixelmeans: K-means for the colours and shapes in images.

The public surface is listed in ``__all__``; everything else is internal.
"""

from .cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from .errors import (
    ImageReadError,
    ImageTooLargeError,
    InvalidParameterError,
    MissingDependencyError,
    OutputError,
    OutputExistsError,
    PixelmeansError,
)
from .histogram import ColorHistogram, color_histogram
from .io import RGBImage, load_image
from .palette import Palette, PaletteWarning, extract_palette, palette_from_histogram

__version__ = "0.1.0"

__all__ = [
    "ColorHistogram",
    "ImageReadError",
    "ImageTooLargeError",
    "InvalidParameterError",
    "KMeans",
    "MiniBatchKMeans",
    "MissingDependencyError",
    "OutputError",
    "OutputExistsError",
    "Palette",
    "PaletteWarning",
    "PixelmeansError",
    "RGBImage",
    "__version__",
    "color_histogram",
    "extract_palette",
    "kmeans_plusplus",
    "load_image",
    "palette_from_histogram",
]
