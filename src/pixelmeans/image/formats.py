"""Image file formats by suffix: what can be read, and how each kind of output is saved."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidParameterError
from ..files.atomic import write_atomically

if TYPE_CHECKING:
    from PIL import Image

# Suffixes of the files a folder or pattern of images is searched for.
READABLE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff")
# Pillow format of each suffix a picture (swatch, grid) may be saved as.
PICTURE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF",
                   ".webp": "WEBP", ".bmp": "BMP", ".tif": "TIFF", ".tiff": "TIFF"}
# Formats that keep a palette image indexed (lossless).
INDEXED_FORMATS = {".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}
TIFF_SUFFIXES = (".tif", ".tiff")
MAX_INDEXED = 256  # colours an indexed PNG, GIF or WebP (or a palette TIFF) can hold
# The longest side each format's encoder takes (WebP's is 16383 pixels; JPEG's 65500).
MAX_SIDE = {"WEBP": 16383, "JPEG": 65500, "GIF": 65535, "BMP": 2**31 - 1,
            "PNG": 2**31 - 1, "TIFF": 2**31 - 1}


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


def check_encodable(path: str | os.PathLike, fmt: str, size: tuple[int, int]) -> None:
    """Refuse, before encoding, a picture larger than its format holds (a 20000 × 1 image
    as WebP), with a line naming the file, the size and the limit.

    Examples
    --------
    >>> check_encodable("wide.webp", "WEBP", (20000, 1))
    Traceback (most recent call last):
    ...
    pixelmeans.errors.InvalidParameterError: wide.webp: 20000×1 is larger than WEBP holds \
(at most 16383 pixels a side); save it as .png
    """
    limit = MAX_SIDE.get(fmt.upper())
    if limit is not None and max(size) > limit:
        msg = (f"{path}: {size[0]}×{size[1]} is larger than {fmt.upper()} holds (at most "
               f"{limit} pixels a side); save it as .png")
        raise InvalidParameterError(msg)


def save_picture(picture: Image.Image, path: str | os.PathLike, *,
                 overwrite: bool = False) -> Path:
    """Save a picture (a card, a grid, a before/after) in the format its suffix names,
    atomically; one too large for that format is refused before anything is written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "dot.png"
    >>> save_picture(Image.new("RGB", (2, 1)), out).stat().st_size > 0
    True
    """
    fmt = picture_format(path)
    check_encodable(path, fmt, picture.size)
    return write_atomically(path, lambda tmp: picture.save(tmp, format=fmt),
                            overwrite=overwrite)
