"""Which pixels count, by their opacity: a threshold other than the loader's "half opaque".

:func:`pixelmeans.load_image` counts pixels that are at least half opaque (alpha ≥ 128).
:func:`with_alpha_threshold` loads an image counting those with alpha ≥ ``min_alpha``
instead; it reads the alpha channel a second time (only when asked for another threshold,
and only for sources that have one). It knows nothing about K-means.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import replace
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from ..errors import ImageReadError
from ..files.read import read_regular_file
from .load import ImageContentWarning, RGBImage, load_image

LOADER_ALPHA = 128  # what load_image counts: alpha >= 128


def _alpha_of(source: Any) -> np.ndarray | None:
    """The alpha channel (uint8) of an array, PIL image, bytes or file path; None when the
    source has none (or is of a kind whose alpha cannot be read twice)."""
    if isinstance(source, np.ndarray):
        if source.ndim != 3 or source.shape[2] != 4:
            return None
        alpha = source[:, :, 3]
        if np.issubdtype(alpha.dtype, np.floating):
            return np.rint(alpha * 255).astype(np.uint8)
        return (alpha / 257).round().astype(np.uint8) if alpha.dtype == np.uint16 \
            else alpha.astype(np.uint8)
    im: Image.Image
    if isinstance(source, bytes | bytearray):
        im = Image.open(io.BytesIO(bytes(source)))
    elif isinstance(source, str | os.PathLike) and "://" not in str(source):
        im = Image.open(io.BytesIO(read_regular_file(source, error=ImageReadError)))
    elif isinstance(source, Image.Image):
        im = source
    else:
        return None
    if im.mode not in ("RGBA", "LA", "PA", "RGBa", "La") and "transparency" not in im.info:
        return None
    upright = ImageOps.exif_transpose(im) or im
    return np.asarray(upright.convert("RGBA"))[:, :, 3]


def with_alpha_threshold(source: Any, min_alpha: int, **load_options: Any) -> RGBImage:
    """The image with the pixels of alpha ≥ ``min_alpha`` counted (0 counts every pixel).

    Examples
    --------
    >>> rgba = np.zeros((1, 3, 4), np.uint8); rgba[0, :, 3] = [0, 100, 255]
    >>> with_alpha_threshold(rgba, 50).mask.tolist()
    [[False, True, True]]
    >>> with_alpha_threshold(rgba, 0).mask is None
    True
    """
    if isinstance(source, RGBImage):
        image = source
    else:
        with warnings.catch_warnings():  # the threshold is chosen here: no warning about it
            warnings.filterwarnings("ignore", ".*partly transparent", ImageContentWarning)
            image = load_image(source, **load_options)
    if min_alpha == LOADER_ALPHA or isinstance(source, RGBImage):
        return image
    alpha = _alpha_of(source)
    if alpha is None or alpha.shape != image.shape:
        return image
    mask = alpha >= min_alpha
    return replace(image, mask=None if mask.all() else mask)
