"""Checks of the tasks' public parameters, each failing with one clear line."""

from __future__ import annotations

import math

import numpy as np

from .color import COLOR_SPACES
from .errors import InvalidParameterError


def check_int(name: str, value, low: int, high: int | None = None, unit: str = "") -> None:
    """``value`` must be an int (not a bool) in ``[low, high]``.

    Examples
    --------
    >>> check_int("n_colors", 0, 1, 256)
    Traceback (most recent call last):
    ...
    pixelmeans.errors.InvalidParameterError: n_colors must be an int in [1, 256]; got 0
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low \
            or (high is not None and value > high):
        wanted = f"in [{low}, {high}]" if high is not None else f">= {low}"
        msg = f"{name} must be an int {wanted}{unit}; got {value!r}"
        raise InvalidParameterError(msg)


def check_non_negative(name: str, value) -> None:
    """``value`` must be a finite real number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or value < 0:
        msg = f"{name} must be a finite number >= 0; got {value!r}"
        raise InvalidParameterError(msg)


def check_color_space(value) -> None:
    """``value`` must name one of :data:`pixelmeans.color.COLOR_SPACES`."""
    if value not in COLOR_SPACES:
        msg = f"color_space must be one of {', '.join(COLOR_SPACES)}; got {value!r}"
        raise InvalidParameterError(msg)
