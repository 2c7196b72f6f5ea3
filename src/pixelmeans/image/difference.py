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
    from skimage.color import deltaE_ciede2000

    lab_a = rgb_to_lab(np.asarray(a, dtype=np.float64) / 255.0)
    lab_b = rgb_to_lab(np.asarray(b, dtype=np.float64) / 255.0)
    lab_a, lab_b = np.broadcast_arrays(lab_a, lab_b)
    return np.asarray(deltaE_ciede2000(lab_a, lab_b, channel_axis=-1), dtype=np.float64)
