"""Colour spaces: sRGB ↔ linear RGB ↔ CIE XYZ ↔ CIELAB (D65) and OKLab, and hex codes.

All converters are vectorised over a trailing axis of length 3, accept any leading shape,
and keep float32 as float32 (anything else is computed in float64). sRGB values are floats
in [0, 1]; ``uint8`` (and ``uint16``) sRGB input is scaled to [0, 1] first, by the one
check every sRGB input goes through (:func:`_srgb_input`), so that 255 is never taken as
255 times white. Each converter is a composition of small
steps: ``rgb_to_lab(x) == xyz_to_lab(linear_to_xyz(srgb_to_linear(x)))``.

It knows nothing about K-means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from ..errors import InvalidParameterError

# IEC 61966-2-1 sRGB primaries, D65 white.
_RGB_TO_XYZ = np.array([
    [0.4124564, 0.3575761, 0.1804375],
    [0.2126729, 0.7151522, 0.0721750],
    [0.0193339, 0.1191920, 0.9503041],
])
_XYZ_TO_RGB = np.linalg.inv(_RGB_TO_XYZ)
_WHITE_D65 = _RGB_TO_XYZ.sum(axis=1)  # (0.95047, 1.0, 1.08883)

# Björn Ottosson, "A perceptual color space for image processing" (2020).
_XYZ_TO_LMS = np.array([
    [0.8189330101, 0.3618667424, -0.1288597137],
    [0.0329845436, 0.9293118715, 0.0361456387],
    [0.0482003018, 0.2643662691, 0.6338517070],
])
_LMS_TO_OKLAB = np.array([
    [0.2104542553, 0.7936177850, -0.0040720468],
    [1.9779984951, -2.4285922050, 0.4505937099],
    [0.0259040371, 0.7827717662, -0.8086757660],
])
_LMS_TO_XYZ = np.linalg.inv(_XYZ_TO_LMS)
_OKLAB_TO_LMS = np.linalg.inv(_LMS_TO_OKLAB)

COLOR_SPACES = ("rgb", "lab", "oklab")


def _float(x) -> np.ndarray:
    a = np.asarray(x)
    return a if a.dtype == np.float32 else a.astype(np.float64)


def _srgb_input(rgb) -> np.ndarray:
    """sRGB input as floats in [0, 1]: ``uint8`` and ``uint16`` scaled, other integers
    accepted only as 0 and 1, floats as they are."""
    a = np.asarray(rgb)
    if a.dtype == np.uint8:
        return a.astype(np.float32) / np.float32(255)
    if a.dtype == np.uint16:
        return a.astype(np.float32) / np.float32(65535)
    if (np.issubdtype(a.dtype, np.integer) or a.dtype == np.bool_) and a.size \
            and (a.min() < 0 or a.max() > 1):
        msg = (f"sRGB values of type {a.dtype} must lie in [0, 1]; got up to {a.max()} "
               "(pass uint8 for 0-255 values, or floats in [0, 1])")
        raise InvalidParameterError(msg)
    return _float(a)


def _apply(matrix: np.ndarray, x: np.ndarray) -> np.ndarray:
    return x @ matrix.T.astype(x.dtype)


def to_unit(rgb8) -> np.ndarray:
    """``uint8`` sRGB values to floats in [0, 1] (float32).

    Examples
    --------
    >>> to_unit([255, 0, 51]).tolist()
    [1.0, 0.0, 0.20000000298023224]
    """
    return np.asarray(rgb8, dtype=np.float32) / np.float32(255)


def to_uint8(rgb) -> np.ndarray:
    """Floats in [0, 1] to ``uint8`` sRGB, rounded and clipped."""
    return np.clip(np.rint(np.asarray(rgb, dtype=np.float64) * 255), 0, 255).astype(np.uint8)


def srgb_to_linear(rgb) -> np.ndarray:
    """Undo the sRGB transfer curve (gamma); ``uint8`` input counts 255 as 1."""
    x = _srgb_input(rgb)
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4).astype(x.dtype)


def linear_to_srgb(linear) -> np.ndarray:
    """Apply the sRGB transfer curve."""
    x = _float(linear)
    safe = np.maximum(x, 0)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * safe ** (1 / 2.4) - 0.055).astype(x.dtype)


def linear_to_xyz(linear) -> np.ndarray:
    """Linear sRGB to CIE XYZ (D65, Y of white = 1)."""
    return _apply(_RGB_TO_XYZ, _float(linear))


def xyz_to_linear(xyz) -> np.ndarray:
    """CIE XYZ (D65) to linear sRGB."""
    return _apply(_XYZ_TO_RGB, _float(xyz))


def xyz_to_lab(xyz) -> np.ndarray:
    """CIE XYZ to CIELAB with the D65 white point."""
    t = _float(xyz) / _WHITE_D65.astype(_float(xyz).dtype)
    delta = 6 / 29
    f = np.where(t > delta**3, np.cbrt(t), t / (3 * delta**2) + 4 / 29).astype(t.dtype)
    lab = np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                    200 * (f[..., 1] - f[..., 2])], axis=-1)
    return lab.astype(t.dtype)


def lab_to_xyz(lab) -> np.ndarray:
    """CIELAB (D65) to CIE XYZ."""
    x = _float(lab)
    fy = (x[..., 0] + 16) / 116
    f = np.stack([fy + x[..., 1] / 500, fy, fy - x[..., 2] / 200], axis=-1)
    delta = 6 / 29
    t = np.where(f > delta, f**3, 3 * delta**2 * (f - 4 / 29))
    return (t * _WHITE_D65).astype(x.dtype)


def xyz_to_oklab(xyz) -> np.ndarray:
    """CIE XYZ (D65) to OKLab."""
    x = _float(xyz)
    return _apply(_LMS_TO_OKLAB, np.cbrt(_apply(_XYZ_TO_LMS, x)))


def oklab_to_xyz(oklab) -> np.ndarray:
    """OKLab to CIE XYZ (D65)."""
    x = _float(oklab)
    return _apply(_LMS_TO_XYZ, _apply(_OKLAB_TO_LMS, x) ** 3)


def rgb_to_lab(rgb) -> np.ndarray:
    """sRGB in [0, 1] (or ``uint8``) to CIELAB (D65).

    Examples
    --------
    >>> np.round(rgb_to_lab([1.0, 0.0, 0.0]), 2).tolist()
    [53.24, 80.09, 67.2]
    >>> np.round(rgb_to_lab(np.array([255, 0, 0], np.uint8)).astype(float), 2).tolist()
    [53.24, 80.09, 67.2]
    """
    return xyz_to_lab(linear_to_xyz(srgb_to_linear(rgb)))


def lab_to_rgb(lab) -> np.ndarray:
    """CIELAB (D65) to sRGB in [0, 1] (not clipped)."""
    return linear_to_srgb(xyz_to_linear(lab_to_xyz(lab)))


def rgb_to_oklab(rgb) -> np.ndarray:
    """sRGB in [0, 1] to OKLab."""
    return xyz_to_oklab(linear_to_xyz(srgb_to_linear(rgb)))


def oklab_to_rgb(oklab) -> np.ndarray:
    """OKLab to sRGB in [0, 1] (not clipped)."""
    return linear_to_srgb(xyz_to_linear(oklab_to_xyz(oklab)))


_FORWARD = {"rgb": _srgb_input, "lab": rgb_to_lab, "oklab": rgb_to_oklab}
_BACKWARD = {"rgb": lambda x: _float(x), "lab": lab_to_rgb, "oklab": oklab_to_rgb}


def _space(space: str) -> str:
    if not isinstance(space, str) or space not in COLOR_SPACES:
        msg = f"color_space must be one of {', '.join(COLOR_SPACES)}; got {space!r}"
        raise InvalidParameterError(msg)
    return space


def from_srgb(rgb, space: str) -> np.ndarray:
    """sRGB in [0, 1] (or ``uint8``) to ``space`` ("rgb" keeps sRGB values in [0, 1]).

    Examples
    --------
    >>> from_srgb([0.5, 0.5, 0.5], "hsv")
    Traceback (most recent call last):
    ...
    pixelmeans.errors.InvalidParameterError: color_space must be one of rgb, lab, oklab; got 'hsv'
    """
    return _FORWARD[_space(space)](rgb)


def to_srgb(values, space: str) -> np.ndarray:
    """Values in ``space`` back to sRGB in [0, 1] (not clipped)."""
    return _BACKWARD[_space(space)](values)


def to_hex(colors: Iterable) -> list[str]:
    """``uint8`` RGB triples to ``#rrggbb`` strings.

    Examples
    --------
    >>> to_hex([[255, 128, 0]])
    ['#ff8000']
    """
    return ["#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb)) for rgb in np.asarray(colors)]


_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def parse_hex(text: str) -> tuple[int, int, int]:
    """``#rrggbb``, ``rrggbb`` or ``#rgb`` to an RGB triple.

    Examples
    --------
    >>> parse_hex("#f80")
    (255, 136, 0)
    """
    match = _HEX.match(text.strip())
    if not match:
        msg = f"not a hex colour: {text!r} (expected #rrggbb or #rgb)"
        raise InvalidParameterError(msg)
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return r, g, b
