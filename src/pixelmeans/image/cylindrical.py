"""Cylindrical views of colours: HSL (as Android's Palette measures them) and OKLCH."""

from __future__ import annotations

import numpy as np

from .colorspace import oklab_to_rgb, rgb_to_oklab

ACHROMATIC = 1e-4  # OKLCH chroma below which a colour is a grey


def rgb_to_hsl(rgb8) -> np.ndarray:
    """``uint8`` sRGB to HSL: hue in degrees [0, 360), saturation and lightness in [0, 1].

    The formulas of ``ColorUtils.RGBToHSL`` (AndroidX), i.e. of CSS Color 3.

    Examples
    --------
    >>> rgb_to_hsl([[255, 0, 0], [128, 128, 128]]).round(3).tolist()
    [[0.0, 1.0, 0.5], [0.0, 0.0, 0.502]]
    """
    x = np.asarray(rgb8, dtype=np.float64) / 255.0
    high, low = x.max(axis=-1), x.min(axis=-1)
    span = high - low
    lightness = (high + low) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        saturation = np.where(span == 0, 0.0, span / (1 - np.abs(2 * lightness - 1)))
        r, g, b = x[..., 0], x[..., 1], x[..., 2]
        hue = np.select([span == 0, high == r, high == g],
                        [0.0, ((g - b) / span) % 6, (b - r) / span + 2],
                        (r - g) / span + 4) * 60
    return np.stack([hue % 360, np.clip(saturation, 0, 1), lightness], axis=-1)


def rgb_to_oklch(rgb8) -> np.ndarray:
    """``uint8`` sRGB to OKLCH: lightness [0, 1], chroma (0 to about 0.32), hue in degrees.

    Examples
    --------
    >>> rgb_to_oklch([[255, 255, 255]]).round(3).tolist()
    [[1.0, 0.0, 0.0]]
    """
    lab = rgb_to_oklab(np.asarray(rgb8, dtype=np.float64) / 255.0)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    grey = chroma < ACHROMATIC  # greys: no hue (rounding leaves chroma ~1e-5 on white)
    hue = np.where(grey, 0.0, np.degrees(np.arctan2(lab[..., 2], lab[..., 1])) % 360)
    return np.stack([lab[..., 0], np.where(grey, 0.0, chroma), hue], axis=-1)


def oklch_to_rgb(lch) -> np.ndarray:
    """OKLCH to sRGB floats in [0, 1], brought into the gamut by reducing chroma (the hue
    and lightness are kept, as CSS Color 4 gamut mapping does).

    Examples
    --------
    >>> (oklch_to_rgb([0.627955, 0.257683, 29.234]) * 255).round().tolist()  # sRGB red
    [255.0, 0.0, 0.0]
    """
    lch = np.asarray(lch, dtype=np.float64)
    low = np.zeros(lch.shape[:-1])
    high = lch[..., 1].copy()
    for _ in range(24):  # bisection on chroma: ~1e-8 of the range
        mid = (low + high) / 2
        inside = _in_gamut(_lch_rgb(lch[..., 0], mid, lch[..., 2]))
        low = np.where(inside, mid, low)
        high = np.where(inside, high, mid)
    exact = _lch_rgb(lch[..., 0], lch[..., 1], lch[..., 2])
    fitted = _lch_rgb(lch[..., 0], low, lch[..., 2])
    rgb = np.where(_in_gamut(exact)[..., None], exact, fitted)
    return np.clip(rgb, 0.0, 1.0)


def _lch_rgb(lightness, chroma, hue) -> np.ndarray:
    h = np.radians(hue)
    return oklab_to_rgb(np.stack([lightness, chroma * np.cos(h), chroma * np.sin(h)], axis=-1))


def _in_gamut(rgb: np.ndarray) -> np.ndarray:
    return np.all((rgb >= -1e-6) & (rgb <= 1 + 1e-6), axis=-1)
