"""The exception family of pixelmeans.

Every error the library raises on purpose derives from :class:`PixelmeansError`, so callers
(and the command line) can catch one class::

    PixelmeansError
    ├── InvalidParameterError       (also a ValueError)   a parameter out of range or wrong
    ├── ImageReadError              (also an OSError)     a source that cannot be read as an image
    │   ├── ImageTooLargeError                            an image over the pixel limit
    │   └── InvalidImageError       (also a ValueError)   pixel data that is no image (NaN, empty)
    ├── DatasetError                (also a ValueError)   a data set file is unusable
    ├── InvalidDataError            (also a ValueError)   an array given to cluster is unusable
    ├── OutputError                 (also an OSError)     an output cannot be written
    │   └── OutputExistsError       (also a FileExistsError) an output file is there already
    └── MissingDependencyError      (also an ImportError) an optional extra is not installed

Messages name the thing at fault and say what to do.
"""

from __future__ import annotations

__all__ = [
    "DatasetError",
    "ImageReadError",
    "ImageTooLargeError",
    "InvalidDataError",
    "InvalidImageError",
    "InvalidParameterError",
    "MissingDependencyError",
    "OutputError",
    "OutputExistsError",
    "PixelmeansError",
]


class PixelmeansError(Exception):
    """Base class of every error raised on purpose by pixelmeans."""


class InvalidParameterError(PixelmeansError, ValueError):
    """A parameter is out of range or of the wrong kind."""


class ImageReadError(PixelmeansError, OSError):
    """A source cannot be read as an image (missing, empty, corrupt, unsupported)."""


class ImageTooLargeError(ImageReadError):
    """An image has more pixels than the configured limit."""


class InvalidImageError(ImageReadError, ValueError):
    """Pixel data that is no image: an array that is empty, of the wrong shape or type, or
    holds NaN or values out of range. A ValueError too, as scikit-learn's conventions want
    for bad data."""


class DatasetError(PixelmeansError, ValueError):
    """A data set file is missing, corrupt or inconsistent."""


class InvalidDataError(PixelmeansError, ValueError):
    """An array given to the engine is unusable (NaN or infinity, no rows, wrong shape)."""


class OutputError(PixelmeansError, OSError):
    """An output file cannot be written (missing folder, no permission)."""


class OutputExistsError(OutputError, FileExistsError):
    """An output file exists and overwriting was not asked for."""


class MissingDependencyError(PixelmeansError, ImportError):
    """An optional dependency (an extra) is needed but not installed."""


def require(module: str, extra: str, purpose: str):
    """Import an optional dependency, or explain which extra to install.

    Examples
    --------
    >>> np = require("numpy", "core", "arrays")
    >>> np.__name__
    'numpy'
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        msg = (
            f"{purpose} needs the optional dependency '{module}', which is not installed; "
            f"install it with: pip install 'pixelmeans[{extra}]'"
        )
        raise MissingDependencyError(msg) from exc
