"""Colour conversions against published reference values, scikit-image, and round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from skimage.color import rgb2lab

from pixelmeans import InvalidParameterError
from pixelmeans.image import colorspace as c

# Björn Ottosson's table of XYZ (D65) → OKLab reference values.
OKLAB_REFERENCE = [
    ([0.950, 1.000, 1.089], [1.000, 0.000, 0.000]),
    ([1.000, 0.000, 0.000], [0.450, 1.236, -0.019]),
    ([0.000, 1.000, 0.000], [0.922, -0.671, 0.263]),
    ([0.000, 0.000, 1.000], [0.153, -1.415, -0.449]),
]


@pytest.mark.parametrize(("xyz", "oklab"), OKLAB_REFERENCE)
def test_oklab_reference_values(xyz, oklab):
    np.testing.assert_allclose(c.xyz_to_oklab(np.array(xyz)), oklab, atol=1e-3)


@pytest.mark.parametrize(
    ("rgb8", "lab"),
    [  # CIELAB (D65) of the sRGB primaries and white, as published (e.g. Lindbloom).
        ([255, 0, 0], [53.2408, 80.0925, 67.2032]),
        ([0, 255, 0], [87.7347, -86.1827, 83.1793]),
        ([0, 0, 255], [32.2970, 79.1875, -107.8602]),
        ([255, 255, 255], [100.0, 0.0, 0.0]),
        ([0, 0, 0], [0.0, 0.0, 0.0]),
    ],
)
def test_lab_reference_values(rgb8, lab):
    np.testing.assert_allclose(c.rgb_to_lab(np.array(rgb8) / 255), lab, atol=0.01)


def test_lab_agrees_with_scikit_image():
    x = np.random.default_rng(0).random((500, 3))
    np.testing.assert_allclose(c.rgb_to_lab(x), rgb2lab(x), atol=0.01)


def test_oklab_of_white_and_srgb_linear_curve():
    np.testing.assert_allclose(c.rgb_to_oklab([1.0, 1.0, 1.0]), [1, 0, 0], atol=1e-4)
    assert c.srgb_to_linear(0.5) == pytest.approx(0.21404114)
    assert c.linear_to_srgb(0.0031308) == pytest.approx(0.04045, abs=1e-6)


@given(arrays(np.float64, (20, 3), elements=st.floats(0, 1)))
def test_round_trips(x):
    np.testing.assert_allclose(c.lab_to_rgb(c.rgb_to_lab(x)), x, atol=1e-7)
    np.testing.assert_allclose(c.oklab_to_rgb(c.rgb_to_oklab(x)), x, atol=1e-7)
    # The sRGB standard's two branches meet with a gap of about 3e-8 near 0.04045.
    np.testing.assert_allclose(c.linear_to_srgb(c.srgb_to_linear(x)), x, atol=1e-7)


@pytest.mark.parametrize("space", c.COLOR_SPACES)
def test_float32_stays_float32(space):
    x = np.random.default_rng(1).random((4, 5, 3)).astype(np.float32)
    forward = c.from_srgb(x, space)
    assert forward.dtype == np.float32 and forward.shape == x.shape
    assert c.to_srgb(forward, space).dtype == np.float32
    np.testing.assert_allclose(c.to_srgb(forward, space), x, atol=1e-4)


def test_hex_round_trip_and_errors():
    colors = np.array([[0, 0, 0], [255, 128, 1], [18, 52, 86]], dtype=np.uint8)
    assert c.to_hex(colors) == ["#000000", "#ff8001", "#123456"]
    assert [c.parse_hex(h) for h in c.to_hex(colors)] == [tuple(v) for v in colors.tolist()]
    assert c.parse_hex("ABC") == (170, 187, 204)
    with pytest.raises(InvalidParameterError, match="not a hex colour: '#12'"):
        c.parse_hex("#12")
