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

# Encoder settings, chosen by measuring size against time on the bundled photos at 0.14 to
# 12 MP, k = 4 to 256, dithered or not (benchmarks/RESULTS.md, "encoders"):
# - PNG of a palette image: zlib level 9 up to 2 MP, 6 above (9 took 0.9-3.3 s at 12 MP for
#   files 2% smaller). Other images (masks, cut-outs, overlays) take level 6, Pillow's own.
#   No `optimize`: it forces level 9 and adds a row filter that makes packed palettes (k <= 16)
#   up to 8% larger. For k <= 16 the RLE strategy is tried too and the smaller file kept
#   (5-10% more time; Pillow filters packed rows, and RLE often suits them better).
# - WebP lossless: method 4, quality 50: at most 0.18 s at 1 MP, files 5% larger than
#   method 6 / quality 100, which took 3-9 s for a 451×300 photo (a brute-force search).
# - GIF: `optimize` gave byte-identical files; Pillow's defaults.
PNG_LEVEL_UP_TO = (9, 2_000_000)  # (zlib level, largest image in pixels it is used for)
PNG_LEVEL_ABOVE = 6
PNG_RLE_MAX_COLORS = 16
WEBP_OPTIONS = {"lossless": True, "quality": 50, "method": 4}


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


def _saved(im: Image.Image, fmt: str, options: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def encode(im: Image.Image, fmt: str = "PNG") -> bytes:
    """``im`` encoded as PNG (a palette image at its smallest bit depth), lossless WebP or
    GIF, with the measured settings above; transparency is kept.

    Examples
    --------
    >>> im = indexed_image(np.array([[0, 1], [1, 0]]), np.array([[0, 0, 0], [255, 9, 9]]))
    >>> data = encode(im, "PNG")
    >>> Image.open(io.BytesIO(data)).mode, data[24]  # indexed, 1 bit a pixel
    ('P', 1)
    """
    options: dict[str, Any] = {}
    if "transparency" in im.info:
        options["transparency"] = im.info["transparency"]
    if fmt == "WEBP":
        options.update(WEBP_OPTIONS)
    if fmt != "PNG":
        return _saved(im, fmt, options)
    level, up_to = PNG_LEVEL_UP_TO
    small = im.mode == "P" and im.width * im.height <= up_to
    options["compress_level"] = level if small else PNG_LEVEL_ABOVE
    # No ``bits``: Pillow takes the smallest depth from the palette's length, and an
    # explicit 8 made Pillow 10 write all 256 palette entries.
    entries = len(im.getpalette() or ()) // 3 if im.mode == "P" else 0
    data = _saved(im, fmt, options)
    if 0 < entries <= PNG_RLE_MAX_COLORS:
        rle = _saved(im, fmt, {**options, "compress_type": Image.RLE})
        data = min(data, rle, key=len)
    return data


def save_indexed(im: Image.Image, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``im`` to ``path`` (.png, .gif or .webp), atomically."""
    data = encode(im, indexed_format(path))
    return write_atomically(path, lambda tmp: tmp.write_bytes(data), overwrite=overwrite)


def write_png(im: Image.Image, path: Path) -> None:
    """Write ``im`` as PNG to a path inside a folder being written atomically."""
    path.write_bytes(encode(im, "PNG"))
