"""Palettes given by people (files, hex codes, arrays), locked colours, exclusion, order."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from pixelmeans import extract_palette, quantize
from pixelmeans.errors import InvalidParameterError
from pixelmeans.image.difference import delta_e_2000
from pixelmeans.tasks.palette import Palette, PaletteWarning, as_palette, given_colors

DATA = Path(__file__).parents[2] / "src" / "pixelmeans" / "data"


def test_locked_colours_are_in_the_palette_exactly_and_marked():
    locked = ["#ff6600", "#003366"]
    p = extract_palette(DATA / "coffee.jpg", 6, fixed_colors=locked)
    assert len(p) == 6 and set(locked) <= set(p.hex)
    assert sorted(h for h, lock in zip(p.hex, p.locked, strict=True) if lock) == sorted(locked)
    assert json.loads(p.to_json())["colors"][p.hex.index("#ff6600")]["locked"] is True


def test_locking_a_colour_of_the_image_fits_the_others_around_it():
    img = np.zeros((30, 30, 3), np.uint8)
    img[:10] = (250, 10, 10)
    img[10:20] = (10, 250, 10)
    img[20:] = (10, 10, 250)
    p = extract_palette(img, 3, fixed_colors=[[250, 10, 10]])
    assert sorted(p.hex) == ["#0a0afa", "#0afa0a", "#fa0a0a"]
    np.testing.assert_allclose(p.weights, [1 / 3] * 3)


def test_too_few_colours_for_the_locked_ones():
    with pytest.raises(InvalidParameterError, match="n_colors=1 is fewer than the 2 locked"):
        extract_palette(DATA / "coffee.jpg", 1, fixed_colors="#ff6600,#003366")


@pytest.mark.parametrize("fmt", ["gpl", "json", "hex", "css", "ase", "swatches", "sketch"])
def test_a_saved_palette_is_reused_by_quantize(tmp_path, fmt):
    p = extract_palette(DATA / "coffee.jpg", 5)
    suffix = {"hex": ".txt", "sketch": ".sketchpalette"}.get(fmt, f".{fmt}")
    path = p.save(tmp_path / f"pal{suffix}")
    q = quantize(DATA / "coffee.jpg", palette=str(path))
    assert sorted(q.palette.hex) == sorted(p.hex)


@pytest.mark.parametrize("value", [["#000000", "#ffffff"], "#000,#fff",
                                   np.array([[0, 0, 0], [255, 255, 255]]),
                                   np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])])
def test_hex_codes_and_arrays_are_palettes(value):
    q = quantize(DATA / "coffee.jpg", palette=value)
    assert sorted(q.palette.hex) == ["#000000", "#ffffff"]
    assert set(np.unique(q.image.reshape(-1, 3), axis=0).ravel().tolist()) <= {0, 255}


def test_given_colours_are_checked():
    assert given_colors(["#fff", "#FFFFFF", "#000"]).tolist() == [[255, 255, 255], [0, 0, 0]]
    with pytest.raises(InvalidParameterError, match="float colours must lie in"):
        given_colors(np.array([[0.0, 0.5, 2.0]]))
    with pytest.raises(InvalidParameterError, match=r"'missing\.gpl' is neither hex codes"):
        as_palette("missing.gpl")


def test_exclusion_leaves_the_backdrop_out():
    img = np.full((20, 20, 3), 255, np.uint8)
    img[5:10, 5:10] = (200, 30, 30)
    img[12:15, 12:15] = (30, 30, 200)
    p = extract_palette(img, 2, exclude=["white"])
    assert sorted(p.hex) == ["#1e1ec8", "#c81e1e"]
    assert all(delta_e_2000(c, [255, 255, 255]) > 10 for c in p.colors)


def test_an_all_white_image_with_white_excluded_still_has_a_palette():
    img = np.full((10, 10, 3), 255, np.uint8)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p = extract_palette(img, 3, exclude=["white"])
    assert p.hex == ["#ffffff"]
    assert any(issubclass(w.category, PaletteWarning) and "nothing excluded" in str(w.message)
               for w in caught)


def test_sorting_keeps_colours_and_shares_together():
    p = extract_palette(DATA / "astronaut.jpg", 8)
    pairs = set(zip(p.hex, p.weights.tolist(), strict=True))
    for key in ("share", "lightness", "hue"):
        s = p.sorted(key)
        assert set(zip(s.hex, s.weights.tolist(), strict=True)) == pairs
    from pixelmeans.image.cylindrical import rgb_to_oklch

    lightness = rgb_to_oklch(p.sorted("lightness").colors)[:, 0]
    assert np.all(np.diff(lightness) <= 0)
    assert p.sorted("share").hex == p.hex


def test_card_shows_every_colour():
    p = Palette(np.array([[255, 0, 0], [0, 0, 255]], np.uint8), np.array([0.9, 0.1]))
    pixels = np.asarray(p.card()).reshape(-1, 3)
    for rgb in p.colors:
        assert (pixels == rgb).all(axis=1).sum() > 1000  # a tile of each colour


@pytest.mark.parametrize("as_file", [False, True])
def test_alpha_threshold_decides_which_pixels_count(tmp_path, as_file):
    from PIL import Image

    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[:, :5] = (200, 0, 0, 255)  # opaque red
    rgba[:, 5:] = (0, 0, 200, 150)  # blue at alpha 150
    source = rgba
    if as_file:
        source = tmp_path / "a.png"
        Image.fromarray(rgba, "RGBA").save(source)
    assert sorted(extract_palette(source, 2).hex) == ["#0000c8", "#c80000"]  # default 128
    with pytest.warns(PaletteWarning, match="only 1 distinct colours"):
        assert extract_palette(source, 2, min_alpha=200).hex == ["#c80000"]
    with pytest.raises(InvalidParameterError, match="min_alpha"):
        extract_palette(source, 2, min_alpha=256)
