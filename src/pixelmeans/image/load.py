"""Loading images from any source, and writing output files atomically.

``load_image`` turns a path, URL, bytes, file object, PIL image or array into an
:class:`RGBImage`: ``H×W×3 uint8`` sRGB pixels plus an optional ``H×W`` mask of the pixels
that count (those at least half opaque). It knows nothing about K-means.
"""

from __future__ import annotations

import io
import math
import os
import threading
import warnings
from dataclasses import dataclass, replace
from typing import IO, Any

import numpy as np
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from ..errors import ImageReadError, ImageTooLargeError, InvalidImageError
from ..files.download import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_DOWNLOAD_BYTES,
    DEFAULT_TIMEOUT,
    download,
    is_url,
)
from ..files.read import read_regular_file
from ..params import Integral, Interval, Options, Real, validated

DEFAULT_MAX_PIXELS = 250_000_000
_PILLOW_LIMIT_LOCK = threading.Lock()

ImageSource = str | os.PathLike | bytes | bytearray | memoryview | IO[bytes] | Image.Image \
    | np.ndarray


@dataclass(frozen=True)
class RGBImage:
    """An image inside pixelmeans.

    Attributes
    ----------
    pixels : ndarray of shape (H, W, 3), uint8
        sRGB values.
    mask : ndarray of shape (H, W), bool, or None
        Pixels that count (at least half opaque); ``None`` when all do.
    source : str
        A short description of where the image came from, for messages.
    file_size : int or None
        Size in bytes of the encoded source, when it was a file, URL or bytes.
    """

    pixels: np.ndarray
    mask: np.ndarray | None = None
    source: str = "<array>"
    file_size: int | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)``."""
        return self.pixels.shape[0], self.pixels.shape[1]

    def counted(self, per_pixel: np.ndarray) -> np.ndarray:
        """The entries of a flat per-pixel array that belong to counted (opaque) pixels."""
        return per_pixel if self.mask is None else per_pixel[self.mask.ravel()]

    @property
    def n_counted(self) -> int:
        """Number of pixels that count."""
        return int(self.mask.sum()) if self.mask is not None else self.shape[0] * self.shape[1]


@validated({
    "max_pixels": [Interval(Integral, 1, None)],
    "timeout": [Interval(Real, 0, None, closed="neither")],
    "deadline": [Interval(Real, 0, None, closed="neither")],
    "max_download_bytes": [Interval(Integral, 1, None)],
    "draft_pixels": [Interval(Integral, 1, None), Options((None,))],
})
def load_image(
    source: ImageSource | RGBImage,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
    draft_pixels: int | None = None,
) -> RGBImage:
    """Read an image from any supported source into an :class:`RGBImage`.

    Parameters
    ----------
    source : path, str, URL, bytes, file object, PIL.Image, ndarray or RGBImage
        Strings starting with ``http://`` or ``https://`` are downloaded; other strings are
        paths. Arrays may be ``H×W``, ``H×W×3`` or ``H×W×4``, of uint8, uint16 or floats in
        [0, 1].
    max_pixels : int, default 250 million
        Refuse larger images (before decoding them).
    timeout : float
        Seconds to wait for a URL's server, each time it is waited for.
    deadline : float
        Seconds a whole download may take, however slowly the server sends.
    max_download_bytes : int
        Refuse larger downloads.
    draft_pixels : int, optional
        JPEG files and downloads only: decode at a reduced size (libjpeg's DCT scaling by
        1/2, 1/4 or 1/8, several times faster than a full decode) that keeps at least this
        many pixels. ``None`` decodes every pixel.

    Returns
    -------
    RGBImage

    Raises
    ------
    ImageReadError
        The source cannot be read as an image; the message names it and the problem.
    ImageTooLargeError
        The image has more than ``max_pixels`` pixels.

    Examples
    --------
    >>> import numpy as np
    >>> img = load_image(np.zeros((2, 3, 4), dtype=np.uint8))
    >>> img.pixels.shape, int(img.mask.sum())
    ((2, 3, 3), 0)
    """
    if isinstance(source, RGBImage):
        _check_size(source.shape[1], source.shape[0], max_pixels, source.source)
        return source
    if isinstance(source, np.ndarray):
        return _from_array(source, "<array>", max_pixels)
    if isinstance(source, Image.Image):
        return _from_pil(source, "<PIL image>", max_pixels, None)
    if isinstance(source, bytes | bytearray | memoryview):
        return _decode(bytes(source), "<bytes>", max_pixels, draft_pixels)
    if isinstance(source, str) and (is_url(source) or "://" in source):
        data = download(source, error=ImageReadError, timeout=timeout, deadline=deadline,
                        max_bytes=max_download_bytes)
        return _decode(data, source, max_pixels, draft_pixels)
    if isinstance(source, str | os.PathLike):
        return _decode(read_regular_file(source, error=ImageReadError), str(source),
                       max_pixels, draft_pixels)
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<file object>"))
        data = source.read()
        if not isinstance(data, bytes):
            msg = f"{name}: file object must be opened in binary mode"
            raise ImageReadError(msg)
        return _decode(data, name, max_pixels, draft_pixels)
    msg = f"cannot read an image from a {type(source).__name__}"
    raise ImageReadError(msg)


def as_image(source, **options: Any) -> RGBImage:
    """An :class:`RGBImage` as it is (already checked when loaded), else
    ``load_image(source, **options)``.

    Examples
    --------
    >>> img = load_image(np.zeros((1, 1, 3), np.uint8))
    >>> as_image(img) is img
    True
    """
    return source if isinstance(source, RGBImage) else load_image(source, **options)


def _check_size(width: int, height: int, max_pixels: int, name: str) -> None:
    if width * height > max_pixels:
        msg = (
            f"{name}: image of {width}×{height} = {width * height:,} pixels is over the limit "
            f"of {max_pixels:,}; raise max_pixels (--max-pixels) if you trust it"
        )
        raise ImageTooLargeError(msg)


def _draft(im: Image.Image, at_least: int) -> None:
    """Ask libjpeg for the smallest DCT-scaled decode that keeps ``at_least`` pixels."""
    width, height = im.size
    if im.format == "JPEG" and width * height > at_least:
        scale = math.sqrt(width * height / at_least)
        im.draft(im.mode, (math.ceil(width / scale), math.ceil(height / scale)))


def _decode(data: bytes, name: str, max_pixels: int, draft_pixels: int | None = None
            ) -> RGBImage:
    if not data:
        msg = f"{name}: file is empty"
        raise ImageReadError(msg)
    with _PILLOW_LIMIT_LOCK, warnings.catch_warnings():
        # We enforce our own pixel limit before decoding, so Pillow's must not be lower.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        try:
            im = Image.open(io.BytesIO(data))
            _check_size(im.size[0], im.size[1], max_pixels, name)
            if draft_pixels is not None:
                _draft(im, draft_pixels)
            im.load()
        except UnidentifiedImageError:
            msg = f"{name}: not an image, or a format Pillow cannot read"
            raise ImageReadError(msg) from None
        except MemoryError:
            raise
        except Exception as exc:  # Pillow's plugins report damage with many exception types
            if isinstance(exc, ImageReadError):
                raise
            msg = f"{name}: corrupt or truncated image ({exc or type(exc).__name__})"
            raise ImageReadError(msg) from None
        finally:
            Image.MAX_IMAGE_PIXELS = previous
    return _from_pil(im, name, max_pixels, len(data))


def _from_pil(im: Image.Image, name: str, max_pixels: int, file_size: int | None) -> RGBImage:
    _check_size(im.size[0], im.size[1], max_pixels, name)
    try:
        frames = getattr(im, "n_frames", 1)
        if frames > 1:
            warnings.warn(f"{name}: an animation of {frames} frames; only the first "
                          "frame is used", ImageContentWarning, stacklevel=2)
            im.seek(0)
        if im.getexif().get(ExifTags.Base.Orientation, 1) != 1:  # else no copy is needed
            im = ImageOps.exif_transpose(im)
    except MemoryError:
        raise
    except Exception as exc:  # TypeError, struct.error, ... from a damaged file's frames
        msg = f"{name}: corrupt image ({exc or type(exc).__name__})"
        raise ImageReadError(msg) from None
    mode = im.mode
    if mode in ("I;16", "I;16L", "I;16B", "I", "F"):
        grey = np.asarray(im)
        image = _from_array(grey, name, max_pixels, file_size, sixteen_bit=True)
        key = im.info.get("transparency")
        return _with_color_key(image, grey, key if isinstance(key, int) else None)
    if mode == "RGB" and isinstance(im.info.get("transparency"), tuple) \
            and max(im.info["transparency"]) > 255:
        # A 16-bit RGB PNG's tRNS colour: Pillow keeps the top byte of each sample (and of
        # the key, in the same way), so the key is matched on those.
        rgb = np.asarray(im)
        key = tuple(int(v) >> 8 for v in im.info["transparency"])
        return _with_color_key(_from_array(rgb, name, max_pixels, file_size), rgb, key)
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    wanted = "RGBA" if has_alpha else "RGB"
    array = np.asarray(im if mode == wanted else im.convert(wanted))
    return _from_array(array, name, max_pixels, file_size)


def _with_color_key(image: RGBImage, values: np.ndarray, key: Any) -> RGBImage:
    """``image`` with the pixels whose ``values`` equal the PNG tRNS colour ``key`` (a grey
    value or an RGB triple) transparent."""
    if key is None:
        return image
    same = values == np.asarray(key, dtype=np.int64)
    opaque = ~same.all(axis=-1) if values.ndim == 3 else ~same
    return image if opaque.all() else replace(image, mask=opaque)


def _from_array(array: Any, name: str, max_pixels: int, file_size: int | None = None,
                sixteen_bit: bool = False) -> RGBImage:
    a = np.asarray(array)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)):
        msg = f"{name}: expected an H×W, H×W×3 or H×W×4 array; got shape {a.shape}"
        raise InvalidImageError(msg)
    if a.shape[0] == 0 or a.shape[1] == 0:
        msg = f"{name}: image has no pixels (shape {a.shape})"
        raise InvalidImageError(msg)
    _check_size(a.shape[1], a.shape[0], max_pixels, name)
    a = _to_uint8(a, name, sixteen_bit)
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    mask = None
    if a.shape[2] == 4:
        _warn_partial_alpha(a[:, :, 3], name)
        mask = a[:, :, 3] >= 128
        a = a[:, :, :3]
        if mask.all():
            mask = None
    return RGBImage(np.ascontiguousarray(a), mask, name, file_size)


class ImageContentWarning(UserWarning):
    """Part of an image cannot be kept: frames after the first, partial transparency."""


def _warn_partial_alpha(alpha: np.ndarray, name: str) -> None:
    partial = int(np.count_nonzero((alpha > 0) & (alpha < 255)))
    if partial:
        warnings.warn(f"{name}: {partial:,} pixels are partly transparent; transparency is "
                      "kept as on or off (pixels at least half opaque count, and are written, "
                      "as opaque; the others as transparent)", ImageContentWarning,
                      stacklevel=2)


def _to_uint8(a: np.ndarray, name: str, sixteen_bit: bool) -> np.ndarray:
    if a.dtype == np.uint8:
        return a
    if a.dtype == np.bool_:
        return a.astype(np.uint8) * 255
    if np.issubdtype(a.dtype, np.floating):
        if not np.all(np.isfinite(a)) or a.min() < 0 or a.max() > 1:
            msg = f"{name}: float images must hold finite values in [0, 1]"
            raise InvalidImageError(msg)
        return np.rint(a * 255).astype(np.uint8)
    if np.issubdtype(a.dtype, np.integer):
        low, high = int(a.min()), int(a.max())
        if low < 0 or high > 65535:
            msg = f"{name}: integer pixel values must lie in [0, 65535]; got [{low}, {high}]"
            raise InvalidImageError(msg)
        if a.dtype == np.uint16 or sixteen_bit:
            return np.rint(a / 257.0).astype(np.uint8)
        if high > 255:
            msg = f"{name}: {a.dtype} pixel values over 255; pass uint16 for 16-bit data"
            raise InvalidImageError(msg)
        return a.astype(np.uint8)
    msg = f"{name}: unsupported pixel type {a.dtype}"
    raise InvalidImageError(msg)


