"""The exact colour histogram."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis.extra.numpy import arrays

from pixelmeans.image import histogram
from pixelmeans.image.histogram import (
    ColorHistogram,
    color_histogram,
    empty_histogram,
    histogram_of_codes,
    pack_rgb,
    unpack_rgb,
)
from pixelmeans.image.load import RGBImage


# deadline=None: no timing in tests (a shared machine made a 200 ms deadline fail at random).
@settings(deadline=None)
@given(arrays(np.uint8, (7, 5, 3)))
def test_histogram_matches_numpy_unique(pixels):
    hist = color_histogram(pixels)
    colors, counts = np.unique(pixels.reshape(-1, 3), axis=0, return_counts=True)
    np.testing.assert_array_equal(hist.colors, colors)
    np.testing.assert_array_equal(hist.counts, counts)
    assert hist.n_pixels == 35


@settings(deadline=None)
@given(arrays(np.uint8, (50, 3)))
def test_pack_unpack_round_trip(colors):
    np.testing.assert_array_equal(unpack_rgb(pack_rgb(colors)), colors)


def test_masked_pixels_do_not_count():
    pixels = np.zeros((2, 2, 3), np.uint8)
    pixels[0] = (9, 9, 9)
    mask = np.array([[True, False], [False, False]])
    hist = color_histogram(RGBImage(pixels, mask))
    assert hist.colors.tolist() == [[9, 9, 9]]
    assert hist.counts.tolist() == [1]


def test_coarsen_keeps_counts_and_weighted_means():
    hist = ColorHistogram(np.array([[0, 0, 0], [3, 0, 0], [255, 255, 255]], np.uint8),
                          np.array([1, 3, 2]))
    means, weights = hist.coarsen(6)
    np.testing.assert_allclose(means, [[2.25, 0, 0], [255, 255, 255]])
    assert weights.tolist() == [4, 2]


@settings(deadline=None)
@given(arrays(np.uint32, 40, elements={"min_value": 0, "max_value": 50}),
       arrays(np.uint32, 30, elements={"min_value": 0, "max_value": 50}))
def test_merged_parts_are_the_histogram_of_the_whole(a, b):
    merged = histogram_of_codes(a).merge(histogram_of_codes(b))
    whole = histogram_of_codes(np.concatenate([a, b]))
    np.testing.assert_array_equal(merged.codes, whole.codes)
    np.testing.assert_array_equal(merged.counts, whole.counts)
    np.testing.assert_array_equal(merged.colors, unpack_rgb(whole.codes))
    assert empty_histogram().merge(whole).counts.tolist() == whole.counts.tolist()


def test_counting_by_sort_and_by_table_agree(monkeypatch, rng):
    codes = rng.integers(0, 1 << 24, 5000).astype(np.uint32) // 97 * 97
    by_sort = histogram_of_codes(codes)
    monkeypatch.setattr(histogram, "SORT_BELOW", 0)
    by_table = histogram_of_codes(codes)
    np.testing.assert_array_equal(by_sort.codes, by_table.codes)
    np.testing.assert_array_equal(by_sort.counts, by_table.counts)
    assert by_table.codes.dtype == by_sort.codes.dtype == np.uint32
