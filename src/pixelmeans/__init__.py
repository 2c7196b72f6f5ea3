"""pixelmeans: K-means for the colours and shapes in images.

The public surface is listed in ``__all__``; everything else is internal.
"""

from .cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from .compress import CompressionReport, CompressionSweep, compress, compression_sweep
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
from .quantize import Quantized, quantize
from .regions import Region
from .segment import Segmentation, segment

__version__ = "0.1.0"

__all__ = [
    "ColorHistogram",
    "CompressionReport",
    "CompressionSweep",
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
    "Quantized",
    "RGBImage",
    "Region",
    "Segmentation",
    "__version__",
    "color_histogram",
    "compress",
    "compression_sweep",
    "extract_palette",
    "kmeans_plusplus",
    "load_image",
    "palette_from_histogram",
    "quantize",
    "segment",
]
