"""The quantize job: mapping, palette reuse, transparency, dithering and saved files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans import (
    InvalidParameterError,
    OutputExistsError,
    PaletteWarning,
    extract_palette,
    quantize,
)
from pixelmeans.image.load import RGBImage, load_image

DATA = Path(__file__).parents[2] / "src" / "pixelmeans" / "data"


def _png_header(data: bytes) -> tuple[int, int]:
    """(bit depth, colour type) from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return data[24], data[25]


def _nearest_by_brute_force(pixels, colors):
    d = ((pixels[:, :, None, :].astype(int) - colors[None, None].astype(int)) ** 2).sum(-1)
    return d.argmin(-1)


def test_every_pixel_gets_its_nearest_palette_colour(rng):
    pixels = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    q = quantize(pixels, 6)
    expected = q.palette.colors[_nearest_by_brute_force(pixels, q.palette.colors)]
    d_ours = ((q.image.astype(int) - pixels) ** 2).sum(-1)
    d_best = ((expected.astype(int) - pixels) ** 2).sum(-1)
    np.testing.assert_array_equal(d_ours, d_best)  # equal distances (ties may pick either)
    assert q.labels.dtype == np.uint8 and q.labels.shape == (30, 40)
    counts = np.bincount(q.labels.ravel(), minlength=6) / q.labels.size
    np.testing.assert_allclose(q.palette.weights, counts)


def test_palette_reuse_keeps_its_colours():
    reference = extract_palette(DATA / "coffee.jpg", 5)
    q = quantize(DATA / "chelsea.jpg", palette=reference)
    assert sorted(q.palette.hex) == sorted(reference.hex)
    assert set(map(tuple, q.image.reshape(-1, 3))) <= set(map(tuple, reference.colors))


def test_as_many_colours_as_the_image_has_is_lossless(rng):
    pixels = rng.choice(np.array([[0, 0, 0], [10, 200, 30], [255, 255, 255]], np.uint8),
                        size=(20, 20))
    with pytest.warns(PaletteWarning):
        q = quantize(pixels, 8)
    np.testing.assert_array_equal(q.image, pixels)
    assert len(q.palette) == 3


def test_two_colours_save_as_a_one_bit_png_and_round_trip(tmp_path, rng):
    pixels = np.where(rng.random((16, 16, 1)) < 0.5, 30, 220).astype(np.uint8).repeat(3, 2)
    q = quantize(pixels, 2)
    path = q.save(tmp_path / "two.png")
    assert _png_header(path.read_bytes()) == (1, 3)  # 1 bit, palette
    with Image.open(path) as im:
        assert im.mode == "P"
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), q.image)


@pytest.mark.parametrize(("k", "bits"), [(3, 2), (4, 2), (5, 4), (16, 4), (17, 8), (200, 8)])
def test_smallest_bit_depth_and_no_unused_palette_entries(k, bits):
    q = quantize(DATA / "chelsea.jpg", k)
    data = q.encode("PNG")
    assert _png_header(data)[0] == bits
    plte = data.index(b"PLTE")
    assert int.from_bytes(data[plte - 4:plte], "big") == 3 * k  # k entries, not 2**bits


def test_transparency_is_kept(tmp_path):
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[:, :5] = (200, 30, 30, 255)
    rgba[:, 5:] = (0, 0, 0, 0)
    rgba[0, 0] = (30, 30, 200, 255)
    q = quantize(rgba, 2)
    assert q.palette.weights.sum() == pytest.approx(1.0)
    path = q.save(tmp_path / "t.png")
    with Image.open(path) as im:
        back = np.asarray(im.convert("RGBA"))
    assert np.all(back[:, 5:, 3] == 0)
    assert np.all(back[:, :5, 3] == 255)
    np.testing.assert_array_equal(back[1, :5, :3], np.tile([200, 30, 30], (5, 1)))


def test_exif_rotated_input_gives_upright_output(tmp_path):
    a = np.zeros((32, 48, 3), np.uint8)
    a[:16, :16] = (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "r.jpg"
    Image.fromarray(a).save(path, exif=exif, quality=95)
    q = quantize(path, 2)
    assert q.labels.shape == (48, 32)
    assert q.image[:12, -12:, 0].mean() > 200


def test_dithering_changes_the_image_and_keeps_palette_colours():
    plain = quantize(DATA / "coffee.jpg", 8)
    dithered = quantize(DATA / "coffee.jpg", 8, dither=True)
    assert set(dithered.palette.hex) == set(plain.palette.hex)
    assert not np.array_equal(dithered.image, plain.image)
    used = {tuple(c) for c in np.unique(dithered.image.reshape(-1, 3), axis=0)}
    assert used <= {tuple(c) for c in plain.palette.colors}
    # Error diffusion keeps the local mean colour closer to the original.
    original = load_image(DATA / "coffee.jpg").pixels.astype(float)

    def blurred_error(img):
        small = lambda a: a.reshape(50, 8, 75, 8, 3).mean(axis=(1, 3))  # noqa: E731
        return np.abs(small(img.astype(float)) - small(original)).mean()

    assert blurred_error(dithered.image) < blurred_error(plain.image)


@pytest.mark.parametrize("suffix", [".png", ".gif", ".webp"])
def test_saved_files_round_trip(tmp_path, suffix):
    q = quantize(DATA / "chelsea.jpg", 12)
    path = q.save(tmp_path / f"c{suffix}")
    with Image.open(path) as im:
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), q.image)


def test_save_never_replaces_and_refuses_other_formats(tmp_path):
    q = quantize(DATA / "chelsea.jpg", 4)
    path = q.save(tmp_path / "c.png")
    before = path.read_bytes()
    with pytest.raises(OutputExistsError):
        quantize(DATA / "coffee.jpg", 4).save(path)
    assert path.read_bytes() == before
    with pytest.raises(InvalidParameterError, match=r"saved as \.gif, \.png, \.webp"):
        q.save(tmp_path / "c.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.png"]


def test_more_than_256_colours_and_transparency_fall_back_to_rgba():
    pixels = np.random.default_rng(1).integers(0, 256, (40, 40, 3), dtype=np.uint8)
    mask = np.ones((40, 40), bool)
    mask[0] = False
    q = quantize(RGBImage(pixels, mask), 300)
    assert q.labels.dtype == np.uint16
    assert q.to_pil().mode == "RGBA"
    with Image.open(io.BytesIO(q.encode("PNG"))) as im:
        assert im.mode == "RGBA"


def test_dithering_with_256_colours(rng):
    img = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
    q = quantize(img, 256, dither=True)
    assert len(q.palette) == 256 and q.labels.max() <= 255
    assert np.isin(pack(q.image), pack(q.palette.colors)).all()


def pack(colors):
    return colors.reshape(-1, 3).astype(np.int64) @ [65536, 256, 1]


def test_bad_arguments():
    with pytest.raises(InvalidParameterError, match="palette: expected hex codes"):
        quantize(DATA / "chelsea.jpg", palette=[1, 2])
    with pytest.raises(InvalidParameterError, match="not a hex colour: 'white'"):
        quantize(DATA / "chelsea.jpg", palette=["white"])
    with pytest.raises(InvalidParameterError, match="'dither' parameter of quantize must be"):
        quantize(DATA / "chelsea.jpg", 4, dither="no")  # a string is not taken as true
    with pytest.raises(InvalidParameterError, match="dithering supports at most 256"):
        quantize(DATA / "chelsea.jpg", 300, dither=True)


@pytest.mark.parametrize("k", [2, 7, 40, 256])
def test_cell_pruning_finds_the_true_nearest_colour(k, rng):
    from pixelmeans.image.nearest import nearest_colors

    colors = rng.integers(0, 256, (3000, 3), dtype=np.uint8)
    palette = rng.integers(0, 256, (k, 3), dtype=np.uint8)
    ours = nearest_colors(colors, palette, "rgb")
    d = ((colors[:, None].astype(int) - palette[None].astype(int)) ** 2).sum(-1)
    np.testing.assert_array_equal(d[np.arange(3000), ours], d.min(axis=1))


@pytest.mark.parametrize("k", [2, 16, 200])
def test_nearest_of_fractional_centres_is_the_true_nearest_and_the_first_of_ties(k, rng):
    from pixelmeans.image.nearest import nearest_rgb

    colors = rng.integers(0, 256, (4000, 3), dtype=np.uint8)
    centers = rng.random((k, 3)) * 255
    centers[-1] = centers[0]  # a tie: the first must win
    ours = nearest_rgb(colors, centers)
    d = ((colors[:, None].astype(float) - centers[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(ours, d.argmin(axis=1))


def test_nearest_srgb_colour_does_not_depend_on_the_palette_order(rng):
    from pixelmeans.image.nearest import nearest_colors

    colors = rng.integers(0, 256, (5000, 3), dtype=np.uint8)
    palette = rng.integers(0, 128, (12, 3), dtype=np.uint8) * 2  # even values: many ties
    palette = np.unique(palette, axis=0)
    order = rng.permutation(len(palette))
    a = palette[nearest_colors(colors, palette, "rgb")]
    b = palette[order][nearest_colors(colors, palette[order], "rgb")]
    np.testing.assert_array_equal(a, b)


def _stripes_and_ramp():
    """Grey stripes 48 48 80 80 ... (left) beside a smooth ramp from 0 to 128 (right)."""
    stripes = np.tile(np.where(np.arange(64) // 2 % 2, 80, 48), (48, 1))
    ramp = np.tile(np.linspace(0, 128, 128), (48, 1))
    grey = np.rint(np.hstack([stripes, ramp])).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def _blurred_error(a, b):
    from scipy.ndimage import gaussian_filter

    return np.abs(gaussian_filter(a.astype(float) - b, sigma=(1.5, 1.5, 0))).mean()


def test_dithering_keeps_nearest_colours_in_texture_and_dithers_a_smooth_ramp():
    """With black and mid-grey: the stripes, whose nearest colours (0 and 128) average out
    to the picture, keep those exactly, though plain Floyd–Steinberg (Pillow's, the
    reference) would change them; the ramp is dithered, as Floyd–Steinberg does it, and its
    blurred error drops well below the nearest colours'."""
    img = _stripes_and_ramp()
    palette = np.array([[0, 0, 0], [128, 128, 128]], np.uint8)
    q = quantize(img, palette=palette, dither=True)
    nearest = palette[_nearest_by_brute_force(img, palette)]
    reference = Image.new("P", (1, 1))
    reference.putpalette(np.vstack([palette] * 128).tobytes())
    fs = np.asarray(Image.fromarray(img).quantize(palette=reference,
                                                  dither=Image.Dither.FLOYDSTEINBERG))
    fs = palette[fs % 2]
    texture, ramp = np.s_[:, :52], np.s_[:, 76:]  # away from where they meet
    assert np.array_equal(q.image[texture], nearest[texture])
    assert not np.array_equal(fs[texture], nearest[texture])  # so the above can fail
    assert (q.image[ramp] != nearest[ramp]).any(axis=2).mean() > 0.2
    assert _blurred_error(q.image[ramp], img[ramp]) < 0.5 * _blurred_error(nearest[ramp],
                                                                          img[ramp])
    # Where it dithers, the labels are Floyd–Steinberg's.
    changed = (q.image != nearest).any(axis=2)
    assert np.array_equal(q.image[changed], fs[changed])


def test_dithered_labels_are_palette_entries_and_deterministic():
    img = load_image(DATA / "coffee.jpg").pixels
    first, again = quantize(img, 16, dither=True), quantize(img, 16, dither=True)
    assert np.array_equal(first.labels, again.labels)
    assert first.labels.max() < len(first.palette)
    used = {tuple(c) for c in np.unique(first.image.reshape(-1, 3), axis=0)}
    assert used <= {tuple(c) for c in first.palette.colors}
    assert len(used) == len(first.palette)  # the shares count every label
    assert np.all(first.palette.weights > 0)
