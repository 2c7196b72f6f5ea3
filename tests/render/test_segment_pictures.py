"""Pictures of a segmentation: overlays against scikit-image and brute force, the legend, the
contact sheet."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage.measure import label as skimage_label
from skimage.segmentation import find_boundaries

from pixelmeans import InvalidParameterError
from pixelmeans.render.segment_pictures import (
    BACKDROP,
    DARK_BACKDROP,
    FONT_SIZE,
    boundaries,
    contact_sheet,
    default_min_area,
    overlay_pixels,
    segment_overlay,
    tint_colors,
    tint_overlay,
)


def random_labels(seed, shape=(14, 17), k=3):
    """Blocky random labels (2×2 cells) so that regions of several sizes appear."""
    rng = np.random.default_rng(seed)
    cells = rng.integers(0, k, ((shape[0] + 1) // 2, (shape[1] + 1) // 2))
    return np.kron(cells, np.ones((2, 2), int))[:shape[0], :shape[1]]


@settings(max_examples=30)
@given(st.integers(0, 2**32 - 1))
def test_boundaries_match_scikit_image(seed):
    labels = random_labels(seed)
    expected = find_boundaries(labels, connectivity=1, mode="thick")
    assert (boundaries(labels) == expected).all()


@settings(max_examples=30)
@given(st.integers(0, 2**32 - 1), st.integers(2, 12))
def test_boundaries_only_between_regions_of_min_area(seed, min_area):
    """Brute force: a pixel is marked when a 4-neighbour has another label and both their
    connected regions have at least ``min_area`` pixels."""
    labels = random_labels(seed)
    ids = skimage_label(labels, background=-1, connectivity=1)
    area = np.bincount(ids.ravel())
    h, w = labels.shape
    expected = np.zeros((h, w), bool)
    for y in range(h):
        for x in range(w):
            for dy, dx in ((0, 1), (1, 0), (0, -1), (-1, 0)):
                v, u = y + dy, x + dx
                if (0 <= v < h and 0 <= u < w and labels[v, u] != labels[y, x]
                        and area[ids[y, x]] >= min_area and area[ids[v, u]] >= min_area):
                    expected[y, x] = True
    assert (boundaries(labels, min_area=min_area) == expected).all()


@settings(max_examples=30)
@given(st.integers(0, 2**32 - 1), st.floats(0, 1))
def test_tint_is_the_blend_of_photo_and_tint(seed, alpha):
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (6, 7, 3), dtype=np.uint8)
    labels = rng.integers(-1, 25, (6, 7))
    out = tint_overlay(pixels, labels, alpha=alpha).astype(float)
    a = round(alpha * 256) / 256  # the blend works in 256ths
    tints = tint_colors(25)[np.maximum(labels, 0)].astype(float)
    expected = np.where(labels[..., None] >= 0, (1 - a) * pixels + a * tints, pixels)
    assert np.abs(out - expected).max() <= 0.5 + 1e-9  # rounded to nearest


def test_tints_are_distinct_then_repeat():
    tints = tint_colors(25)
    assert len({tuple(t) for t in tints[:20]}) == 20
    assert (tints[20:] == tints[:5]).all()


def test_overlay_styles_and_their_checks():
    labels = np.zeros((10, 10), int)
    labels[:, 5:] = 1
    pixels = np.full((10, 10, 3), 50, np.uint8)
    outline = overlay_pixels(pixels, labels, style="outline", color="#00ff00")
    assert (outline[:, 4:6] == (0, 255, 0)).all() and (outline[:, :4] == 50).all()
    assert (pixels == 50).all()  # never drawn on the caller's array
    for bad in ({"style": "glow"}, {"alpha": 1.5}, {"thickness": 0}):
        with pytest.raises(InvalidParameterError):
            overlay_pixels(pixels, labels, **bad)


def two_halves(h=300, w=400):
    labels = np.zeros((h, w), int)
    labels[:, w // 2:] = 1
    pixels = np.zeros((h, w, 3), np.uint8)
    pixels[:, w // 2:] = 255
    colors = np.array([[0, 0, 0], [255, 255, 255]], np.uint8)
    return labels, pixels, colors, np.array([0.5, 0.5])


def test_segment_overlay_is_the_reduced_overlay_with_a_legend_of_chips():
    labels, pixels, colors, shares = two_halves()
    picture = np.asarray(segment_overlay(labels, pixels, colors, shares, max_size=200))
    top = picture[:150]
    assert top.shape[:2] == (150, 320) or top.shape[:2] == (150, 200)
    tinted = overlay_pixels(pixels[1::2, 1::2], labels[1::2, 1::2], style="tint")
    assert (top[:, :200] == tinted).all()
    chip = FONT_SIZE + 3
    middle = 150 + 5 + chip // 2  # the first legend row: tint chip, then the colour chip
    assert tuple(picture[middle, 6 + chip // 2]) == tuple(tint_colors(1)[0])
    assert tuple(picture[middle, 6 + chip + 4 + chip // 2]) == (0, 0, 0)
    no_key = segment_overlay(labels, pixels, colors, shares, max_size=200, show_legend=False)
    assert no_key.size == (200, 150)
    full = segment_overlay(labels, pixels, colors, shares, max_size=None, show_legend=False)
    assert full.size == (400, 300)


def test_transparent_pixels_show_the_backdrop():
    labels, pixels, colors, shares = two_halves(20, 20)
    mask = np.ones((20, 20), bool)
    mask[:5] = False
    labels = np.where(mask, labels, -1)
    picture = np.asarray(segment_overlay(labels, pixels, colors, shares, mask=mask,
                                         show_legend=False))
    assert (picture[:5] == BACKDROP).all() and (picture[5:] != BACKDROP).any()


def test_contact_sheet_has_the_overlay_and_one_tile_per_segment():
    labels, pixels, colors, shares = two_halves()
    sheet = contact_sheet(labels, pixels, colors, shares, tile=100, columns=3)
    tile_w, tile_h = 100, 75
    assert sheet.width == 3 * tile_w + 2 * 6
    picture = np.asarray(sheet)
    second = picture[:tile_h, tile_w + 6:2 * tile_w + 6]  # segment 0: the black left half
    assert (second[:, :tile_w // 2 - 1] == 0).all()
    assert (second[:, tile_w // 2 + 1:] == BACKDROP).all()
    many = np.arange(40).reshape(5, 8).repeat(10, 0).repeat(10, 1)
    big = contact_sheet(many, np.zeros((50, 80, 3), np.uint8), np.zeros((40, 3), np.uint8),
                        np.full(40, 1 / 40), tile=40, columns=5, max_tiles=9)
    assert big.height == 2 * (25 + FONT_SIZE + 10)  # 1 overlay + 9 tiles, 5 a row


def test_default_min_area_scales_with_the_image():
    assert default_min_area((3000, 4000)) == 6000
    assert default_min_area((4, 4)) == 16


def test_a_light_segment_is_cut_out_on_a_dark_backdrop():
    labels, pixels, colors, shares = two_halves()
    sheet = np.asarray(contact_sheet(labels, pixels, colors, shares, tile=100, columns=3))
    third = sheet[:75, 2 * (100 + 6):]  # segment 1: the white right half
    assert (third[:, :49] == DARK_BACKDROP).all() and (third[:, 51:] == 255).all()
