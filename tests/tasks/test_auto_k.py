"""k chosen for you: the target is met, the search is not a sweep."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pixelmeans import quantize
from pixelmeans.errors import InvalidParameterError
from pixelmeans.image.difference import delta_e_2000
from pixelmeans.image.load import load_image
from pixelmeans.tasks.auto_k import (
    auto_palette,
    auto_quantize,
    interpolated_search,
    smallest_k,
)

DATA = Path(__file__).parents[2] / "src" / "pixelmeans" / "data"


def pixel_delta_e(image, palette) -> np.ndarray:
    """Every pixel's CIEDE2000 to its colour in the image redrawn with the palette."""
    q = quantize(image, palette=palette)
    return delta_e_2000(load_image(image).pixels.reshape(-1, 3), q.image.reshape(-1, 3))


@pytest.mark.parametrize("target", [2.5, 4.0])
def test_auto_palette_meets_the_target_over_every_pixel(target):
    img = load_image(DATA / "chelsea.jpg")
    palette, report = auto_palette(img, target)
    delta = pixel_delta_e(img, palette)
    assert report.met and delta.mean() <= target
    assert report.error.mean == pytest.approx(delta.mean(), abs=1e-9)
    assert report.error.p95 == pytest.approx(np.percentile(delta, 95), abs=0.05)
    # Smallest: a probe just below k missed (within the bracket the search stops at).
    misses = [k for k, e in report.probes if e > target and k < report.k]
    assert misses and report.k - max(misses) <= max(1, 0.04 * report.k) + 1
    assert len(report.probes) <= 14  # a search, not a sweep of every k


@given(st.integers(1, 4096), st.floats(0.1, 1.5))
def test_searches_find_the_first_k_of_a_monotone_error(first, slope):
    target = 50 * first ** -slope  # error(k) = 50 k^-slope meets it from k = first on
    k, met = interpolated_search(lambda k: 50 * k ** -slope, target, 4096)
    assert met and first <= k <= max(first + 1, first * 1.04 + 1)
    assert smallest_k(lambda k: k >= first, 4096) == (first, True)


def test_auto_quantize_fits_the_byte_budget_with_the_most_colours():
    img = load_image(DATA / "coffee.jpg")
    q, report = auto_quantize(img, max_bytes=40_000)
    size = len(q.encode())
    assert size <= 40_000 and report.size == size
    bigger = [s for k, s in report.probes if k == report.k + 1]
    assert bigger and bigger[0] > 40_000  # one more colour no longer fits


def test_auto_quantize_by_delta_e():
    q, report = auto_quantize(DATA / "coffee.jpg", max_delta_e=4.0)
    assert len(q.palette) == report.k and report.error.mean <= 4.0


def test_targets_are_checked():
    with pytest.raises(InvalidParameterError, match="exactly one target"):
        auto_quantize(DATA / "coffee.jpg")
    with pytest.raises(InvalidParameterError, match="even 1 colour takes"):
        auto_quantize(DATA / "coffee.jpg", max_bytes=10)


def test_a_flat_image_needs_one_colour():
    palette, report = auto_palette(np.full((8, 8, 3), 90, np.uint8), 1.0)
    assert report.k == 1 and palette.hex == ["#5a5a5a"]
