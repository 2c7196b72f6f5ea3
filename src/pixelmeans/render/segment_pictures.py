"""Pictures of a segmentation: tinted or outlined overlays, a legend and a contact sheet.

Everything takes plain values (a label map, the photo's pixels, each segment's colour and
share), so :class:`pixelmeans.Segmentation` and notebooks present themselves through it:

- :func:`tint_overlay` blends each segment with a distinct colour (the default overlay: it
  stays readable however many small regions a segment has);
- :func:`outline_overlay` draws the boundaries between regions, only of regions of at least
  ``min_area`` pixels, so speckle does not turn the picture into noise;
- :func:`segment_overlay` is the picture to look at: the overlay at a viewing size with a
  legend under it (tint, segment number, colour, share);
- :func:`contact_sheet` adds each segment's cut-out, captioned, on a grey that shows
  transparency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

from ..errors import InvalidParameterError
from ..image.colorspace import parse_hex, to_hex
from ..image.indexed import expand
from ..image.regions import connected_regions
from .labels import font as labels_font

# Distinct tints (Glasbey-style: high contrast, the colour-blind friendlier first).
TINTS = np.array([parse_hex(h) for h in (
    "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6",
    "#bcf60c", "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8", "#800000", "#aaffc3",
    "#808000", "#ffd8b1", "#000075", "#808080")], dtype=np.uint8)
OVERLAY_STYLES = ("tint", "outline")
VIEW_SIZE = 800  # longest side of the picture to look at, in pixels
BACKDROP = (235, 235, 235)  # behind transparent pixels in the pictures to look at
DARK_BACKDROP = (60, 60, 60)  # behind the cut-out of a light segment
TEXT = (20, 20, 20)
FONT_SIZE = 13
BAND_PIXELS = 1 << 18  # pixels tinted at a time
SHEET_TILES = 24  # cut-outs on a contact sheet at most (largest segments first)


def tint_colors(k: int) -> np.ndarray:
    """The tint of each of ``k`` segments (``k×3`` uint8; the 20 tints repeat beyond 20).

    Examples
    --------
    >>> to_hex(tint_colors(2))
    ['#e6194b', '#3cb44b']
    """
    return TINTS[np.arange(k) % len(TINTS)]


def tint_overlay(pixels: np.ndarray, labels: np.ndarray, *, alpha: float = 0.45) -> np.ndarray:
    """The photo with each segment blended with its tint (``alpha`` of the tint).

    Integer arithmetic (alpha in 256ths); pixels labelled -1 keep their colour.

    Examples
    --------
    >>> px = np.full((1, 2, 3), 100, np.uint8)
    >>> tint_overlay(px, np.array([[0, -1]]), alpha=1.0).tolist()
    [[[230, 25, 75], [100, 100, 100]]]
    """
    a = np.uint16(round(alpha * 256))
    out = np.empty_like(pixels)
    step = max(1, BAND_PIXELS // max(1, labels.shape[1]))
    for top in range(0, labels.shape[0], step):  # bands of rows: temporaries stay small
        rows = slice(top, top + step)
        band = labels[rows]
        mixed = pixels[rows].astype(np.uint16)
        mixed *= np.uint16(256) - a
        tints = expand(np.where(band >= 0, band % len(TINTS), 0), TINTS)
        mixed += tints.astype(np.uint16) * a  # uint16 before the product (NumPy 1.x too)
        mixed += np.uint16(128)
        mixed >>= 8
        out[rows] = mixed
        out[rows][band < 0] = pixels[rows][band < 0]
    return out


def boundaries(labels: np.ndarray, *, min_area: int = 0,
               region_ids: np.ndarray | None = None) -> np.ndarray:
    """Pixels on a boundary between two connected regions (4-neighbours with different
    labels), both of at least ``min_area`` pixels; the pixel on each side is marked.

    ``region_ids`` (from :func:`pixelmeans.image.regions.connected_regions`) saves finding
    the regions again when ``min_area`` is set.

    Examples
    --------
    >>> boundaries(np.array([[0, 0, 1, 1]])).astype(int).tolist()
    [[0, 1, 1, 0]]
    >>> boundaries(np.array([[0, 0, 1, 0, 0]]), min_area=2).astype(int).tolist()
    [[0, 0, 0, 0, 0]]
    """
    big = None
    if min_area > 1:
        if region_ids is None:
            region_ids, _n = connected_regions(labels)
        area = np.bincount(region_ids.ravel())
        big = (area >= min_area)[region_ids]
    edges = np.zeros(labels.shape, dtype=bool)
    for axis in (0, 1):
        first = [slice(None)] * 2
        second = [slice(None)] * 2
        first[axis], second[axis] = slice(None, -1), slice(1, None)
        a, b = tuple(first), tuple(second)
        differ = labels[a] != labels[b]
        if big is not None:
            differ &= big[a] & big[b]
        edges[a] |= differ
        edges[b] |= differ
    return edges


def outline_overlay(pixels: np.ndarray, labels: np.ndarray, *, color: str = "#ffff00",
                    thickness: int = 1, min_area: int = 0,
                    region_ids: np.ndarray | None = None) -> np.ndarray:
    """The photo with region boundaries (see :func:`boundaries`) drawn in ``color``,
    ``thickness`` pixels wide.

    Examples
    --------
    >>> px = np.zeros((1, 4, 3), np.uint8)
    >>> outline_overlay(px, np.array([[0, 0, 1, 1]]), color="#ff0000")[0, :, 0].tolist()
    [0, 255, 255, 0]
    """
    edges = boundaries(labels, min_area=min_area, region_ids=region_ids)
    if thickness > 1:
        from scipy import ndimage

        edges = ndimage.binary_dilation(edges, iterations=thickness - 1)
    out = pixels.copy()  # the caller's photo is never drawn on
    out[edges] = parse_hex(color)
    return out


def _reduced(pixels: np.ndarray, labels: np.ndarray, mask: np.ndarray | None,
             longest: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Pixels (box-averaged), labels and mask (every ``f``-th) with the longest side at most
    ``longest``; unchanged when already small enough."""
    f = max(1, math.ceil(max(labels.shape) / longest))
    if f == 1:
        return pixels, labels, mask
    small = np.asarray(Image.fromarray(pixels).reduce(f))
    h, w = small.shape[:2]
    pick = (slice(f // 2, None, f), slice(f // 2, None, f))
    labels = labels[pick][:h, :w]
    mask = None if mask is None else mask[pick][:h, :w]
    return small[:labels.shape[0], :labels.shape[1]], labels, mask


def backdrop_for(color) -> tuple[int, int, int]:
    """A backdrop a segment of ``color`` stands out on: light grey, or dark grey behind a
    light colour (relative luminance over 2/3).

    Examples
    --------
    >>> backdrop_for((20, 40, 20)), backdrop_for((240, 240, 250))
    ((235, 235, 235), (60, 60, 60))
    """
    r, g, b = (int(v) for v in color)
    light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 170
    return DARK_BACKDROP if light else BACKDROP


def _on_backdrop(rgb: np.ndarray, opaque: np.ndarray | None,
                 backdrop: tuple[int, int, int] = BACKDROP) -> Image.Image:
    if opaque is None:
        return Image.fromarray(rgb)
    shown = np.where(opaque[..., None], rgb, np.array(backdrop, np.uint8))
    return Image.fromarray(shown.astype(np.uint8))


def _chip(draw: ImageDraw.ImageDraw, x: int, y: int, size: int, rgb) -> None:
    draw.rectangle([x, y, x + size - 1, y + size - 1], fill=tuple(int(v) for v in rgb),
                   outline=(90, 90, 90))


def legend(colors: np.ndarray, shares: np.ndarray, width: int, *,
           tints: np.ndarray | None = None) -> Image.Image:
    """Entries ``[tint] [colour] number  #hex  share`` in columns across ``width`` pixels.

    Examples
    --------
    >>> legend(np.array([[0, 0, 0], [255, 255, 255]]), np.array([0.75, 0.25]), 400).width
    400
    """
    font = labels_font(FONT_SIZE)
    chip = FONT_SIZE + 3
    chips = 1 if tints is None else 2
    texts = [f"{i}  {hx}  {s:.1%}" for i, (hx, s) in enumerate(zip(to_hex(colors), shares,
                                                                    strict=True))]
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    text_w = max(int(probe.textlength(t, font=font)) for t in texts)
    entry_w = chips * (chip + 4) + text_w + 18
    columns = max(1, width // entry_w)
    rows = math.ceil(len(texts) / columns)
    row_h = chip + 6
    picture = Image.new("RGB", (width, rows * row_h + 8), "white")
    draw = ImageDraw.Draw(picture)
    for i, text in enumerate(texts):
        x, y = 6 + (i // rows) * entry_w, 5 + (i % rows) * row_h
        if tints is not None:
            _chip(draw, x, y, chip, tints[i])
            x += chip + 4
        _chip(draw, x, y, chip, colors[i])
        draw.text((x + chip + 6, y + 1), text, fill=TEXT, font=font)
    return picture


def _check(style: str, alpha: float, thickness: int) -> None:
    if style not in OVERLAY_STYLES:
        msg = f"style={style!r} should be one of {OVERLAY_STYLES}"
        raise InvalidParameterError(msg)
    if not 0 <= alpha <= 1:
        msg = f"alpha={alpha!r} should be in [0, 1]"
        raise InvalidParameterError(msg)
    if thickness < 1:
        msg = f"thickness={thickness!r} should be >= 1"
        raise InvalidParameterError(msg)


def overlay_pixels(pixels: np.ndarray, labels: np.ndarray, *, style: str = "tint",
                   alpha: float = 0.45, color: str = "#ffff00", thickness: int = 1,
                   min_area: int = 0, region_ids: np.ndarray | None = None) -> np.ndarray:
    """The overlay of ``style`` (``"tint"`` or ``"outline"``) as an ``H×W×3`` array.

    Examples
    --------
    >>> px = np.zeros((1, 2, 3), np.uint8)
    >>> overlay_pixels(px, np.array([[0, 1]]), alpha=1.0).tolist()
    [[[230, 25, 75], [60, 180, 75]]]
    """
    _check(style, alpha, thickness)
    if style == "tint":
        return tint_overlay(pixels, labels, alpha=alpha)
    return outline_overlay(pixels, labels, color=color, thickness=thickness,
                           min_area=min_area, region_ids=region_ids)


def default_min_area(shape: Sequence[int]) -> int:
    """Smallest region outlined by default: 1/2000 of the image (at least 16 pixels).

    Examples
    --------
    >>> default_min_area((3000, 4000)), default_min_area((10, 10))
    (6000, 16)
    """
    return max(16, int(shape[0]) * int(shape[1]) // 2000)


def segment_overlay(labels: np.ndarray, pixels: np.ndarray, colors: np.ndarray,
                    shares: np.ndarray, *, mask: np.ndarray | None = None,
                    style: str = "tint", alpha: float = 0.45, color: str = "#ffff00",
                    min_area: int | None = None, max_size: int | None = VIEW_SIZE,
                    show_legend: bool = True) -> Image.Image:
    """The picture of a segmentation to look at: the overlay with a legend under it.

    Parameters
    ----------
    labels : ndarray of shape (H, W), int
        Segment of each pixel, ``0..k-1``; -1 for pixels that do not count.
    pixels : ndarray of shape (H, W, 3), uint8
        The photo.
    colors, shares : ndarray of shape (k, 3) and (k,)
        Each segment's colour (sRGB uint8) and share.
    mask : ndarray of shape (H, W), bool, optional
        Opaque pixels; the others show a light grey.
    style : {"tint", "outline"}, default "tint"
        Tint each segment with a distinct colour, or outline the regions.
    alpha : float, default 0.45
        Strength of the tint.
    color : str, default "#ffff00"
        Colour of the outlines.
    min_area : int, optional
        Outline only boundaries between regions of at least this many pixels (of the picture
        as drawn); default :func:`default_min_area`.
    max_size : int or None, default 800
        Longest side of the picture, in pixels (``None``: full size).
    show_legend : bool, default True
        Add the legend: tint (with ``"tint"``), segment colour, number, hex and share.

    Returns
    -------
    PIL.Image.Image
        RGB.

    Examples
    --------
    >>> labels = np.zeros((30, 40), int); labels[:, 20:] = 1
    >>> px = np.zeros((30, 40, 3), np.uint8)
    >>> im = segment_overlay(labels, px, np.array([[0, 0, 0], [9, 9, 9]]),
    ...                      np.array([0.5, 0.5]))
    >>> im.width, im.height > 30  # the legend is at least 320 pixels wide
    (320, True)
    """
    if max_size is not None:
        pixels, labels, mask = _reduced(pixels, labels, mask, max_size)
    area = default_min_area(labels.shape) if min_area is None else min_area
    drawn = overlay_pixels(pixels, labels, style=style, alpha=alpha, color=color,
                           min_area=area)
    picture = _on_backdrop(drawn, mask)
    if not show_legend:
        return picture
    colors = np.asarray(colors, dtype=np.uint8)
    tints = tint_colors(len(colors)) if style == "tint" else None
    key = legend(colors, np.asarray(shares), max(picture.width, 320), tints=tints)
    sheet = Image.new("RGB", (key.width, picture.height + key.height), "white")
    sheet.paste(picture, (0, 0))
    sheet.paste(key, (0, picture.height))
    return sheet


def contact_sheet(labels: np.ndarray, pixels: np.ndarray, colors: np.ndarray,
                  shares: np.ndarray, *, mask: np.ndarray | None = None,
                  style: str = "tint", tile: int = 320, columns: int = 4,
                  max_tiles: int = SHEET_TILES) -> Image.Image:
    """The overlay and each segment's cut-out side by side, captioned (tint, number, hex,
    share), ``tile`` pixels on the longest side each, ``columns`` a row. A cut-out stands on
    light grey, or on dark grey when its segment's colour is light (:func:`backdrop_for`).

    Segments beyond ``max_tiles`` are named in a last caption, not drawn.

    Examples
    --------
    >>> labels = np.zeros((30, 40), int); labels[:, 20:] = 1
    >>> px = np.zeros((30, 40, 3), np.uint8)
    >>> contact_sheet(labels, px, np.array([[0, 0, 0], [9, 9, 9]]), np.array([0.5, 0.5]),
    ...               tile=40).size
    (132, 53)
    """
    pixels, labels, mask = _reduced(pixels, labels, mask, tile)
    colors = np.asarray(colors, dtype=np.uint8)
    k = len(colors)
    tints = tint_colors(k)
    drawn = overlay_pixels(pixels, labels, style=style,
                           min_area=default_min_area(labels.shape))
    tiles = [_on_backdrop(drawn, mask)]
    captions: list[tuple[str, object]] = [(f"{style} overlay, {k} segments", None)]
    shown = min(k, max_tiles)
    for i in range(shown):
        tiles.append(_on_backdrop(pixels, labels == i, backdrop_for(colors[i])))
        captions.append((f"{i}  {to_hex(colors[i:i + 1])[0]}  {shares[i]:.1%}",
                         tints[i] if style == "tint" else colors[i]))
    if shown < k:
        captions[-1] = (captions[-1][0] + f"  (+{k - shown} more)", captions[-1][1])
    return _grid(tiles, captions, columns)


def _grid(tiles: list[Image.Image], captions: list[tuple[str, object]],
          columns: int) -> Image.Image:
    font = labels_font(FONT_SIZE)
    gap, strip, chip = 6, FONT_SIZE + 10, FONT_SIZE + 1
    w, h = tiles[0].size
    columns = min(columns, len(tiles))
    rows = math.ceil(len(tiles) / columns)
    sheet = Image.new("RGB", (columns * (w + gap) - gap, rows * (h + strip)), "white")
    draw = ImageDraw.Draw(sheet)
    for n, (picture, (text, rgb)) in enumerate(zip(tiles, captions, strict=True)):
        x, y = (n % columns) * (w + gap), (n // columns) * (h + strip)
        sheet.paste(picture, (x, y))
        if rgb is not None:
            _chip(draw, x + 2, y + h + 4, chip, rgb)
            x += chip + 4
        draw.text((x + 3, y + h + 5), text, fill=TEXT, font=font)
    return sheet
