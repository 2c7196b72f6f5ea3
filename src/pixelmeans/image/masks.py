"""Masks and cut-outs of a label map, and their PNG files.

A *mask* is the ``H×W`` set of pixels of one label, written as a 1-bit greyscale PNG. A
*cut-out* is the photo inside the bounding box of one label, RGBA, opaque only on that label;
its PNG carries its place in the photo as an ``oFFs`` chunk (offsets in pixels, which image
editors such as GIMP read as the layer's position).

The PNG writer here is a small one on purpose. Pillow filters 8-bit rows adaptively (it tries
all five PNG filters on every row), which took 0.65-1.7 s for one 12 MP cut-out. A cut-out is
mostly transparent zeros between runs of photo; one fixed filter ("Up": each byte minus the
byte above) and zlib's run-length strategy give files 10-15% smaller than Pillow's level 1 in
a quarter of the time (0.18-0.27 s for a 12 MP cut-out against Pillow's 0.65-1.7 s; measured
on the photo of ``benchmarks/bench_segment_cli.py``). zlib releases the GIL, so several files
can be encoded at once in threads. With the ``fast`` extra (``isal``, Intel's ISA-L deflate),
the same streams take a quarter of zlib's time again (0.16 s against 0.71 s for the five cut-outs of
that photo, 3% smaller); without it, the standard library's zlib writes them.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

import numpy as np

from .pngfile import GREY, RGB, RGBA, png_chunk, png_file

NO_FILTER, UP_FILTER = 0, 2
BAND_BYTES = 1 << 20  # rows filtered and compressed together (they stay in cache)
ISAL_LEVEL = 1  # 0 is 8% faster and 15% larger; 2 and 3 are 1-3% smaller and slower
ZLIB_LEVEL = 1  # with the run-length strategy, levels 1-9 give the same bytes; 1 is fastest


def bounding_box(inside: np.ndarray) -> tuple[int, int, int, int]:
    """``(top, left, bottom, right)`` of the true pixels, bottom and right exclusive;
    ``(0, 0, 0, 0)`` when there are none.

    Examples
    --------
    >>> bounding_box(np.array([[0, 0, 0], [0, 1, 1]], bool))
    (1, 1, 2, 3)
    """
    rows = np.flatnonzero(inside.any(axis=1))
    if rows.size == 0:
        return (0, 0, 0, 0)
    cols = np.flatnonzero(inside[rows[0]:rows[-1] + 1].any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def rgba_words(pixels: np.ndarray) -> np.ndarray:
    """The pixels as opaque RGBA, one ``uint32`` word a pixel (``H×W``; the bytes in memory
    are R, G, B, 255), to cut out of with one pass a segment.

    Examples
    --------
    >>> rgba_words(np.full((1, 1, 3), 7, np.uint8)).view(np.uint8).tolist()
    [[7, 7, 7, 255]]
    """
    rgba = np.empty((*pixels.shape[:2], 4), dtype=np.uint8)
    rgba[..., :3] = pixels
    rgba[..., 3] = 255
    return rgba.view(np.uint32)[..., 0]


def cutout(words: np.ndarray, inside: np.ndarray,
           box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """The photo (as :func:`rgba_words`) opaque where ``inside`` and zero elsewhere, within
    ``box`` (``(top, left, bottom, right)``; default the whole image): ``h×w×4`` uint8.

    Examples
    --------
    >>> words = rgba_words(np.full((1, 3, 3), 7, np.uint8))
    >>> cutout(words, np.array([[True, False, True]]))[0].tolist()
    [[7, 7, 7, 255], [0, 0, 0, 0], [7, 7, 7, 255]]
    """
    top, left, bottom, right = box if box is not None else (0, 0, *inside.shape)
    keep = inside[top:bottom, left:right]
    cut = np.where(keep, words[top:bottom, left:right], np.uint32(0))
    return cut[..., None].view(np.uint8)


def cutout_png(words: np.ndarray, inside: np.ndarray,
               box: tuple[int, int, int, int]) -> bytes:
    """The PNG of ``cutout(words, inside, box)`` with its place as an ``oFFs`` chunk, made a
    band of rows at a time (the whole cut-out is never held in memory).

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> words = rgba_words(np.full((2, 3, 3), 7, np.uint8))
    >>> inside = np.array([[False, False, False], [False, True, True]])
    >>> with Image.open(io.BytesIO(cutout_png(words, inside, (1, 1, 2, 3)))) as im:
    ...     im.mode, im.size
    ('RGBA', (2, 1))
    """
    top, left, bottom, right = box
    step = max(1, BAND_BYTES // (4 * (right - left)))
    bands = (cutout(words, inside, (y, left, min(y + step, bottom), right)).reshape(
        min(step, bottom - y), -1) for y in range(top, bottom, step))
    return _png(right - left, bottom - top, 8, RGBA, _idat(bands, up=True), (left, top))


def _deflater():
    """A zlib-format compressor: ISA-L's level 1 when ``isal`` is installed, else zlib's
    run-length strategy."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib.compressobj(ZLIB_LEVEL, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    return isal_zlib.compressobj(ISAL_LEVEL)


def _idat(bands: Iterable[np.ndarray], *, up: bool) -> bytes:
    """zlib stream of scanlines given as bands of rows (``n×bytes`` uint8), each with its
    filter byte: "Up" (each byte minus the byte above, mod 256) or none."""
    packer = _deflater()
    parts = []
    above = None
    for rows in bands:
        out = np.empty((rows.shape[0], rows.shape[1] + 1), dtype=np.uint8)
        out[:, 0] = UP_FILTER if up else NO_FILTER
        if up:
            if above is None:
                out[0, 1:] = rows[0]
            else:
                np.subtract(rows[0], above, out=out[0, 1:])
            np.subtract(rows[1:], rows[:-1], out=out[1:, 1:])
            above = rows[-1]
        else:
            out[:, 1:] = rows
        parts.append(packer.compress(out.data))
    parts.append(packer.flush())
    return b"".join(parts)


def _png(width: int, height: int, depth: int, kind: int, idat: bytes,
         offset: tuple[int, int] | None) -> bytes:
    chunks = [] if offset is None else [png_chunk(b"oFFs", struct.pack(">iiB", *offset, 0))]
    return png_file(width, height, depth, kind, idat, chunks)


def png_bytes(array: np.ndarray, *, offset: tuple[int, int] | None = None) -> bytes:
    """A PNG of an ``H×W`` bool (1-bit greyscale), ``H×W×3`` or ``H×W×4`` uint8 array
    (RGB, RGBA), with an ``oFFs`` chunk when ``offset`` (``(left, top)``) is given.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> data = png_bytes(np.array([[True, False, True]]))
    >>> with Image.open(io.BytesIO(data)) as im:
    ...     im.mode, np.asarray(im).tolist()
    ('1', [[True, False, True]])
    """
    if array.dtype == bool:
        kind, depth, up = GREY, 1, False
        rows = np.packbits(array, axis=1)
    else:
        kind, depth, up = {3: RGB, 4: RGBA}[array.shape[2]], 8, True
        rows = array.reshape(array.shape[0], -1)
    step = max(1, BAND_BYTES // rows.shape[1])
    bands = (rows[y:y + step] for y in range(0, rows.shape[0], step))
    h, w = array.shape[:2]
    return _png(w, h, depth, kind, _idat(bands, up=up), offset)
