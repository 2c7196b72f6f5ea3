"""Colour-vision deficiency: how a colour looks with protanopia, deuteranopia or tritanopia.

Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of
color vision deficiency", IEEE TVCG 15(6): one 3×3 matrix per deficiency, applied to
linear sRGB. The matrices are those of the paper's table for severity 1.0 (dichromacy).
It knows nothing about K-means.
"""

from __future__ import annotations

import numpy as np

from .colorspace import linear_to_srgb, srgb_to_linear, to_uint8

MACHADO_2009 = {
    "protanopia": np.array([
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]),
    "deuteranopia": np.array([
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]),
    "tritanopia": np.array([
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ]),
}
DEFICIENCIES = tuple(MACHADO_2009)


def simulate_linear(linear, deficiency: str) -> np.ndarray:
    """The Machado matrix of ``deficiency`` applied to linear sRGB values (not clipped)."""
    return np.asarray(linear, dtype=np.float64) @ MACHADO_2009[deficiency].T


def simulate(rgb8, deficiency: str) -> np.ndarray:
    """``uint8`` sRGB colours (any leading shape) as seen with ``deficiency``, as ``uint8``.

    Out-of-gamut results are clipped to [0, 1] in linear light.

    Examples
    --------
    >>> simulate([[255, 0, 0], [0, 255, 0]], "deuteranopia").tolist()
    [[163, 144, 0], [239, 214, 58]]
    """
    linear = srgb_to_linear(np.asarray(rgb8, dtype=np.float64) / 255.0)
    seen = np.clip(simulate_linear(linear, deficiency), 0.0, 1.0)
    return to_uint8(linear_to_srgb(seen))
