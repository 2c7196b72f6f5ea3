"""Pictures of values: a palette's swatch, and a captioned grid of small images."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

from ..errors import InvalidParameterError

CAPTION_HEIGHT = 12


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
               scale: int = 3, columns: int | None = None) -> Image.Image:
    """Small images (``(k, h, w)`` grey or ``(k, h, w, 3)`` RGB, uint8) in a grid, each
    enlarged ``scale`` times and captioned underneath when a caption is given.

    Examples
    --------
    >>> grid = image_grid(np.zeros((5, 2, 2), np.uint8), ["a"] * 5, scale=1)
    >>> grid.size  # 3 columns, 2 rows of 2 + 12 caption pixels
    (6, 28)
    """
    k, h, w = tiles.shape[:3]
    columns = columns or math.ceil(math.sqrt(k))
    rows = math.ceil(k / columns)
    mode = "L" if tiles.ndim == 3 else "RGB"
    caption = CAPTION_HEIGHT if captions is not None else 0
    cell_h, cell_w = h * scale + caption, w * scale
    grid = Image.new(mode, (columns * cell_w, rows * cell_h), 255 if mode == "L" else "white")
    draw = ImageDraw.Draw(grid)
    for i in range(k):
        x, y = (i % columns) * cell_w, (i // columns) * cell_h
        tile = Image.fromarray(tiles[i]).resize((cell_w, h * scale), Image.Resampling.NEAREST)
        grid.paste(tile, (x, y))
        caption_text = captions[i] if captions is not None else None
        if caption_text:
            draw.text((x + 1, y + h * scale), caption_text, fill=0 if mode == "L" else "black")
    return grid
