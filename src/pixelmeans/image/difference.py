"""Colour differences as people see them: CIEDE2000 on sRGB colours (scikit-image's)."""

from __future__ import annotations

import numpy as np

from .colorspace import rgb_to_lab


def delta_e_2000(a, b) -> np.ndarray:
    """CIEDE2000 difference between ``uint8`` sRGB colours, broadcast over leading axes.

    Uses :func:`skimage.color.deltaE_ciede2000` (imported on first use) on CIELAB (D65).

    Examples
    --------
    >>> float(delta_e_2000([10, 20, 30], [10, 20, 30]))
    0.0
    >>> round(float(delta_e_2000([0, 0, 0], [255, 255, 255])), 1)
    100.0
    """
    return delta_e_2000_lab(lab_of(a), lab_of(b))


def lab_of(rgb8) -> np.ndarray:
    """CIELAB (D65) of ``uint8`` sRGB colours, for repeated :func:`delta_e_2000_lab`."""
    return rgb_to_lab(np.asarray(rgb8, dtype=np.float64) / 255.0)


def delta_e_2000_lab(lab_a, lab_b) -> np.ndarray:
    """CIEDE2000 between CIELAB colours (broadcast), by scikit-image."""
    from skimage.color import deltaE_ciede2000

    lab_a, lab_b = np.broadcast_arrays(np.asarray(lab_a), np.asarray(lab_b))
    return np.asarray(deltaE_ciede2000(lab_a, lab_b, channel_axis=-1), dtype=np.float64)
