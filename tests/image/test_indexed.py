"""The one writer of indexed images: exact round trips, transparency, measured settings."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from pixelmeans.image import indexed
from pixelmeans.image.indexed import encode, indexed_image


def _photo_labels(k, rng, shape=(60, 80)):
    """Smooth-ish labels (runs and noise) and k random colours."""
    labels = (np.add.outer(np.arange(shape[0]), np.arange(shape[1])) // 7 % k).astype(np.uint8)
    flip = rng.random(shape) < 0.2
    labels[flip] = rng.integers(0, k, flip.sum())
    colors = rng.choice(256**3, k, replace=False)
    return labels, np.stack([colors >> 16, (colors >> 8) & 255, colors & 255], 1).astype(np.uint8)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
@pytest.mark.parametrize("k", [2, 16, 200])
def test_every_format_round_trips_exactly_with_transparency(fmt, k, rng):
    labels, colors = _photo_labels(k, rng)
    mask = rng.random(labels.shape) > 0.1
    data = encode(indexed_image(labels, colors, mask), fmt)
    with Image.open(io.BytesIO(data)) as im:
        back = np.asarray(im.convert("RGBA"))
    np.testing.assert_array_equal(back[..., 3] == 255, mask)
    np.testing.assert_array_equal(back[..., :3][mask], colors[labels][mask])


def _pillow(im, **options):
    buffer = io.BytesIO()
    im.save(buffer, "PNG", **options)
    return buffer.getvalue()


@pytest.mark.parametrize("k", [4, 16, 17])
def test_png_keeps_the_smaller_of_the_default_and_rle_strategies_for_few_colours(k, rng):
    im = indexed_image(*_photo_labels(k, rng))
    default = _pillow(im, compress_level=9)
    rle = _pillow(im, compress_level=9, compress_type=Image.RLE)
    expected = min(default, rle, key=len) if k <= 16 else default
    assert encode(im, "PNG") == expected


def test_large_images_use_the_faster_png_level(monkeypatch, rng):
    im = indexed_image(*_photo_labels(64, rng))
    assert encode(im, "PNG") == _pillow(im, compress_level=9)
    monkeypatch.setattr(indexed, "PNG_LEVEL_UP_TO", (9, im.width * im.height - 1))
    assert encode(im, "PNG") == _pillow(im, compress_level=indexed.PNG_LEVEL_ABOVE)
