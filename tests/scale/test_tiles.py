"""Tiled TIFFs quantized tile by tile: the same pixels as in memory, with bounded memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from pixelmeans import InvalidParameterError, quantize
from pixelmeans.cli import main
from pixelmeans.scale.runner import DaskRunner
from pixelmeans.scale.tiles import quantize_tiff, tiff_histogram, tiff_layout

tifffile = pytest.importorskip("tifffile", reason="the 'dask' extra is not installed")


def gradient(h, w, seed=0):
    """A smooth picture with some noise: many colours, like a scan."""
    yy, xx = np.mgrid[:h, :w]
    rng = np.random.default_rng(seed)
    img = np.stack([xx * 255 // w, yy * 255 // h, (xx + yy) * 127 // (h + w)], axis=2)
    return np.clip(img + rng.integers(-3, 4, img.shape), 0, 255).astype(np.uint8)


@pytest.fixture
def tiled(tmp_path):
    img = gradient(300, 410)
    path = tmp_path / "scan.tif"
    tifffile.imwrite(path, img, tile=(64, 128), photometric="rgb", compression="zlib")
    return path, img


def test_histogram_and_pixels_match_the_in_memory_job(tiled, tmp_path):
    path, img = tiled
    layout = tiff_layout(path)
    assert (layout.height, layout.width, layout.n_tiles) == (300, 410, 5 * 4)
    hist = tiff_histogram(layout)
    from pixelmeans import color_histogram

    expected = color_histogram(img)
    assert (hist.colors == expected.colors).all() and (hist.counts == expected.counts).all()
    seen = []
    result = quantize_tiff(path, tmp_path / "out.tif", 12, progress=lambda *a: seen.append(a))
    assert seen == [(i, 20, 0) for i in range(1, 21)]
    in_memory = quantize(img, 12)
    assert result.palette.hex == sorted(in_memory.palette.hex, key=result.palette.hex.index)
    written = tifffile.imread(tmp_path / "out.tif")
    assert written.shape == (300, 410) and written.dtype == np.uint8
    assert (result.palette.colors[written] == in_memory.image).all()
    with tifffile.TiffFile(tmp_path / "out.tif") as tif:
        page = tif.pages[0]
        assert page.is_tiled and (page.tilelength, page.tilewidth) == (64, 128)
        assert page.photometric == tifffile.PHOTOMETRIC.PALETTE


def test_same_result_on_a_local_cluster(tiled, tmp_path, dask_client):
    path, _ = tiled
    a = quantize_tiff(path, tmp_path / "a.tif", 8)
    b = quantize_tiff(path, tmp_path / "b.tif", 8, runner=DaskRunner(dask_client))
    assert a.palette.hex == b.palette.hex
    assert (tifffile.imread(a.path) == tifffile.imread(b.path)).all()


def posterized_gradient(n):
    """A 6-bit gradient: a few thousand colours, whatever the size."""
    yy, xx = np.mgrid[:n, :n]
    return np.stack([(xx * 64 // n) * 4, (yy * 64 // n) * 4, ((xx + yy) * 32 // n) * 4],
                    axis=2).astype(np.uint8)


def _peak_bytes(path, out):
    tracemalloc.start()
    try:
        quantize_tiff(path, out, 16)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_bounded_by_tiles_not_by_the_image(tmp_path):
    peaks = {}
    for n in (1024, 2048):  # 3 and 12 MiB of pixels, in 16 and 64 tiles of 256×256
        path = tmp_path / f"{n}.tif"
        tifffile.imwrite(path, posterized_gradient(n), tile=(256, 256), photometric="rgb",
                         compression="zlib")
        peaks[n] = _peak_bytes(path, tmp_path / f"out{n}.tif")
    assert peaks[2048] < 1.3 * peaks[1024], peaks  # four times the pixels, same memory
    assert peaks[2048] < 2048 * 2048 * 3 / 3, peaks  # well under the image itself


def test_errors(tmp_path, tiled, capsys):
    path, img = tiled
    strips = tmp_path / "strips.tif"
    tifffile.imwrite(strips, img, photometric="rgb")
    with pytest.raises(InvalidParameterError, match="strips, not tiles"):
        quantize_tiff(strips, tmp_path / "o.tif", 4)
    with pytest.raises(InvalidParameterError, match=r"\[1, 256\]"):
        quantize_tiff(path, tmp_path / "o.tif", 300)
    assert main(["quantize", str(tmp_path / "missing.tif"), "-o", str(tmp_path / "o.tif")]) == 2
    assert "missing.tif" in capsys.readouterr().err
    assert main(["quantize", str(path), "-k", "4", "-o", str(tmp_path / "o.tif")]) == 0
    assert "20 tiles" in capsys.readouterr().out
    assert main(["quantize", str(path), "-k", "4", "-o", str(tmp_path / "o.tif")]) == 2
    assert "--force" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.tif", "scan.tif", "strips.tif"]
