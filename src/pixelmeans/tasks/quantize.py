"""The quantize job: redraw an image with only k colours, and save it as a small indexed file.

Every pixel maps to its nearest palette colour through a lookup table over the image's
distinct colours: the nearest colour is computed once per distinct colour, never per pixel.
Dithering (Floyd–Steinberg) uses Pillow's C implementation against the K-means palette, and
keeps its result only where the nearest colours are wrong on average over a few pixels
(image/dithering.py); elsewhere each pixel keeps its nearest colour, which saves the bytes of
dither noise that would not show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import InvalidParameterError
from ..image.dithering import dither_mask
from ..image.histogram import ColorHistogram, histogram_and_index, pack_rgb
from ..image.indexed import encode, expand, indexed_image, save_indexed
from ..image.load import RGBImage, as_image
from ..image.nearest import nearest_colors
from ..image.ranking import heaviest_first
from ..params import Boolean, validated
from .palette import (
    DEFAULT_COLOR_SPACE,
    PALETTE_CONSTRAINTS,
    Palette,
    as_palette,
    fit_with_nearest,
)


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
        return indexed_image(self.labels, self.palette.colors, self.mask)

    def encode(self, fmt: str = "PNG") -> bytes:
        """The image encoded as PNG (indexed, smallest bit depth), GIF or lossless WebP."""
        return encode(self.to_pil(), fmt)

    def save(self, path, *, overwrite: bool = False) -> Path:
        """Write the image to ``path`` (.png, .gif or .webp), atomically."""
        return save_indexed(self.to_pil(), path, overwrite=overwrite)

    # In notebooks (render/notebook.py draws them).
    def _repr_html_(self) -> str:
        from ..render import notebook

        return notebook.quantized_html(self.to_pil(), self.palette.hex, self.palette.weights,
                                       self.source)

    def _repr_png_(self) -> bytes:
        from ..render import notebook

        return notebook.png_bytes(self.to_pil())


def _dithered(img: RGBImage, palette: Palette) -> np.ndarray:
    """Floyd–Steinberg labels from Pillow, against exactly the palette's (at most 256)
    colours."""
    k = len(palette)
    # Pillow maps to a 256-entry palette: repeat ours cyclically so every entry is one of
    # our colours, then fold the indices back.
    cyclic = palette.colors[np.arange(256) % k]
    reference = Image.new("P", (1, 1))
    reference.putpalette(cyclic.tobytes(), rawmode="RGB")
    out = Image.fromarray(img.pixels).quantize(palette=reference,
                                               dither=Image.Dither.FLOYDSTEINBERG)
    return (np.asarray(out).astype(np.uint16) % k).astype(np.uint8)  # k may be 256


def _selectively_dithered(img: RGBImage, palette: Palette, colors: PixelColors,
                          nearest: np.ndarray) -> np.ndarray:
    """Flat labels: Floyd–Steinberg's where :func:`dither_mask` says dithering pays, the
    nearest colour's (``nearest``: each histogram colour's label) elsewhere."""
    if len(palette) > 256:
        msg = f"dithering supports at most 256 colours; got {len(palette)}"
        raise InvalidParameterError(msg)
    hist = colors.hist
    error = hist.colors.astype(np.float32) - palette.colors[nearest]
    where = dither_mask(error, hist.counts, colors.index, img.shape).ravel()
    plain = nearest.astype(np.uint8)[colors.index]
    if not where.any():
        return plain
    return np.where(where, _dithered(img, palette).ravel(), plain)


def _ranked(palette: Palette, labels_of, counts_of):
    """The palette with this image's shares, heaviest first, and the label remapping."""
    shares = np.bincount(labels_of, weights=counts_of, minlength=len(palette))
    order, remap = heaviest_first(shares)
    total = shares.sum()
    weights = shares[order] / total if total > 0 else np.full(len(palette), 1 / len(palette))
    return Palette(palette.colors[order], weights, palette.source, palette.color_space), remap


@dataclass(frozen=True)
class PixelColors:
    """What every redraw of an image starts from, computed once for several k.

    Attributes
    ----------
    hist : ColorHistogram
        The distinct colours of the counted pixels and their counts.
    index : ndarray of shape (H·W,), int32
        Each pixel's row in ``hist`` (0 for an uncounted pixel of a colour no counted pixel
        has).
    """

    hist: ColorHistogram
    index: np.ndarray


def pixel_colors(img: RGBImage) -> PixelColors:
    """The image's :class:`PixelColors`."""
    counted = None if img.mask is None else img.mask.ravel()
    return PixelColors(*histogram_and_index(pack_rgb(img.pixels), counted))


@dataclass(frozen=True)
class Redrawn:
    """A :class:`Quantized` image and, undithered, each histogram colour's label."""

    quantized: Quantized
    labels_of_colors: np.ndarray | None


def redraw_with_colors(img: RGBImage, n_colors: int, *, color_space: str, dither: bool,
                       palette: Palette | None, random_state, colors: PixelColors
                       ) -> Redrawn:
    """:func:`quantize` on a loaded image, checked parameters and the image's
    :func:`pixel_colors`."""
    hist = colors.hist
    nearest = None
    if palette is None:
        palette, nearest = fit_with_nearest(hist, n_colors, color_space, random_state,
                                            img.source)
    palette = Palette(palette.colors, palette.weights, img.source, color_space)
    if nearest is None:
        nearest = nearest_colors(hist.colors, palette.colors, color_space)
    if dither:
        labels = _selectively_dithered(img, palette, colors, nearest)
        palette, remap = _ranked(palette, img.counted(labels), None)
        labels, by_color = remap[labels], None
    else:
        palette, remap = _ranked(palette, nearest, hist.counts)
        dtype = np.uint8 if len(palette) <= 256 else np.uint16
        by_color = remap[nearest].astype(dtype)
        labels = by_color[colors.index]
    dtype = np.uint8 if len(palette) <= 256 else np.uint16
    q = Quantized(palette, labels.astype(dtype, copy=False).reshape(img.shape), img.mask,
                  img.source)
    return Redrawn(q, by_color)


def redraw(img: RGBImage, n_colors: int, *, color_space: str, dither: bool,
           palette: Palette | None, random_state, colors: PixelColors | None = None
           ) -> Quantized:
    """:func:`quantize` on a loaded image and checked parameters; ``colors`` are the
    image's :func:`pixel_colors` when already known."""
    return redraw_with_colors(img, n_colors, color_space=color_space, dither=dither,
                              palette=palette, random_state=random_state,
                              colors=pixel_colors(img) if colors is None else colors
                              ).quantized


@validated({**PALETTE_CONSTRAINTS, "dither": [Boolean()]})
def quantize(
    image,
    n_colors: int = 16,
    *,
    color_space: str = DEFAULT_COLOR_SPACE,
    dither: bool = False,
    palette=None,
    random_state=0,
) -> Quantized:
    """Redraw an image with ``n_colors`` colours (or the colours of a given palette).

    Parameters
    ----------
    image : path, URL, bytes, file object, PIL image, array or RGBImage
    n_colors : int, default 16
        Colours to find with K-means, 1 to 4096 (ignored when ``palette`` is given).
    color_space : {"rgb", "lab", "oklab"}, default "rgb"
        Space for clustering and for "nearest colour".
    dither : bool, default False
        Floyd–Steinberg error diffusion (Pillow's C implementation) against exactly the
        palette's colours, kept where the nearest colours are wrong on average over about ten
        pixels (smooth gradients that would band); textured, noisy or edge areas and areas
        close to a palette colour keep their nearest colours, where dither noise would cost
        bytes without showing. At most 256 colours.
    palette : Palette, hex codes, array of RGB triples or palette file, optional
        Reuse these colours (one look across a series of photos, a saved ``.gpl``/``.json``/
        ``.ase`` palette, ``["#000000", "#ffffff"]``) instead of fitting.
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
    given = None if palette is None else as_palette(palette)
    return redraw(as_image(image), n_colors, color_space=color_space, dither=dither,
                  palette=given, random_state=random_state)
