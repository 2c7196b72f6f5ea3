"""Choosing k: the quantization error of an image's palette for several k, and the elbow.

Each k's palette is fitted on the exact colour histogram (as :func:`extract_palette` does),
then every distinct colour is mapped to its nearest palette colour, so the error is the true
per-pixel error of redrawing the image with that palette. The elbow is the k whose point lies
farthest below the straight line joining the first and last points (the "kneedle" rule).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..image.colorspace import from_srgb
from ..image.histogram import color_histogram
from ..image.load import as_image
from ..image.nearest import nearest_colors
from ..params import Integral, Interval, SequenceOf, validated
from .palette import DEFAULT_COLOR_SPACE, PALETTE_CONSTRAINTS, fit_palette

DEFAULT_KS = (2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32)
# Report errors in familiar units: 8-bit levels for RGB, the spaces' own units otherwise.
UNIT_SCALE = {"rgb": 255.0, "lab": 1.0, "oklab": 1.0}


@dataclass(frozen=True)
class ElbowCurve:
    """Quantization error against k.

    Attributes
    ----------
    ks : tuple of int
        Numbers of colours tried, ascending.
    inertia : ndarray of float
        Mean squared distance of a pixel to its palette colour, in ``color_space`` (RGB in
        8-bit levels summed over the three channels).
    color_space : str
    chosen : int
        The elbow.
    """

    ks: tuple[int, ...]
    inertia: np.ndarray
    color_space: str
    chosen: int

    def to_dicts(self) -> list[dict]:
        """One ``{"k", "inertia", "chosen"}`` dict per k."""
        return [{"k": k, "inertia": float(v), "chosen": k == self.chosen}
                for k, v in zip(self.ks, self.inertia, strict=True)]


def knee(ks: Sequence[int], values: Sequence[float]) -> int:
    """The k farthest below the chord from the first to the last point (both axes scaled to
    [0, 1]); the first k when fewer than three points.

    Examples
    --------
    >>> knee([1, 2, 3, 4, 5], [100, 30, 20, 15, 12])
    2
    """
    x = np.asarray(ks, dtype=float)
    y = np.asarray(values, dtype=float)
    if len(x) < 3 or np.ptp(y) == 0:
        return int(x[0])
    xs = (x - x[0]) / (x[-1] - x[0])
    ys = (y - y[-1]) / np.ptp(y)
    chord = ys[0] + (ys[-1] - ys[0]) * xs
    return int(x[np.argmax(chord - ys)])


@validated({"ks": [SequenceOf(Interval(Integral, 1, 4096))],
            "color_space": PALETTE_CONSTRAINTS["color_space"],
            "random_state": PALETTE_CONSTRAINTS["random_state"]})
def elbow_curve(
    image,
    ks: Sequence[int] = DEFAULT_KS,
    *,
    color_space: str = DEFAULT_COLOR_SPACE,
    random_state=0,
    progress: Callable[[int, int, int], None] | None = None,
) -> ElbowCurve:
    """The quantization error of the image's k-colour palette for each k, and the elbow.

    Parameters
    ----------
    image : path, URL, bytes, file object, PIL image, array or RGBImage
    ks : sequence of int
        Numbers of colours to try (sorted, duplicates dropped).
    color_space : {"rgb", "lab", "oklab"}, default "rgb"
    random_state : int, RandomState or None, default 0
    progress : callable, optional
        Called as ``progress(done, total, k)`` after each k.

    Returns
    -------
    ElbowCurve

    Examples
    --------
    >>> img = np.zeros((8, 8, 3), np.uint8); img[:, 4:] = 255; img[:2, :2] = (255, 0, 0)
    >>> curve = elbow_curve(img, [1, 2, 3, 4])
    >>> curve.inertia[2:].tolist()  # three distinct colours: no error from k = 3 on
    [0.0, 0.0]
    """
    ks = sorted(set(ks))
    img = as_image(image)
    hist = color_histogram(img)
    hist.require_pixels(img.source)
    points = from_srgb(hist.colors / 255.0, color_space) * UNIT_SCALE[color_space]
    errors = []
    for done, k in enumerate(ks, 1):
        k_used = min(k, hist.n_colors)  # more colours than distinct ones cannot lower the error
        palette = fit_palette(hist, k_used, color_space, random_state, img.source)
        nearest = nearest_colors(hist.colors, palette.colors, color_space)
        centers = from_srgb(palette.colors / 255.0, color_space) * UNIT_SCALE[color_space]
        squared = ((points - centers[nearest]) ** 2).sum(axis=1)
        errors.append(float(squared @ hist.counts) / hist.n_pixels)
        if progress is not None:
            progress(done, len(ks), k)
    return ElbowCurve(tuple(ks), np.array(errors), color_space, knee(ks, errors))
