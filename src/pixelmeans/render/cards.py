"""Palette pictures people share: a palette card, a roles card, a contrast grid, a
colour-vision preview. Text on a colour is always in a colour that reads on it (WCAG).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..errors import InvalidParameterError
from ..image.colorspace import to_hex
from ..image.wcag import AA_LARGE, AA_NORMAL, AAA_NORMAL, contrast_ratio, readable_text
from .labels import font

PAPER = (255, 255, 255)
INK = (24, 24, 24)
FAINT = (110, 110, 110)
MARGIN = 16
GAP = 8
# Tiles a row on a palette card, by the number of colours: (at most this many, columns).
CARD_COLUMNS = ((8, 4), (24, 6), (96, 10), (10**9, 16))
MIN_WIDTH, MAX_WIDTH = 300, 4000  # of a card or a preview, in pixels
MAX_CARD_COLORS = 512  # a 720-px card's share strip has room for 688
MAX_GRID_COLORS = 64  # a contrast grid of 64 colours is already 5,500 px square
PREVIEW_MAX_IMAGE_HEIGHT = 480  # the image in a colour-vision preview, at most
FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


def short_name(source: str) -> str:
    """A source as a card shows it: the file name of a path, the rest as it is.

    Examples
    --------
    >>> short_name("/photos/2024/cat.jpg"), short_name("<array>")
    ('cat.jpg', '<array>')
    """
    return source.rstrip("/").rsplit("/", 1)[-1] if "/" in source and "://" not in source \
        else source


def _check_size(name: str, value: int, low: int, high: int) -> None:
    """A picture's size parameter within what it can be drawn at (0 or a million pixels
    wide is a bad value, not a crash or a gigabyte picture)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or \
            not low <= value <= high:
        msg = f"{name} should be a whole number of pixels from {low} to {high}; got {value!r}"
        raise InvalidParameterError(msg)


def _text(draw: ImageDraw.ImageDraw, xy, text: str, size: int, fill) -> None:
    draw.text(xy, text, font=font(size), fill=tuple(int(v) for v in fill))


def _ink_on(rgb) -> tuple[int, ...]:
    return tuple(int(v) for v in readable_text(rgb, AA_NORMAL)[0])


def share_strip(colors: np.ndarray, shares: np.ndarray, width: int, height: int) -> Image.Image:
    """The colours side by side as wide as their shares (at least one pixel each)."""
    from .pictures import swatch

    return swatch(colors, shares, width, height)


def palette_card(colors: np.ndarray, shares: np.ndarray, *, width: int = 720,
                 title: str = "", locked: np.ndarray | None = None) -> Image.Image:
    """A card of tiles, one per colour with its hex code and share, over a share strip.

    Examples
    --------
    >>> card = palette_card(np.array([[255, 0, 0], [0, 0, 0]], np.uint8), np.array([.7, .3]))
    >>> card.mode, card.size[0]
    ('RGB', 720)
    """
    _check_size("width", width, MIN_WIDTH, MAX_WIDTH)
    k = len(colors)
    if k > MAX_CARD_COLORS:
        msg = (f"a palette card shows at most {MAX_CARD_COLORS} colours (its share strip "
               f"gives each a pixel at least); this palette has {k}")
        raise InvalidParameterError(msg)
    columns = min(k, next(c for limit, c in CARD_COLUMNS if k <= limit))
    rows = math.ceil(k / columns)
    tile_w = (width - 2 * MARGIN - (columns - 1) * GAP) // columns
    tile_h = max(40, tile_w * 2 // 3)
    big, small = (20, 16) if columns <= 6 else (12, 10)
    top = MARGIN + (24 if title else 0)
    strip = 28
    height = top + rows * (tile_h + GAP) + strip + MARGIN
    card = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(card)
    if title:
        _text(draw, (MARGIN, MARGIN - 2), f"{short_name(title)} · {k} colours", 16, INK)
    for i, (rgb, share) in enumerate(zip(np.asarray(colors), shares, strict=True)):
        x = MARGIN + (i % columns) * (tile_w + GAP)
        y = top + (i // columns) * (tile_h + GAP)
        draw.rectangle((x, y, x + tile_w - 1, y + tile_h - 1), fill=tuple(int(v) for v in rgb))
        ink = _ink_on(rgb)
        pad = 10 if columns <= 6 else 4
        _text(draw, (x + pad, y + pad), to_hex([rgb])[0], big, ink)
        mark = "  locked" if locked is not None and locked[i] else ""
        _text(draw, (x + pad, y + tile_h - small - 2 * pad), f"{share:.1%}{mark}", small, ink)
    y = top + rows * (tile_h + GAP)
    card.paste(share_strip(colors, shares, width - 2 * MARGIN, strip), (MARGIN, y))
    return card


def roles_card(names: Sequence[str], colors: np.ndarray, titles: np.ndarray,
               bodies: np.ndarray, notes: Sequence[str], *, width: int = 840,
               heading: str = "") -> Image.Image:
    """One tile per role: its name, hex code and a note (e.g. "synthesised") in the role's
    title text colour, and a line of body text in its body text colour.

    Examples
    --------
    >>> white, black = np.array([[255, 255, 255]]), np.array([[0, 0, 0]])
    >>> roles_card(["Vibrant"], black, white, white, [""], width=300).size
    (300, 164)
    """
    _check_size("width", width, MIN_WIDTH, MAX_WIDTH)
    k = len(names)
    columns = min(k, 4)
    rows = math.ceil(k / columns)
    tile_w = (width - 2 * MARGIN - (columns - 1) * GAP) // columns
    tile_h = 132
    top = MARGIN + (24 if heading else 0)
    card = Image.new("RGB", (width, top + rows * (tile_h + GAP) + MARGIN - GAP), PAPER)
    draw = ImageDraw.Draw(card)
    if heading:
        _text(draw, (MARGIN, MARGIN - 2), heading, 16, INK)
    for i in range(k):
        x = MARGIN + (i % columns) * (tile_w + GAP)
        y = top + (i // columns) * (tile_h + GAP)
        rgb = np.asarray(colors[i])
        draw.rectangle((x, y, x + tile_w - 1, y + tile_h - 1), fill=tuple(int(v) for v in rgb))
        _text(draw, (x + 10, y + 10), names[i], 20, titles[i])
        _text(draw, (x + 10, y + 38), to_hex([rgb])[0], 16, titles[i])
        _text(draw, (x + 10, y + 64), "Body text reads here.", 14, bodies[i])
        if notes[i]:
            _text(draw, (x + 10, y + tile_h - 26), notes[i], 13, bodies[i])
    return card


def contrast_grid(colors: np.ndarray, *, cell: int = 84) -> Image.Image:
    """Every pair of colours: text in the row's colour on the column's colour, with the
    WCAG ratio and the best level it reaches (AAA, AA, AA large, or fail).

    Examples
    --------
    >>> contrast_grid(np.array([[0, 0, 0], [255, 255, 255]], np.uint8), cell=40).size
    (160, 160)
    """
    _check_size("cell", cell, 40, 400)
    k = len(colors)
    if k > MAX_GRID_COLORS:
        msg = (f"a contrast grid shows at most {MAX_GRID_COLORS} colours "
               f"({MAX_GRID_COLORS ** 2:,} cells); this palette has {k}")
        raise InvalidParameterError(msg)
    head = cell // 2 + 28  # room for a hex code beside each row
    size = head + k * cell + 2 * MARGIN
    grid = Image.new("RGB", (size, size), PAPER)
    draw = ImageDraw.Draw(grid)
    x0 = y0 = MARGIN + head
    big, small = max(10, cell // 5), max(9, cell // 7)
    for i, rgb in enumerate(np.asarray(colors)):
        fill, ink, code = tuple(int(v) for v in rgb), _ink_on(rgb), to_hex([rgb])[0]
        draw.rectangle((x0 + i * cell + 6, MARGIN, x0 + (i + 1) * cell - 7, y0 - 8), fill=fill)
        _text(draw, (x0 + i * cell + 10, MARGIN + 4), code, small, ink)
        draw.rectangle((MARGIN, y0 + i * cell + 6, x0 - 8, y0 + (i + 1) * cell - 7), fill=fill)
        _text(draw, (MARGIN + 4, y0 + i * cell + 10), code, small, ink)
    for row, fg in enumerate(np.asarray(colors)):
        for col, bg in enumerate(np.asarray(colors)):
            x, y = x0 + col * cell, y0 + row * cell
            draw.rectangle((x, y, x + cell - 2, y + cell - 2), fill=tuple(int(v) for v in bg))
            if row == col:
                continue
            ratio = float(contrast_ratio(fg, bg))
            _text(draw, (x + 6, y + 6), f"{ratio:.1f}", big, fg)
            _text(draw, (x + 6, y + cell - small - 10), wcag_level(ratio), small, fg)
    return grid


def _fit(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    """``width`` × ``height`` scaled to fit ``box_w`` × ``box_h`` (at least 1 × 1): a
    20000 × 1 strip stays a strip, not a 0-pixel or a million-pixel-tall picture.

    Examples
    --------
    >>> _fit(20000, 1, 300, 400), _fit(1, 20000, 300, 400), _fit(40, 30, 300, 400)
    ((300, 1), (1, 400), (300, 225))
    """
    scale = min(box_w / width, box_h / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def wcag_level(ratio: float) -> str:
    """The best WCAG 2.x level a contrast ratio reaches for text.

    Examples
    --------
    >>> wcag_level(21.0), wcag_level(4.6), wcag_level(3.2), wcag_level(2.0)
    ('AAA', 'AA', 'AA large', 'fail')
    """
    if ratio >= AAA_NORMAL:
        return "AAA"
    if ratio >= AA_NORMAL:
        return "AA"
    if ratio >= AA_LARGE:
        return "AA large"
    return "fail"


def vision_preview(rows: Sequence[tuple[str, np.ndarray, np.ndarray | None]], *,
                   width: int = 840, notes: Sequence[str] = ()) -> Image.Image:
    """One row per way of seeing: a label, the palette's colours as seen, and the image
    as seen (``None`` to leave it out). ``notes`` are printed under the rows.

    Examples
    --------
    >>> rows = [("normal", np.array([[255, 0, 0], [0, 255, 0]]), np.zeros((10, 20, 3), np.uint8))]
    >>> vision_preview(rows, width=400).size
    (400, 98)
    """
    _check_size("width", width, MIN_WIDTH, MAX_WIDTH)
    label_w = 130
    image_w = image_h = 0
    images = [img for _, _, img in rows if img is not None]
    has_images = bool(images)
    strip_w = (width - 2 * MARGIN - label_w - (GAP if has_images else 0))
    if has_images:
        strip_w //= 2
        image_w, image_h = _fit(images[0].shape[1], images[0].shape[0], strip_w,
                                PREVIEW_MAX_IMAGE_HEIGHT)
    row_h = max(image_h, 48) + GAP
    height = 2 * MARGIN + len(rows) * row_h + 20 * len(notes)
    out = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(out)
    for r, (label, colors, image) in enumerate(rows):
        y = MARGIN + r * row_h
        _text(draw, (MARGIN, y + 4), label, 16, INK)
        k = len(colors)
        edges = np.linspace(0, strip_w, k + 1).round().astype(int)
        x0 = MARGIN + label_w
        for i, rgb in enumerate(np.asarray(colors)):
            draw.rectangle((x0 + edges[i], y, x0 + edges[i + 1] - 1, y + row_h - GAP - 1),
                           fill=tuple(int(v) for v in rgb))
        if image is not None:
            picture = Image.fromarray(image).resize((image_w, image_h),
                                                    Image.Resampling.LANCZOS)
            out.paste(picture, (x0 + strip_w + GAP, y))
    for n, note in enumerate(notes):
        _text(draw, (MARGIN, MARGIN + len(rows) * row_h + 20 * n), note, 14, FAINT)
    return out
