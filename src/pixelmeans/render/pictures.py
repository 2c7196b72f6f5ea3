"""Pictures of values: a palette's swatch, and a captioned grid of small images."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

from ..errors import InvalidParameterError
from .labels import font

CAPTION_SIZE = 14  # pixels, for tiles at least 60 pixels wide (3 less for smaller ones)
CAPTION_INK = 34  # dark grey


def shrunk_to_fit(picture: Image.Image, max_width: int | None,
         max_height: int | None) -> Image.Image:
    """``picture`` scaled down (never up) to fit the box, keeping its shape; ``None`` leaves
    that side free.

    Examples
    --------
    >>> shrunk_to_fit(Image.new("RGB", (400, 100)), 200, None).size
    (200, 50)
    """
    scale = min(1.0, (max_width or picture.width) / picture.width,
                (max_height or picture.height) / picture.height)
    if scale == 1.0:
        return picture
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS)


def swatch(colors: np.ndarray, shares: np.ndarray, width: int = 600,
           height: int = 100) -> Image.Image:
    """The colours side by side, each as wide as its share (at least one column each).

    Examples
    --------
    >>> im = swatch(np.array([[255, 0, 0], [0, 0, 255]], np.uint8), np.array([0.75, 0.25]),
    ...             8, 1)
    >>> np.asarray(im)[0, :, 2].tolist()
    [0, 0, 0, 0, 0, 0, 255, 255]
    """
    k = len(colors)
    if width < k or height < 1:
        msg = f"swatch of {width}×{height} is too small for {k} colours"
        raise InvalidParameterError(msg)
    edges = np.rint(np.cumsum(np.concatenate([[0.0], shares])) * width).astype(int)
    edges = np.maximum(edges, np.arange(k + 1))  # at least 1 px each
    edges = np.minimum(edges, width - (k - np.arange(k + 1)))
    edges[-1] = width
    row = np.asarray(colors, dtype=np.uint8)[np.repeat(np.arange(k), np.diff(edges))]
    return Image.fromarray(np.ascontiguousarray(np.broadcast_to(row, (height, width, 3))))


def image_grid(tiles: np.ndarray, captions: Sequence[str | None] | None = None, *,
               scale: int = 3, columns: int | None = None, gutter: int = 4) -> Image.Image:
    """Small images (``(k, h, w)`` grey or ``(k, h, w, 3)`` RGB, uint8) in a grid on white,
    each enlarged ``scale`` times, ``gutter`` pixels apart, with its caption centred
    underneath in dark text when a caption is given.

    The one style of every grid of centres and samples: the images as they are (MNIST
    digits white on black), captions large enough to read.

    Examples
    --------
    >>> grid = image_grid(np.zeros((5, 2, 2), np.uint8), ["a"] * 5, scale=10, gutter=0)
    >>> grid.size[0], grid.size[1] > 2 * 20  # 3 columns; 2 rows of 20 px plus captions
    (60, True)
    """
    k, h, w = tiles.shape[:3]
    columns = columns or math.ceil(math.sqrt(k))
    rows = math.ceil(k / columns)
    mode = "L" if tiles.ndim == 3 else "RGB"
    tile_w, tile_h = w * scale, h * scale
    size = CAPTION_SIZE if tile_w >= 60 else CAPTION_SIZE - 3
    caption = size + size // 2 + 2 if captions is not None else 0
    face = font(size)
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    boxes = [measure.textbbox((0, 0), text, font=face) if text else None
             for text in (captions if captions is not None else [None] * k)]
    widest = max((box[2] - box[0] + 4 for box in boxes if box), default=0)
    cell_w = max(tile_w, widest) + gutter  # a caption never runs under the next tile
    cell_h = tile_h + caption + gutter
    grid = Image.new(mode, (columns * cell_w - gutter, rows * cell_h - gutter),
                     255 if mode == "L" else "white")
    draw = ImageDraw.Draw(grid)
    for i in range(k):
        x, y = (i % columns) * cell_w, (i // columns) * cell_h
        middle = x + (cell_w - gutter) / 2
        tile = Image.fromarray(tiles[i]).resize((tile_w, tile_h), Image.Resampling.NEAREST)
        grid.paste(tile, (round(middle - tile_w / 2), y))
        box, text = boxes[i], captions[i] if captions is not None else None
        if box is not None and text:
            draw.text((middle - (box[2] - box[0]) / 2 - box[0], y + tile_h + 2 - box[1]),
                      text, font=face,
                      fill=CAPTION_INK if mode == "L" else (CAPTION_INK,) * 3)
    return grid
