"""Data set loaders: IDX parsing, MNIST (local and downloaded), folders, npz, digits."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans.datasets.loaders import (
    MNIST_FILES,
    load_dataset,
    load_digits,
    load_idx,
    load_image_folder,
    load_mnist,
    load_npz,
    parse_idx,
    read_idx,
)
from pixelmeans.errors import DatasetError

# The real MNIST files (11 MB) are never downloaded by the tests (tests need no network):
# they are looked for in $PIXELMEANS_DATA/mnist, else in ../shared/data/mnist beside the
# repository (where this project's machines keep them). In a fresh clone neither exists, so
# these tests skip and say so.
MNIST = (Path(os.environ["PIXELMEANS_DATA"]) / "mnist" if os.environ.get("PIXELMEANS_DATA")
         else Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist")
needs_mnist = pytest.mark.skipif(
    not (MNIST / "train-images-idx3-ubyte.gz").exists(),
    reason=f"real MNIST not found: no {MNIST}/train-images-idx3-ubyte.gz (looked in "
           "$PIXELMEANS_DATA/mnist, else ../shared/data/mnist beside the repository; tests "
           "never download); put the four MNIST .gz files there to run these tests")


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file written by hand: magic, big-endian sizes, data."""
    code = {np.dtype(np.uint8): 0x08, np.dtype(np.int32): 0x0C}[array.dtype]
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def test_idx_round_trip_raw_and_gzip(tmp_path, rng):
    images = rng.integers(0, 256, (5, 4, 3), dtype=np.uint8)
    labels = np.array([1, 0, 7, 7, 2], dtype=np.uint8)
    (tmp_path / "i.idx").write_bytes(idx_bytes(images))
    (tmp_path / "l.idx.gz").write_bytes(gzip.compress(idx_bytes(labels)))
    data = load_idx(tmp_path / "i.idx", tmp_path / "l.idx.gz")
    np.testing.assert_array_equal(data.images, images)
    assert data.labels.tolist() == [1, 0, 7, 7, 2]
    np.testing.assert_allclose(data.X, images.reshape(5, 12) / 255, rtol=1e-6)
    wide = np.array([[1, -2], [300000, 4]], dtype=np.int32)
    np.testing.assert_array_equal(parse_idx(idx_bytes(wide)), wide)


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b"", "bad magic number none"),
        (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "bad magic number 01000801"),
        (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "not an IDX file"),
        (b"\x00\x00\x08\x03\x00\x00", r"truncated IDX header \(3 dimensions\)"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x04\x01\x02", r"IDX data is truncated: header \(4,\)"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02", "longer than its header says"),
    ],
)
def test_corrupt_idx_is_refused_clearly(data, pattern):
    with pytest.raises(DatasetError, match=pattern):
        parse_idx(data, "x.idx")


def test_idx_files_that_do_not_fit_together(tmp_path):
    (tmp_path / "i.idx").write_bytes(idx_bytes(np.zeros((3, 2, 2), np.uint8)))
    (tmp_path / "l.idx").write_bytes(idx_bytes(np.zeros(4, np.uint8)))
    with pytest.raises(DatasetError, match="4 labels for 3 images"):
        load_idx(tmp_path / "i.idx", tmp_path / "l.idx")
    with pytest.raises(DatasetError, match="no such file"):
        read_idx(tmp_path / "missing.idx")
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b\x08garbage")
    with pytest.raises(DatasetError, match="corrupt gzip data"):
        read_idx(tmp_path / "bad.gz")


@needs_mnist
def test_real_mnist():
    train, test = load_mnist(MNIST)
    assert train.images.shape == (60_000, 28, 28) and test.images.shape == (10_000, 28, 28)
    assert np.bincount(train.labels).tolist()[:3] == [5923, 6742, 5958]


def test_mnist_missing_gives_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match=r"train-images-idx3-ubyte not found in .*download"):
        load_mnist(tmp_path)


@pytest.fixture
def mnist_server(tmp_path):
    """A local HTTP server with tiny stand-ins for the four MNIST files."""
    files = {
        "train-images-idx3-ubyte": idx_bytes(np.zeros((3, 28, 28), np.uint8)),
        "train-labels-idx1-ubyte": idx_bytes(np.array([1, 2, 3], np.uint8)),
        "t10k-images-idx3-ubyte": idx_bytes(np.ones((2, 28, 28), np.uint8)),
        "t10k-labels-idx1-ubyte": idx_bytes(np.array([4, 5], np.uint8)),
    }
    served = {f"/{name}.gz": gzip.compress(data) for name, data in files.items()}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = served.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    yield f"http://127.0.0.1:{server.server_address[1]}", digests
    server.shutdown()
    server.server_close()


def test_download_verifies_checksums(tmp_path, monkeypatch, mnist_server):
    url, digests = mnist_server
    # The canonical checksums would refuse the stand-ins: prove that first.
    with pytest.raises(DatasetError, match=r"SHA-256 .* does not match the expected"):
        load_mnist(tmp_path / "a", download=True, base_url=url)
    assert not (tmp_path / "a" / "train-images-idx3-ubyte").exists()
    fake = {key: (stem, digests[stem]) for key, (stem, _) in MNIST_FILES.items()}
    monkeypatch.setattr("pixelmeans.datasets.loaders.MNIST_FILES", fake)
    train, test = load_mnist(tmp_path / "b", download=True, base_url=url)
    assert train.labels.tolist() == [1, 2, 3] and test.labels.tolist() == [4, 5]
    assert (tmp_path / "b" / "t10k-labels-idx1-ubyte").exists()
    monkeypatch.setenv("PIXELMEANS_DATA", str(tmp_path / "b"))
    assert len(load_mnist()[0]) == 3  # found again, no download


def test_image_folder(tmp_path):
    for label, value in (("cats", 10), ("dogs", 200)):
        (tmp_path / label).mkdir()
        for i in range(2):
            Image.new("L", (6, 4), value + i).save(tmp_path / label / f"{i}.png")
    data = load_image_folder(tmp_path)
    assert data.images.shape == (4, 4, 6) and data.labels.tolist() == [0, 0, 1, 1]
    assert data.class_names == ("cats", "dogs") and data.images[3, 0, 0] == 201
    Image.new("L", (5, 5), 0).save(tmp_path / "dogs" / "odd.png")
    with pytest.raises(DatasetError, match=r"odd.png: 5×5 differs from the first image \(6×4\)"):
        load_image_folder(tmp_path)
    assert load_image_folder(tmp_path, size=(3, 3)).images.shape == (5, 3, 3)


def test_npz_and_digits(tmp_path, rng):
    X = rng.random((6, 16))
    np.savez(tmp_path / "d.npz", X=X, y=np.arange(6))
    data = load_npz(tmp_path / "d.npz")
    assert data.images.shape == (6, 4, 4) and data.labels.tolist() == list(range(6))
    np.savez(tmp_path / "bad.npz", Z=X)
    with pytest.raises(DatasetError, match="no array named 'X'"):
        load_npz(tmp_path / "bad.npz")
    digits = load_digits()
    assert digits.images.shape == (1797, 8, 8) and digits.images.max() == 255
    assert load_dataset("digits")[0].name == "digits"
