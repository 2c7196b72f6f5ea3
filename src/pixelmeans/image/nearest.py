"""Nearest palette colour of every colour of an image, computed once per distinct colour.

Every pixel then maps to its colour's answer through a table indexed by packed colour, so
the work grows with the number of distinct colours, not of pixels.
"""

from __future__ import annotations

import numpy as np

from ..cluster.core.kernels import assign, row_norms_sq
from .colorspace import from_srgb
from .histogram import N_CODES, ColorHistogram

CELL_BITS = 5  # RGB cells of 8×8×8 levels for the exact nearest-colour pruning


def nearest_colors(colors: np.ndarray, palette: np.ndarray, color_space: str) -> np.ndarray:
    """Index of the nearest palette colour (in ``color_space``) for each ``uint8`` colour.

    Examples
    --------
    >>> palette = np.array([[0, 0, 0], [255, 255, 255]], np.uint8)
    >>> nearest_colors(np.array([[10, 20, 30], [200, 220, 250]], np.uint8), palette,
    ...                "rgb").tolist()
    [0, 1]

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


def labels_of_pixels(hist: ColorHistogram, labels_of_colors: np.ndarray,
                     codes: np.ndarray) -> np.ndarray:
    """Per-pixel labels through a table indexed by packed colour (one gather per pixel).

    ``codes`` are the pixels' packed colours; every one must be in ``hist``.

    Examples
    --------
    >>> from pixelmeans.image.histogram import histogram_of_codes
    >>> codes = np.array([7, 3, 7], np.uint32)
    >>> labels_of_pixels(histogram_of_codes(codes), np.array([1, 0]), codes).tolist()
    [0, 1, 0]
    """
    big = labels_of_colors.size and labels_of_colors.max() >= 256
    table = np.zeros(N_CODES, dtype=np.uint16 if big else np.uint8)
    table[hist.codes] = labels_of_colors
    return table[codes]
