"""Masks, cut-outs and their PNG files, read back with Pillow (an independent decoder)."""

from __future__ import annotations

import io
import struct
import sys
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from pixelmeans.image import masks
from pixelmeans.image.masks import bounding_box, cutout, cutout_png, png_bytes, rgba_words


def decoded(data: bytes) -> tuple[str, np.ndarray]:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.mode, np.asarray(im)


def chunks(data: bytes) -> dict[bytes, bytes]:
    """Every chunk of a PNG by type, each checked against its CRC."""
    found, at = {}, 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + body)
        found[kind] = body
        at += 12 + length
    return found


@settings(max_examples=40)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_one_bit_masks_round_trip(h, w, seed):
    mask = np.random.default_rng(seed).random((h, w)) < 0.4
    mode, back = decoded(png_bytes(mask))
    assert mode == "1" and (back == mask).all()


@settings(max_examples=30)
@given(st.integers(1, 30), st.integers(1, 30), st.sampled_from([3, 4]), st.integers(0, 2**32 - 1))
def test_rgb_and_rgba_round_trip(h, w, channels, seed):
    array = np.random.default_rng(seed).integers(0, 256, (h, w, channels), dtype=np.uint8)
    mode, back = decoded(png_bytes(array))
    assert mode == ("RGB" if channels == 3 else "RGBA") and (back == array).all()


def test_rows_filtered_across_bands(monkeypatch):
    """Bands of a few rows each: the "Up" filter of a band's first row uses the last row of
    the band before."""
    monkeypatch.setattr(masks, "BAND_BYTES", 64)
    rng = np.random.default_rng(0)
    array = rng.integers(0, 256, (37, 11, 4), dtype=np.uint8)
    assert (decoded(png_bytes(array))[1] == array).all()
    inside = rng.random((37, 11)) < 0.5
    box = bounding_box(inside)
    _, back = decoded(cutout_png(rgba_words(array[..., :3]), inside, box))
    assert (back == cutout(rgba_words(array[..., :3]), inside, box)).all()


def test_cutout_is_the_photo_inside_and_transparent_zero_outside():
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    inside = rng.random((20, 30)) < 0.3
    rgba = cutout(rgba_words(pixels), inside)
    assert (rgba[inside, :3] == pixels[inside]).all() and (rgba[inside, 3] == 255).all()
    assert (rgba[~inside] == 0).all()


def test_cutout_png_is_cropped_and_says_where():
    pixels = np.full((50, 60, 3), 200, np.uint8)
    inside = np.zeros((50, 60), bool)
    inside[12:30, 7:41] = True
    inside[12, 50] = True  # widens the box to column 50
    box = bounding_box(inside)
    assert box == (12, 7, 30, 51)
    data = cutout_png(rgba_words(pixels), inside, box)
    mode, back = decoded(data)
    assert mode == "RGBA" and back.shape == (18, 44, 4)
    assert struct.unpack(">iiB", chunks(data)[b"oFFs"]) == (7, 12, 0)  # x, y, in pixels


@settings(max_examples=40)
@given(st.integers(1, 25), st.integers(1, 25), st.integers(0, 2**32 - 1), st.floats(0, 0.2))
def test_bounding_box_is_the_extent_of_the_true_pixels(h, w, seed, density):
    inside = np.random.default_rng(seed).random((h, w)) < density
    rows, cols = np.nonzero(inside)
    expected = ((0, 0, 0, 0) if rows.size == 0 else
                (rows.min(), cols.min(), rows.max() + 1, cols.max() + 1))
    assert bounding_box(inside) == tuple(int(v) for v in expected)


@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (9, 1)])
def test_tiny_images(shape):
    mask = np.ones(shape, bool)
    assert (decoded(png_bytes(mask))[1] == mask).all()
    rgb = np.full((*shape, 3), 9, np.uint8)
    assert (decoded(png_bytes(rgb))[1] == rgb).all()


def test_without_isal_the_standard_zlib_writes_the_same_pixels(monkeypatch):
    """``isal`` (the ``fast`` extra) only speeds the deflate up; zlib is the fallback."""
    rng = np.random.default_rng(2)
    pixels = rng.integers(0, 256, (30, 20, 3), dtype=np.uint8)
    inside = rng.random((30, 20)) < 0.5
    box = bounding_box(inside)
    monkeypatch.setitem(sys.modules, "isal", None)  # import isal fails
    data = cutout_png(rgba_words(pixels), inside, box)
    assert (decoded(data)[1] == cutout(rgba_words(pixels), inside, box)).all()
    assert (decoded(png_bytes(pixels))[1] == pixels).all()
