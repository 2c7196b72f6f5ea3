"""Loading images from every kind of source, and atomic writes."""

from __future__ import annotations

import http.server
import io
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans import ImageReadError, ImageTooLargeError, OutputExistsError
from pixelmeans.files.atomic import write_atomically
from pixelmeans.image.load import ImageContentWarning, load_image

DATA = Path(__file__).parents[2] / "src" / "pixelmeans" / "data"


def _png_bytes(im: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="PNG", **kw)
    return buf.getvalue()


@pytest.fixture
def photo_array(rng):
    return rng.integers(0, 256, (6, 9, 3), dtype=np.uint8)


def test_all_sources_give_the_same_pixels(tmp_path, photo_array):
    im = Image.fromarray(photo_array)
    path = tmp_path / "p.png"
    im.save(path)
    data = path.read_bytes()
    for source in (str(path), path, data, io.BytesIO(data), im, photo_array):
        img = load_image(source)
        np.testing.assert_array_equal(img.pixels, photo_array)
        assert img.mask is None
    assert load_image(path).file_size == len(data)


def test_exif_orientation_is_applied(tmp_path):
    a = np.zeros((32, 48, 3), np.uint8)
    a[:16, :16] = (255, 0, 0)  # red block top left, as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    path = tmp_path / "r.jpg"
    Image.fromarray(a).save(path, exif=exif, quality=95)
    img = load_image(path)
    assert img.shape == (48, 32)
    assert img.pixels[:12, -12:, 0].mean() > 200  # the red block is now top right
    assert img.pixels[:12, :12, 0].mean() < 50


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [("L", 128, (128, 128, 128)), ("CMYK", (0, 255, 255, 0), (255, 0, 0)),
     ("1", 1, (255, 255, 255))],
)
def test_modes_are_converted(mode, value, expected):
    img = load_image(_png_bytes(Image.new(mode, (3, 2), value)) if mode != "CMYK"
                     else Image.new(mode, (3, 2), value))
    assert tuple(img.pixels[0, 0]) == expected


def test_sixteen_bit_grey_png_is_scaled():
    a = np.full((2, 2), 65535, dtype=np.uint16)
    a[0, 0] = 257 * 10
    img = load_image(_png_bytes(Image.fromarray(a)))
    assert img.pixels[0, 0].tolist() == [10, 10, 10]
    assert img.pixels[1, 1].tolist() == [255, 255, 255]


def test_alpha_and_palette_transparency_become_a_mask():
    rgba = np.zeros((2, 2, 4), np.uint8)
    rgba[0, 0] = (10, 20, 30, 255)
    rgba[0, 1] = (10, 20, 30, 200)
    with pytest.warns(ImageContentWarning, match="1 pixels are partly transparent; "
                                                 "transparency is kept as on or off"):
        img = load_image(_png_bytes(Image.fromarray(rgba)))
    assert img.mask.tolist() == [[True, True], [False, False]]
    assert img.n_counted == 2
    p = Image.new("P", (2, 1))
    p.putpalette([255, 0, 0, 0, 255, 0])
    p.putpixel((1, 0), 1)
    p.info["transparency"] = 1
    img = load_image(_png_bytes(p, transparency=1))
    assert img.mask.tolist() == [[True, False]]


def test_first_frame_of_an_animation():
    frames = [Image.new("RGB", (4, 4), c) for c in ((255, 0, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    with pytest.warns(ImageContentWarning, match="an animation of 2 frames; only the first "
                                                 "frame is used"):
        assert load_image(buf.getvalue()).pixels[0, 0].tolist() == [255, 0, 0]


@pytest.mark.parametrize(
    ("array", "expected"),
    [(np.full((2, 2), 1.0), 255), (np.full((2, 2, 3), 0.5, np.float32), 128),
     (np.full((2, 2, 3), 65535, np.uint16), 255), (np.full((2, 2, 1), 7, np.int64), 7)],
)
def test_array_dtypes(array, expected):
    assert load_image(array).pixels[0, 0, 0] == expected


def test_pixel_limit_is_checked_before_decoding():
    data = _png_bytes(Image.new("RGB", (100, 100)))
    with pytest.raises(ImageTooLargeError, match=r"100×100 = 10,000 pixels is over the limit"):
        load_image(data, max_pixels=9999)
    assert load_image(data, max_pixels=10_000).shape == (100, 100)


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda p: p / "missing.png", r"missing.png: no such file"),
        (lambda p: p, r"is a directory"),
        (lambda p: _file(p / "e.png", b""), r"e.png: file is empty"),
        (lambda p: _file(p / "t.txt", b"hello"), r"t.txt: not an image"),
        (lambda p: _file(p / "c.jpg", (DATA / "coffee.jpg").read_bytes()[:3000]),
         r"c.jpg: corrupt or truncated image"),
    ],
)
def test_unreadable_files_have_one_clear_message(tmp_path, make, pattern):
    with pytest.raises(ImageReadError, match=pattern):
        load_image(make(tmp_path))


def test_bad_arrays_and_sources():
    with pytest.raises(ImageReadError, match=r"float images must hold finite values in \[0, 1\]"):
        load_image(np.full((2, 2, 3), 2.0))
    with pytest.raises(ImageReadError, match=r"expected an H×W, H×W×3 or H×W×4 array"):
        load_image(np.zeros((2, 2, 5), np.uint8))
    with pytest.raises(ImageReadError, match="only http:// and https:// URLs"):
        load_image("ftp://example.org/a.png")
    with pytest.raises(ImageReadError, match="cannot read an image from a int"):
        load_image(42)


@pytest.fixture
def http_server():
    """A local HTTP server on loopback serving a few canned responses."""
    png = _png_bytes(Image.new("RGB", (3, 3), (1, 2, 3)))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/ok.png":
                body, status = png, 200
            elif self.path == "/big.png":
                body, status = png + b"\0" * 5000, 200
            else:
                body, status = b"nope", 404
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_source(http_server):
    img = load_image(f"{http_server}/ok.png")
    assert img.pixels[0, 0].tolist() == [1, 2, 3]
    with pytest.raises(ImageReadError, match="HTTP 404"):
        load_image(f"{http_server}/missing.png")
    with pytest.raises(ImageReadError, match="over the 1000 byte limit"):
        load_image(f"{http_server}/big.png", max_download_bytes=1000)


def test_atomic_write_never_replaces_or_leaves_partial_files(tmp_path):
    target = tmp_path / "out.txt"
    write_atomically(target, lambda p: p.write_text("one"))
    with pytest.raises(OutputExistsError, match="already exists"):
        write_atomically(target, lambda p: p.write_text("two"))
    assert target.read_text() == "one"

    def boom(p):
        p.write_text("partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, boom, overwrite=True)
    assert target.read_text() == "one"
    write_atomically(target, lambda p: p.write_text("three"), overwrite=True)
    assert target.read_text() == "three"
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.txt"]
