"""The palette job."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sklearn.cluster import KMeans as SKKMeans

from pixelmeans import InvalidParameterError, KMeans
from pixelmeans.image.histogram import color_histogram
from pixelmeans.image.load import RGBImage, load_image
from pixelmeans.tasks.palette import Palette, PaletteWarning, extract_palette

DATA = Path(__file__).parents[2] / "src" / "pixelmeans" / "data"
RED, GREEN, BLUE = (220, 20, 30), (20, 200, 40), (30, 40, 210)


def _flags(noise, rng):
    """A 40×50 image: 50% red, 30% green, 20% blue, plus a little seeded noise."""
    img = np.zeros((40, 50, 3), np.int16)
    img[:, :25], img[:, 25:40], img[:, 40:] = RED, GREEN, BLUE
    img = img + rng.integers(-noise, noise + 1, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("space", ["rgb", "lab", "oklab"])
def test_flat_regions_give_their_colours_and_shares(space, rng):
    p = extract_palette(_flags(3, rng), 3, color_space=space)
    np.testing.assert_allclose(p.colors.astype(int), [RED, GREEN, BLUE], atol=2)
    np.testing.assert_allclose(p.weights, [0.5, 0.3, 0.2])


def test_histogram_clustering_equals_pixel_clustering(rng):
    pixels = _flags(40, rng).reshape(-1, 3).astype(np.float64)
    hist = color_histogram(pixels.reshape(40, 50, 3).astype(np.uint8))
    init = pixels[[0, 30, 45]]
    on_pixels = KMeans(3, init=init).fit(pixels)
    on_hist = KMeans(3, init=init).fit(hist.colors.astype(np.float64), sample_weight=hist.counts)
    np.testing.assert_allclose(on_hist.cluster_centers_, on_pixels.cluster_centers_, rtol=1e-10)
    assert on_hist.inertia_ == pytest.approx(on_pixels.inertia_, rel=1e-10)


def _quantization_mse(pixels, colors):
    d = ((pixels[:, None, :] - colors[None].astype(float)) ** 2).sum(-1)
    return d.min(1).mean() / 3


@pytest.mark.parametrize("k", [4, 8, 16])
def test_as_good_as_scikit_learn_on_all_pixels(k):
    img = load_image(DATA / "chelsea.jpg")
    pixels = img.pixels.reshape(-1, 3).astype(np.float64)
    ours = _quantization_mse(pixels, extract_palette(img, k).colors)
    ref = SKKMeans(k, random_state=0, n_init=1).fit(pixels).cluster_centers_
    assert ours <= 1.03 * _quantization_mse(pixels, np.rint(ref))


def test_transparent_pixels_never_count(rng):
    pixels = _flags(0, rng)
    mask = np.ones(pixels.shape[:2], bool)
    mask[:, 25:] = False
    with pytest.warns(PaletteWarning, match="only 1 distinct colours"):
        p = extract_palette(RGBImage(pixels, mask), 3)
    assert p.hex == ["#dc141e"]
    assert p.weights.tolist() == [1.0]


def test_fewer_distinct_colours_than_asked_warns_and_never_duplicates(rng):
    with pytest.warns(PaletteWarning, match="only 3 distinct colours; returning 3 instead of 5"):
        p = extract_palette(_flags(0, rng), 5)
    assert len(p) == 3
    assert len(set(p.hex)) == 3


def test_many_colours_go_through_bins_and_stay_sound(rng):
    """Binned clustering gives a palette about as good as K-means on every pixel (scikit-
    learn's), with shares that are the pixels' shares by nearest palette colour."""
    from sklearn.cluster import KMeans

    from pixelmeans.image.colorspace import from_srgb

    noise = rng.integers(0, 256, (260, 260, 3), dtype=np.uint8)
    assert color_histogram(noise).n_colors > 50_000
    p = extract_palette(noise, 16)
    assert len(p) == 16 and len(set(p.hex)) == 16
    assert np.all(np.diff(p.weights) <= 0)
    X = from_srgb(noise.reshape(-1, 3), p.color_space).astype(np.float64)
    C = from_srgb(p.colors, p.color_space).astype(np.float64)
    d2 = (X**2).sum(1)[:, None] - 2 * X @ C.T + (C**2).sum(1)[None]
    nearest_shares = np.bincount(d2.argmin(1), minlength=16) / len(X)
    np.testing.assert_allclose(p.weights, nearest_shares, atol=0.005)
    reference = KMeans(16, n_init=1, random_state=0).fit(X)
    assert d2.min(1).sum() <= 1.02 * reference.inertia_


def test_same_seed_same_palette():
    a = extract_palette(DATA / "coffee.jpg", 8, random_state=3)
    b = extract_palette(DATA / "coffee.jpg", 8, random_state=3)
    assert a.hex == b.hex
    np.testing.assert_array_equal(a.weights, b.weights)


def test_formats():
    p = Palette(np.array([[255, 0, 0], [0, 128, 255]], np.uint8), np.array([0.6, 0.4]), "x.png")
    assert json.loads(p.to_json()) == {"source": "x.png", "colors": [
        {"hex": "#ff0000", "rgb": [255, 0, 0], "share": 0.6, "weight": 0.6},
        {"hex": "#0080ff", "rgb": [0, 128, 255], "share": 0.4, "weight": 0.4}]}
    assert p.to_css() == (":root {\n  --color-1: #ff0000; /* 60.0% */\n"
                          "  --color-2: #0080ff; /* 40.0% */\n}\n")
    gpl = p.to_gpl().splitlines()
    assert gpl[0] == "GIMP Palette" and gpl[1] == "Name: pixelmeans x.png"
    assert gpl[4].split("\t")[0].split() == ["255", "0", "0"]


def test_swatch_widths_follow_shares():
    p = Palette(np.array([[255, 0, 0], [0, 0, 255]], np.uint8), np.array([0.75, 0.25]))
    a = np.asarray(p.swatch(100, 10))
    assert a.shape == (10, 100, 3)
    assert (a[0, :, 0] == 255).sum() == 75
    even = np.asarray(p.swatch(100, 10, proportional=False))
    assert (even[0, :, 0] == 255).sum() == 50
    tiny = Palette(np.array([[1, 1, 1], [2, 2, 2], [3, 3, 3]], np.uint8),
                   np.array([0.998, 0.001, 0.001]))
    assert len(np.unique(np.asarray(tiny.swatch(50, 1))[0], axis=0)) == 3


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [({"n_colors": 0},
      r"The 'n_colors' parameter of extract_palette must be an int in the range \[1, 4096\]. "
      "Got 0 instead"),
     ({"n_colors": 2.5}, "'n_colors' parameter of extract_palette must be an int"),
     ({"color_space": "hsv"},
      "'color_space' parameter of extract_palette must be one of 'rgb', 'lab', 'oklab'. "
      "Got 'hsv'")],
)
def test_bad_parameters(kwargs, pattern, rng):
    with pytest.raises(InvalidParameterError, match=pattern):
        extract_palette(_flags(0, rng), **kwargs)


def test_all_transparent_image_is_refused():
    with pytest.raises(InvalidParameterError, match="no opaque pixels"):
        extract_palette(np.zeros((4, 4, 4), np.uint8))


def _error_on_every_pixel(hist, colors):
    from pixelmeans.image.nearest import nearest_colors

    diff = hist.colors.astype(float) - colors[nearest_colors(hist.colors, colors, "rgb")]
    return float((diff**2).sum(axis=1) @ hist.counts) / hist.n_pixels / 3


def test_large_jpegs_are_decoded_at_reduced_size_for_nearly_the_same_palette(tmp_path):
    """A JPEG of 4.3 MP is decoded at 1/2 scale (1.1 MP, libjpeg's DCT scaling): the palette's
    error on every pixel of the full image stays within 2% of the full decode's."""
    with Image.open(DATA / "astronaut.jpg") as im:
        big = im.convert("RGB").resize((2400, 1800), Image.Resampling.BICUBIC)
    path = tmp_path / "big.jpg"
    big.save(path, quality=90)
    reduced = load_image(path, draft_pixels=1_000_000)
    assert reduced.shape == (900, 1200) and load_image(path).shape == (1800, 2400)
    assert load_image(DATA / "chelsea.jpg", draft_pixels=1_000_000).shape == (300, 451)
    hist = color_histogram(path)
    for k in (4, 16):
        fast = extract_palette(path, k)
        full = extract_palette(path, k, full_decode=True)
        assert fast.source == full.source == str(path)
        fast_error = _error_on_every_pixel(hist, fast.colors)
        assert fast_error <= 1.02 * _error_on_every_pixel(hist, full.colors)
    png = tmp_path / "big.png"
    big.save(png)  # not a JPEG: always decoded whole
    assert extract_palette(png, 4).hex == extract_palette(png, 4, full_decode=True).hex


@pytest.mark.parametrize("k", [8, 16])
def test_binned_fit_finished_on_exact_colours_matches_kmeans_on_every_pixel(k):
    """A photo with more distinct colours than are clustered exactly (bins first): its
    palette's MSE over every pixel is within 1% of scikit-learn's KMeans on the pixels
    (given as distinct colours with their counts: the same objective), best of 3 seeds."""
    from sklearn.cluster import KMeans

    from pixelmeans.tasks import color_fit

    with Image.open(DATA / "coffee.jpg") as im:
        hist = color_histogram(np.asarray(im.convert("RGB")))
    assert hist.n_colors > color_fit.MAX_EXACT_COLORS
    ours = _error_on_every_pixel(hist, extract_palette(hist_image(hist), k).colors)
    reference = min(
        _error_on_every_pixel(hist, np.clip(np.rint(KMeans(k, n_init=1, random_state=seed).fit(
            hist.colors.astype(float), sample_weight=hist.counts).cluster_centers_), 0, 255)
            .astype(np.uint8))
        for seed in range(3))
    assert ours <= 1.01 * reference


def hist_image(hist):
    """An image with exactly the colours and counts of ``hist`` (one row)."""
    return np.repeat(hist.colors, hist.counts, axis=0)[None]


def test_exact_finish_lowers_the_error_of_the_binned_fit():
    from pixelmeans.image.colorspace import to_uint8
    from pixelmeans.tasks.color_fit import coarse_seedings

    with Image.open(DATA / "coffee.jpg") as im:
        image = np.asarray(im.convert("RGB"))
    hist = color_histogram(image)
    finished = _error_on_every_pixel(hist, extract_palette(image, 16).colors)
    best_on_bins = to_uint8(np.clip(coarse_seedings(hist, 16, "rgb", 0)[0], 0, 1))
    assert finished < 0.99 * _error_on_every_pixel(hist, best_on_bins)
