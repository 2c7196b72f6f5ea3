"""Indexed images: labels and a few colours as a palette ("P") image, and the encoders.

The one writer of every picture pixelmeans saves (quantized images, segment label maps,
masks, cut-outs): an indexed image keeps one byte (or fewer bits) a pixel and marks the
pixels that do not count as transparent.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..files.atomic import write_atomically
from .formats import indexed_format

# Encoder settings, chosen by measurement (benchmarks/RESULTS.md, "encoders"): sizes within
# about 1% of each encoder's smallest at a fraction of its slowest effort.
PNG_OPTIONS = {"compress_level": 9}
WEBP_OPTIONS = {"lossless": True, "quality": 50, "method": 4}
GIF_OPTIONS = {"optimize": True}


def expand(labels: np.ndarray, colors: np.ndarray) -> np.ndarray:
    """``colors[labels]`` as an ``H×W×3`` uint8 array, gathering one 4-byte word a pixel.

    Five times faster than fancy indexing with 3-byte rows; the result is a view of an
    ``H×W×4`` array.

    Examples
    --------
    >>> expand(np.array([[1, 0]]), np.array([[1, 2, 3], [4, 5, 6]], np.uint8)).tolist()
    [[[4, 5, 6], [1, 2, 3]]]
    """
    words = np.zeros((len(colors), 4), dtype=np.uint8)
    words[:, :3] = colors
    gathered = np.take(words.view(np.uint32).ravel(), labels)
    return gathered.view(np.uint8).reshape((*labels.shape, 4))[..., :3]


def indexed_image(labels: np.ndarray, colors: np.ndarray,
                  mask: np.ndarray | None = None) -> Image.Image:
    """A PIL image of ``colors[labels]``: mode "P" for up to 256 colours, with one more,
    transparent, entry for the pixels outside ``mask``; "RGB"/"RGBA" above that.

    Examples
    --------
    >>> im = indexed_image(np.array([[0, 1]]), np.array([[9, 9, 9], [200, 0, 0]], np.uint8),
    ...                    np.array([[True, False]]))
    >>> im.mode, im.info["transparency"], np.asarray(im).tolist()
    ('P', 2, [[0, 2]])
    """
    k = len(colors)
    holes = None if mask is None or mask.all() else mask  # None: every pixel is opaque
    if k + (holes is not None) > 256:
        rgb = expand(labels, np.asarray(colors, dtype=np.uint8))
        if holes is None:
            return Image.fromarray(rgb)
        alpha = np.where(holes, 255, 0).astype(np.uint8)[:, :, None]
        return Image.fromarray(np.concatenate([rgb, alpha], axis=2))
    index = labels.astype(np.uint8)
    table = np.asarray(colors, dtype=np.uint8)
    if holes is not None:
        index = np.where(holes, index, np.uint8(k))
        table = np.vstack([table, [[0, 0, 0]]]).astype(np.uint8)
    im = Image.fromarray(index, mode="P")
    im.putpalette(table.tobytes(), rawmode="RGB")
    if holes is not None:
        im.info["transparency"] = k
    return im


def _bit_depth(n_entries: int) -> int:
    """Smallest PNG palette bit depth (1, 2, 4 or 8) that holds ``n_entries`` colours."""
    return next(bits for bits in (1, 2, 4, 8) if n_entries <= 1 << bits)


def encode(im: Image.Image, fmt: str = "PNG") -> bytes:
    """``im`` encoded as PNG (a palette image at its smallest bit depth), lossless WebP or
    GIF, with the measured settings above; transparency is kept."""
    settings: dict[str, dict[str, Any]] = {"PNG": PNG_OPTIONS, "WEBP": WEBP_OPTIONS,
                                           "GIF": GIF_OPTIONS}
    options = dict(settings.get(fmt, {}))
    if fmt == "PNG" and im.mode == "P":
        options["bits"] = _bit_depth(len(im.getpalette() or ()) // 3)
    if "transparency" in im.info:
        options["transparency"] = im.info["transparency"]
    buffer = io.BytesIO()
    im.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def save_indexed(im: Image.Image, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``im`` to ``path`` (.png, .gif or .webp), atomically."""
    data = encode(im, indexed_format(path))
    return write_atomically(path, lambda tmp: tmp.write_bytes(data), overwrite=overwrite)


def write_png(im: Image.Image, path: Path) -> None:
    """Write ``im`` as PNG to a path inside a folder being written atomically."""
    path.write_bytes(encode(im, "PNG"))
