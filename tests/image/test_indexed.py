"""The one writer of indexed images: exact round trips, transparency, measured settings."""

from __future__ import annotations

import io
import zlib

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


def _chunks(data):
    """``{type: [body, ...]}`` of a PNG file, read with nothing but its format."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        kind, body = data[at + 4:at + 8].decode(), data[at + 8:at + 8 + size]
        assert zlib.crc32(data[at + 4:at + 8 + size]) == int.from_bytes(
            data[at + 8 + size:at + 12 + size], "big")
        chunks.setdefault(kind, []).append(body)
        at += 12 + size
    return chunks


@pytest.mark.parametrize(("k", "bits"), [(2, 1), (4, 2), (16, 4), (17, 8), (256, 8)])
def test_png_rows_are_unfiltered_at_the_smallest_depth_with_exactly_k_entries(k, bits, rng):
    labels, colors = _photo_labels(k, rng, shape=(37, 53))
    chunks = _chunks(encode(indexed_image(labels, colors), "PNG"))
    width, height = 53, 37
    assert chunks["IHDR"][0][8] == bits and chunks["IHDR"][0][9] == 3
    assert len(chunks["PLTE"][0]) == 3 * k
    raw = zlib.decompress(b"".join(chunks["IDAT"]))
    stride = (width * bits + 7) // 8 + 1
    assert len(raw) == height * stride
    assert all(raw[row * stride] == 0 for row in range(height))  # filter "none"


def test_pieces_deflated_apart_make_one_stream_close_to_a_single_one(monkeypatch, rng):
    from pixelmeans.image import pngfile

    data = (rng.integers(0, 4, 3_000_000, dtype=np.uint8) * 60).tobytes()
    monkeypatch.setattr(pngfile, "PIECE_BYTES", 700_000)  # five pieces
    joined = pngfile.zlib_stream(data, 6)
    assert zlib.decompress(joined) == data
    assert len(joined) <= 1.01 * len(zlib.compress(data, 6))


def test_png_keeps_partial_transparency_of_each_entry(rng):
    im = indexed_image(np.array([[0, 1, 2]]), np.array([[9, 9, 9], [200, 0, 0], [0, 0, 0]]))
    im.info["transparency"] = bytes([255, 128])  # entry 2 is opaque: tRNS stops before it
    data = encode(im, "PNG")
    assert _chunks(data)["tRNS"] == [bytes([255, 128])]
    with Image.open(io.BytesIO(data)) as back:
        assert np.asarray(back.convert("RGBA")).tolist() == [
            [[9, 9, 9, 255], [200, 0, 0, 128], [0, 0, 0, 255]]]


def test_png_level_follows_the_measured_rule():
    assert indexed.png_level(2_000_000, 4) == 9
    assert indexed.png_level(2_000_001, 2) == indexed.png_level(2_000_001, 16) == 8
    assert indexed.png_level(2_000_001, 17) == indexed.png_level(2_000_001, 256) == 7


def test_webp_wider_than_its_limit_is_refused_before_encoding(tmp_path):
    from pixelmeans.errors import InvalidParameterError

    im = indexed_image(np.zeros((1, 20_000), np.uint8), np.array([[1, 2, 3]], np.uint8))
    with pytest.raises(InvalidParameterError, match=r"wide\.webp: a 20000×1 image cannot be "
                                                    r"saved as WebP \(at most 16383"):
        indexed.save_indexed(im, tmp_path / "wide.webp")
    assert list(tmp_path.iterdir()) == []
