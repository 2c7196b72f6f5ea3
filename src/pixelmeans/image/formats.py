"""Image file formats by suffix: what can be read, and how each kind of output is saved."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InvalidParameterError

# Suffixes of the files a folder or pattern of images is searched for.
READABLE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff")
# Pillow format of each suffix a picture (swatch, grid) may be saved as.
PICTURE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF",
                   ".webp": "WEBP", ".bmp": "BMP", ".tif": "TIFF", ".tiff": "TIFF"}
# Formats that keep a palette image indexed (lossless).
INDEXED_FORMATS = {".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}
TIFF_SUFFIXES = (".tif", ".tiff")


def _format(path: str | os.PathLike, table: dict[str, str], what: str) -> str:
    fmt = table.get(Path(path).suffix.lower())
    if fmt is None:
        msg = f"{path}: {what} are saved as {', '.join(sorted(table))}"
        raise InvalidParameterError(msg)
    return fmt


def picture_format(path: str | os.PathLike) -> str:
    """The Pillow format a picture is saved in, from its suffix, or a clear error.

    Examples
    --------
    >>> picture_format("swatch.JPG")
    'JPEG'
    """
    return _format(path, PICTURE_FORMATS, "pictures")


def indexed_format(path: str | os.PathLike) -> str:
    """The Pillow format an indexed (quantized) image is saved in, or a clear error.

    Examples
    --------
    >>> indexed_format("out.jpg")
    Traceback (most recent call last):
    ...
    pixelmeans.errors.InvalidParameterError: out.jpg: quantized images are saved as .gif, \
.png, .webp
    """
    return _format(path, INDEXED_FORMATS, "quantized images")
