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

from ..errors import InvalidParameterError
from ..files.atomic import write_atomically
from .formats import indexed_format
from .pngfile import indexed_png

# Encoder settings, chosen by measuring size against time on real photos of 0.24 to 12 MP,
# k = 4 to 256 (benchmarks/RESULTS.md, "encoders" and "jobs"):
# - PNG of a palette image: written by .pngfile with unfiltered rows (Pillow filters packed
#   rows, which made 16-colour files 8-19% larger) and deflated by zlib-ng on all cores.
#   Level 9 up to 2 MP; above, 8 for packed rows (up to 16 entries) and 7 for 8-bit rows. On
#   the 12 MP mosaic (zlib-ng, bytes and one core's seconds): k = 16 levels 7/8/9 1,153,253 /
#   1,130,587 / 1,132,607 (0.23 / 0.46 / 0.68 s); k = 64 2,246,352 / 2,214,770 / 2,217,394
#   (0.42 / 0.91 / 0.90 s; pngquant's file 2,257,724); k = 256 3,695,681 / 3,680,202 /
#   3,658,996 (0.30 / 0.58 / 0.64 s). Level 8 for 17-64 entries (1.4-2.4% smaller files)
#   made the default compress sweep of the 12 MP JPEG 7.5 s instead of 6.0 s (medians of 3,
#   side by side; one quantize -k 16 took 1.8 s); 7 keeps k = 64 under pngquant's size. Palette
#   order is left heaviest first: with unfiltered rows it does not change the size, and with
#   any row filter, even on a palette sorted by lightness or along a nearest-neighbour tour,
#   12 MP files at k = 256 grew by 11-38%.
#   Other images (masks, cut-outs, overlays) go through Pillow at level 6, its own default.
# - WebP lossless: method 4, quality 50: at most 0.18 s at 1 MP, files 5% larger than
#   method 6 / quality 100, which took 3-9 s for a 451×300 photo (a brute-force search).
# - GIF: `optimize` gave byte-identical files; Pillow's defaults.
PNG_SMALL = (9, 2_000_000)  # (zlib level, largest image in pixels it is used for)
PNG_LEVEL_FEW = (8, 16)  # above PNG_SMALL: (zlib level, most palette entries it is used for)
PNG_LEVEL_MANY = 7  # above PNG_SMALL, for more entries
PNG_OTHER_LEVEL = 6
WEBP_MAX_SIDE = 16383  # the WebP format's limit on either side
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


def png_level(n_pixels: int, n_entries: int) -> int:
    """The zlib level of an indexed PNG (see the settings above).

    Examples
    --------
    >>> png_level(1_000_000, 256), png_level(12_000_000, 16), png_level(12_000_000, 17)
    (9, 8, 7)
    """
    if n_pixels <= PNG_SMALL[1]:
        return PNG_SMALL[0]
    return PNG_LEVEL_FEW[0] if n_entries <= PNG_LEVEL_FEW[1] else PNG_LEVEL_MANY


def _alphas(im: Image.Image, n_entries: int) -> np.ndarray | None:
    """The alpha of each palette entry of a "P" image, or None when all are opaque."""
    transparency = im.info.get("transparency")
    if transparency is None:
        return None
    alphas = np.full(n_entries, 255, dtype=np.uint8)
    if isinstance(transparency, bytes):
        given = np.frombuffer(transparency, dtype=np.uint8)[:n_entries]
        alphas[:given.size] = given
    elif 0 <= transparency < n_entries:
        alphas[transparency] = 0
    return alphas


def _check_webp(im: Image.Image, name: str = "WebP output") -> None:
    if max(im.size) > WEBP_MAX_SIDE:
        msg = (f"{name}: a {im.width}×{im.height} image cannot be saved as WebP (at most "
               f"{WEBP_MAX_SIDE} pixels a side); save it as .png")
        raise InvalidParameterError(msg)


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
    if fmt == "PNG" and im.mode == "P":
        palette = np.frombuffer(bytes(im.getpalette() or ()), dtype=np.uint8).reshape(-1, 3)
        index = np.asarray(im)
        entries = max(len(palette), int(index.max()) + 1 if index.size else 1)
        palette = np.vstack([palette, np.zeros((entries - len(palette), 3), np.uint8)])
        return indexed_png(index, palette, _alphas(im, entries),
                           level=png_level(im.width * im.height, entries))
    options: dict[str, Any] = {}
    if "transparency" in im.info:
        options["transparency"] = im.info["transparency"]
    if fmt == "WEBP":
        _check_webp(im)
        options.update(WEBP_OPTIONS)
    elif fmt == "PNG":
        options["compress_level"] = PNG_OTHER_LEVEL
    return _saved(im, fmt, options)


def save_indexed(im: Image.Image, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``im`` to ``path`` (.png, .gif or .webp), atomically."""
    fmt = indexed_format(path)
    if fmt == "WEBP":
        _check_webp(im, str(path))
    data = encode(im, fmt)
    return write_atomically(path, lambda tmp: tmp.write_bytes(data), overwrite=overwrite)


def write_png(im: Image.Image, path: Path) -> None:
    """Write ``im`` as PNG to a path inside a folder being written atomically."""
    path.write_bytes(encode(im, "PNG"))
