"""Leaving colours out of a histogram: near-white, near-black, or a given background colour.

Whatever lies within a CIEDE2000 distance of an excluded colour is dropped before a palette
is fitted, so a product photo on white gives the product's colours. It knows nothing about
K-means.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..errors import InvalidParameterError
from .colorspace import parse_hex
from .difference import delta_e_2000
from .histogram import ColorHistogram

NAMED_COLORS = {"white": (255, 255, 255), "black": (0, 0, 0)}
# ΔE2000 of 10 from pure white reaches the grey #d1d1d1, from pure black #282828 (and
# the tinted colours as near to them as the eye judges): "near-white" and "near-black".
DEFAULT_WITHIN = 10.0
_HEXLIKE = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def excluded_colors(names: Sequence[str]) -> np.ndarray:
    """``"white"``, ``"black"`` or hex codes as an ``(m, 3)`` uint8 array.

    Examples
    --------
    >>> excluded_colors(["white", "#003366"]).tolist()
    [[255, 255, 255], [0, 51, 102]]
    """
    colors = []
    for name in names:
        named = NAMED_COLORS.get(name.strip().lower())
        if named is None and not _HEXLIKE.match(name.strip()):
            msg = f"exclude: {name!r} is not 'white', 'black' or a hex colour (#rrggbb)"
            raise InvalidParameterError(msg)
        colors.append(named or parse_hex(name))
    return np.array(colors, dtype=np.uint8).reshape(-1, 3)


def without_colors(hist: ColorHistogram, colors: np.ndarray,
                   within: float = DEFAULT_WITHIN) -> ColorHistogram:
    """The histogram less every colour within ΔE2000 ``within`` of one of ``colors``.

    Examples
    --------
    >>> h = ColorHistogram(np.array([[0, 0, 0], [250, 250, 250], [255, 0, 0]], np.uint8),
    ...                    np.array([5, 3, 2]))
    >>> without_colors(h, np.array([[255, 255, 255]], np.uint8)).colors.tolist()
    [[0, 0, 0], [255, 0, 0]]
    """
    keep = np.ones(hist.n_colors, dtype=bool)
    for color in np.asarray(colors, dtype=np.uint8):
        keep &= delta_e_2000(hist.colors, color[None, :]) > within
    return ColorHistogram(hist.colors[keep], hist.counts[keep])
