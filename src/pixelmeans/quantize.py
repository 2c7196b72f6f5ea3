"""The quantize job: redraw an image with only k colours, and save it as a small indexed file.

Every pixel maps to its nearest palette colour through a lookup table over the image's
distinct colours: the nearest colour is computed once per distinct colour, never per pixel.
Dithering (Floyd–Steinberg) uses Pillow's C implementation against the K-means palette.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .cluster.kernels import assign, row_norms_sq
from .color import from_srgb
from .errors import InvalidParameterError
from .histogram import N_CODES, ColorHistogram, histogram_of_codes, pack_rgb
from .io import RGBImage, as_image, write_atomically
from .palette import DEFAULT_COLOR_SPACE, Palette, _check, palette_from_histogram

SAVE_FORMATS = {".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}


@dataclass(frozen=True)
class Quantized:
    """An image redrawn with the colours of a palette.

    Attributes
    ----------
    palette : Palette
        The colours, heaviest first, with their shares of this image.
    labels : ndarray of shape (H, W)
        Index into ``palette.colors`` of each pixel (uint8 when k ≤ 256, else uint16).
    mask : ndarray of shape (H, W), bool, or None
        Pixels that count (opaque); the others stay transparent in saved files.
    source : str
        Where the image came from.

    Examples
    --------
    >>> q = quantize(np.array([[[250, 0, 0], [0, 0, 250]]], dtype=np.uint8), 2)
    >>> q.labels.tolist(), q.palette.hex  # equal shares: ordered by colour
    ([[1, 0]], ['#0000fa', '#fa0000'])
    """

    palette: Palette
    labels: np.ndarray
    mask: np.ndarray | None = None
    source: str = "<array>"

    @property
    def image(self) -> np.ndarray:
        """The redrawn ``H×W×3`` uint8 image."""
        return expand(self.labels, self.palette.colors)

    def to_pil(self) -> Image.Image:
        """A PIL image: mode "P" (with a transparent entry when masked) for up to 256 colours,
        else "RGB"/"RGBA"."""
        k = len(self.palette)
        transparent = self.mask is not None and not self.mask.all()
        if k + transparent > 256:
            rgb = self.image
            if not transparent:
                return Image.fromarray(rgb)
            alpha = np.where(self.mask, 255, 0).astype(np.uint8)[:, :, None]
            return Image.fromarray(np.concatenate([rgb, alpha], axis=2))
        index = self.labels.astype(np.uint8)
        colors = self.palette.colors
        if transparent:
            index = np.where(self.mask, index, np.uint8(k))
            colors = np.vstack([colors, [[0, 0, 0]]]).astype(np.uint8)
        im = Image.fromarray(index, mode="P")
        im.putpalette(colors.tobytes(), rawmode="RGB")
        if transparent:
            im.info["transparency"] = k
        return im

    def encode(self, fmt: str = "PNG") -> bytes:
        """The image encoded as PNG (indexed, smallest bit depth, maximum zlib effort), GIF or
        lossless WebP."""
        im = self.to_pil()
        buf = io.BytesIO()
        options: dict = {}
        if fmt == "PNG":
            options = {"optimize": True, "compress_level": 9}
            if im.mode == "P":
                options["bits"] = _bit_depth(len(im.getpalette()) // 3)
        elif fmt == "WEBP":
            options = {"lossless": True, "quality": 100, "method": 6}
        elif fmt == "GIF":
            options = {"optimize": True}
        if "transparency" in im.info:
            options["transparency"] = im.info["transparency"]
        im.save(buf, format=fmt, **options)
        return buf.getvalue()

    def save(self, path, *, overwrite: bool = False) -> Path:
        """Write the image to ``path`` (.png, .gif or .webp), atomically."""
        fmt = save_format(path)
        data = self.encode(fmt)
        return write_atomically(path, lambda tmp: tmp.write_bytes(data), overwrite=overwrite)


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


def save_format(path) -> str:
    """The Pillow format for an output path, or a clear error."""
    fmt = SAVE_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        msg = (f"{path}: quantized images are saved as "
               f"{', '.join(sorted(SAVE_FORMATS))} (indexed colours)")
        raise InvalidParameterError(msg)
    return fmt


def _bit_depth(n_entries: int) -> int:
    """Smallest PNG palette bit depth (1, 2, 4 or 8) that holds ``n_entries`` colours."""
    return next(bits for bits in (1, 2, 4, 8) if n_entries <= 1 << bits)


CELL_BITS = 5  # RGB cells of 8×8×8 levels for the exact nearest-colour pruning


def nearest_colors(colors: np.ndarray, palette: np.ndarray, color_space: str) -> np.ndarray:
    """Index of the nearest palette colour (in ``color_space``) for each ``uint8`` colour.

    In RGB, colours whose whole 8×8×8 cell has one possible nearest palette colour are
    settled at once (see :func:`_settled_cells`); the others, and every colour in the other
    spaces, are compared with every palette colour.
    """
    X = np.ascontiguousarray(from_srgb(colors / 255.0, color_space), dtype=np.float64)
    C = np.ascontiguousarray(from_srgb(palette / 255.0, color_space), dtype=np.float64)
    if color_space != "rgb" or len(palette) < 2:
        return assign(X, row_norms_sq(X), C).labels
    used, inverse = np.unique(_cell_ids(colors), return_inverse=True)
    labels = _settled_cells(used, palette)[inverse.ravel()].astype(np.int32)
    open_rows = np.flatnonzero(labels < 0)
    if open_rows.size:
        Xo = X[open_rows]
        labels[open_rows] = assign(Xo, row_norms_sq(Xo), C).labels
    return labels


def _cell_ids(colors: np.ndarray) -> np.ndarray:
    c = (colors >> (8 - CELL_BITS)).astype(np.int64)
    return (c[:, 0] << (2 * CELL_BITS)) | (c[:, 1] << CELL_BITS) | c[:, 2]


def _settled_cells(cells: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """For each RGB cell, the palette colour nearest to *every* colour in it, or -1.

    A palette colour can be nearest to some point of a cell only if its smallest distance
    to the cell is at most the smallest largest distance of any palette colour to the cell.
    When exactly one palette colour passes, it is strictly the nearest for the whole cell.
    """
    width = 1 << (8 - CELL_BITS)
    mask = (1 << CELL_BITS) - 1
    low = np.stack([(cells >> (2 * CELL_BITS)) & mask, (cells >> CELL_BITS) & mask,
                    cells & mask], axis=1)[:, None, :] * width
    high = low + (width - 1)
    p = palette.astype(np.int64)[None, :, :]
    gap = np.maximum(np.maximum(low - p, p - high), 0)
    nearest_sq = (gap * gap).sum(axis=2)
    far = np.maximum(np.abs(p - low), np.abs(p - high))
    possible = nearest_sq <= (far * far).sum(axis=2).min(axis=1, keepdims=True)
    return np.where(possible.sum(axis=1) == 1, possible.argmax(axis=1), -1)


def _dithered(img: RGBImage, palette: Palette) -> np.ndarray:
    """Floyd–Steinberg labels from Pillow, against exactly the palette's colours."""
    k = len(palette)
    if k > 256:
        msg = f"dithering supports at most 256 colours; got {k}"
        raise InvalidParameterError(msg)
    # Pillow maps to a 256-entry palette: repeat ours cyclically so every entry is one of
    # our colours, then fold the indices back.
    cyclic = palette.colors[np.arange(256) % k]
    reference = Image.new("P", (1, 1))
    reference.putpalette(cyclic.tobytes(), rawmode="RGB")
    out = Image.fromarray(img.pixels).quantize(palette=reference,
                                               dither=Image.Dither.FLOYDSTEINBERG)
    return (np.asarray(out) % k).astype(np.uint8)


def _reorder(palette: Palette, labels_of, counts_of, source, color_space):
    """A palette with this image's shares, heaviest first, and the label remapping."""
    shares = np.bincount(labels_of, weights=counts_of, minlength=len(palette))
    order = np.lexsort((np.arange(len(palette)), -shares))
    remap = np.empty(len(palette), dtype=np.intp)
    remap[order] = np.arange(len(palette))
    total = shares.sum()
    weights = shares[order] / total if total > 0 else np.full(len(palette), 1 / len(palette))
    return Palette(palette.colors[order], weights, source, color_space), remap


def quantize(
    image,
    n_colors: int = 16,
    *,
    color_space: str = DEFAULT_COLOR_SPACE,
    dither: bool = False,
    palette: Palette | None = None,
    random_state=0,
) -> Quantized:
    """Redraw an image with ``n_colors`` colours (or the colours of a given palette).

    Parameters
    ----------
    image : path, URL, bytes, file object, PIL image, array or RGBImage
    n_colors : int, default 16
        Colours to find with K-means (ignored when ``palette`` is given).
    color_space : {"rgb", "lab", "oklab"}, default "rgb"
        Space for clustering and for "nearest colour".
    dither : bool, default False
        Floyd–Steinberg error diffusion (Pillow's C implementation) against the palette.
    palette : Palette, optional
        Reuse these colours (one look across a series of photos) instead of fitting.
    random_state : int, RandomState or None, default 0

    Returns
    -------
    Quantized

    Examples
    --------
    >>> img = np.zeros((4, 4, 3), dtype=np.uint8)
    >>> img[:, 2:] = 200
    >>> q = quantize(img, 2)
    >>> q.image[0].tolist()
    [[0, 0, 0], [0, 0, 0], [200, 200, 200], [200, 200, 200]]
    """
    _check(n_colors, color_space)
    if palette is not None and not isinstance(palette, Palette):
        msg = f"palette must be a pixelmeans Palette; got {type(palette).__name__}"
        raise InvalidParameterError(msg)
    img = as_image(image)
    codes = pack_rgb(img.pixels)
    hist = histogram_of_codes(img.counted(codes))
    if palette is None:
        palette = palette_from_histogram(hist, n_colors, color_space=color_space,
                                         random_state=random_state, source=img.source)
    if dither:
        labels = _dithered(img, palette).ravel()
        palette, remap = _reorder(palette, img.counted(labels), None, img.source, color_space)
    else:
        nearest = nearest_colors(hist.colors, palette.colors, color_space)
        palette, remap = _reorder(palette, nearest, hist.counts, img.source, color_space)
        labels = _lookup(hist, remap[nearest], codes)
    dtype = np.uint8 if len(palette) <= 256 else np.uint16
    labels = remap[labels] if dither else labels
    return Quantized(palette, labels.astype(dtype).reshape(img.shape), img.mask, img.source)


def _lookup(hist: ColorHistogram, labels_of_colors: np.ndarray, codes: np.ndarray):
    """Per-pixel labels through a table indexed by packed colour (one gather per pixel)."""
    table = np.zeros(N_CODES, dtype=np.uint8 if labels_of_colors.max() < 256 else np.uint16)
    table[pack_rgb(hist.colors)] = labels_of_colors
    return table[codes]
