"""WCAG contrast, colour-vision simulation, CIEDE2000 and the HSL/OKLCH views, against
published values and independent implementations (colorsys, colorspacious, daltonlens)."""

from __future__ import annotations

import colorsys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pixelmeans.image.colorspace import srgb_to_linear
from pixelmeans.image.cylindrical import oklch_to_rgb, rgb_to_hsl, rgb_to_oklch
from pixelmeans.image.difference import delta_e_2000, delta_e_2000_lab
from pixelmeans.image.exclusion import excluded_colors, without_colors
from pixelmeans.image.histogram import ColorHistogram
from pixelmeans.image.vision import DEFICIENCIES, MACHADO_2009, simulate, simulate_linear
from pixelmeans.image.wcag import contrast_ratio, readable_text, relative_luminance

colors = st.tuples(*[st.integers(0, 255)] * 3)


# -- WCAG 2.x -------------------------------------------------------------------------------
@pytest.mark.parametrize(("a", "b", "ratio"), [
    ("000000", "ffffff", 21.0),     # the largest ratio there is
    ("777777", "ffffff", 4.48),     # WebAIM's example: #777 on white just fails AA
    ("767676", "ffffff", 4.54),     # the lightest grey that passes AA on white
    ("595959", "ffffff", 7.0),      # the lightest grey that passes AAA on white
    ("ffffff", "ffffff", 1.0),
    ("0000ff", "ffffff", 8.59),     # blue on white (WebAIM contrast checker)
    ("ff0000", "ffffff", 4.0),      # red on white (WebAIM contrast checker)
])
def test_published_contrast_ratios(a, b, ratio):
    rgb = [[int(h[i:i + 2], 16) for i in (0, 2, 4)] for h in (a, b)]
    assert float(contrast_ratio(*rgb)) == pytest.approx(ratio, abs=0.006)


def test_relative_luminance_of_primaries_is_the_rec709_weight():
    lum = relative_luminance([[255, 0, 0], [0, 255, 0], [0, 0, 255]])
    np.testing.assert_allclose(lum, [0.2126, 0.7152, 0.0722])


@given(colors)
def test_readable_text_reaches_the_asked_contrast(bg):
    for minimum in (3.0, 4.5):
        text, ratio = readable_text(bg, minimum)
        assert ratio >= minimum  # white or black always reaches at least 4.58
        assert float(contrast_ratio(text, bg)) == pytest.approx(ratio)


# -- colour-vision deficiency -------------------------------------------------------------
CS_NAMES = {"protanopia": "protanomaly", "deuteranopia": "deuteranomaly",
            "tritanopia": "tritanomaly"}


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_machado_matrices_match_colorspacious(deficiency, rng):
    colorspacious = pytest.importorskip("colorspacious")
    rgb = rng.uniform(0, 1, (200, 3))
    theirs = colorspacious.cspace_convert(
        rgb, {"name": "sRGB1+CVD", "cvd_type": CS_NAMES[deficiency], "severity": 100},
        "sRGB1-linear")
    ours = simulate_linear(srgb_to_linear(rgb), deficiency)
    np.testing.assert_allclose(ours, theirs, atol=1e-9)


@pytest.mark.parametrize("deficiency", ["protanopia", "deuteranopia"])
def test_machado_matrices_match_daltonlens(deficiency):
    simulate_mod = pytest.importorskip("daltonlens.simulate")
    kind = {"protanopia": simulate_mod.Deficiency.PROTAN,
            "deuteranopia": simulate_mod.Deficiency.DEUTAN}[deficiency]
    image = np.array([[[200, 40, 40], [40, 160, 60], [60, 60, 200], [128, 128, 128]]],
                     np.uint8)
    theirs = simulate_mod.Simulator_Machado2009().simulate_cvd(image, kind, severity=1.0)
    ours = simulate(image, deficiency)
    assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 1


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_greys_stay_grey_and_rows_sum_to_one(deficiency):
    np.testing.assert_allclose(MACHADO_2009[deficiency].sum(axis=1), 1, atol=1e-5)
    greys = np.repeat(np.arange(0, 256, 15, dtype=np.uint8)[:, None], 3, axis=1)
    assert np.abs(simulate(greys, deficiency).astype(int) - greys).max() <= 1


def test_red_and_green_collapse_for_deuteranopes_not_for_everyone():
    red, green = [190, 60, 40], [100, 120, 40]
    assert delta_e_2000(red, green) > 20
    seen = simulate([red, green], "deuteranopia")
    assert delta_e_2000(seen[0], seen[1]) < 10


# -- CIEDE2000 ------------------------------------------------------------------------------
@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    # Sharma, Wu and Dalal (2005), test data pairs 1, 7 and 17
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
])
def test_ciede2000_matches_sharma_test_data(lab1, lab2, expected):
    assert float(delta_e_2000_lab(np.array(lab1), np.array(lab2))) == pytest.approx(
        expected, abs=1e-4)


# -- HSL and OKLCH --------------------------------------------------------------------------
@given(colors)
def test_hsl_matches_colorsys(rgb):
    h, lightness, s = colorsys.rgb_to_hls(*(v / 255 for v in rgb))
    ours = rgb_to_hsl(np.array([rgb]))[0]
    assert ours[2] == pytest.approx(lightness)
    assert ours[1] == pytest.approx(s, abs=1e-9)
    if s > 0:
        assert min(abs(ours[0] - h * 360), 360 - abs(ours[0] - h * 360)) < 1e-6


def test_oklch_of_srgb_red_is_ottossons_value():
    # Ottosson's reference: sRGB red is OKLab (0.627955, 0.224863, 0.125846).
    lightness, chroma, hue = rgb_to_oklch([[255, 0, 0]])[0]
    assert lightness == pytest.approx(0.627955, abs=1e-4)
    assert chroma == pytest.approx(np.hypot(0.224863, 0.125846), abs=1e-4)
    assert hue == pytest.approx(np.degrees(np.arctan2(0.125846, 0.224863)), abs=0.05)


@given(colors)
def test_oklch_round_trip(rgb):
    back = oklch_to_rgb(rgb_to_oklch(np.array([rgb])))[0] * 255
    np.testing.assert_array_equal(np.rint(back), rgb)  # greys lose ~1e-4 chroma: still exact


def test_out_of_gamut_oklch_keeps_lightness_and_hue():
    rgb = oklch_to_rgb(np.array([0.9, 0.4, 250.0]))  # far more chroma than sRGB holds
    assert np.all((rgb >= 0) & (rgb <= 1))
    lightness, _, hue = rgb_to_oklch((rgb * 255).round()[None])[0]
    assert lightness == pytest.approx(0.9, abs=0.01) and hue == pytest.approx(250, abs=2)


# -- exclusion ----------------------------------------------------------------------------
def test_exclusion_drops_only_colours_near_the_excluded_ones():
    colors_ = np.array([[255, 255, 255], [240, 240, 240], [180, 180, 180], [0, 0, 0],
                        [30, 30, 30], [255, 0, 0]], np.uint8)
    hist = ColorHistogram(colors_, np.arange(1, 7))
    kept = without_colors(hist, excluded_colors(["white", "black"]))
    expected = [c for c in colors_.tolist()
                if min(delta_e_2000(c, [255] * 3), delta_e_2000(c, [0] * 3)) > 10]
    assert kept.colors.tolist() == expected == [[180, 180, 180], [255, 0, 0]]
