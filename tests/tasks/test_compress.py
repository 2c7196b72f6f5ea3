"""The compress job, checked against scikit-image's metrics and hand-computed sizes."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage.color import deltaE_ciede2000, rgb2lab
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity

from pixelmeans import InvalidParameterError, compress, compression_sweep
from pixelmeans.cli import main

DATA = Path(__file__).parents[2] / "src" / "pixelmeans" / "data"


def test_report_matches_scikit_image_metrics():
    report, q = compress(DATA / "chelsea.jpg", 8)
    from pixelmeans.image.load import load_image

    original = load_image(DATA / "chelsea.jpg").pixels
    assert report.mse == pytest.approx(mean_squared_error(original, q.image))
    assert report.psnr == pytest.approx(peak_signal_noise_ratio(original, q.image,
                                                                data_range=255))
    assert report.ssim == pytest.approx(structural_similarity(original, q.image,
                                                              channel_axis=2, data_range=255))
    delta = deltaE_ciede2000(rgb2lab(original), rgb2lab(q.image)).mean()
    assert report.delta_e == pytest.approx(delta, rel=2e-3)


def test_sizes_ratio_and_bits_per_pixel():
    report, q = compress(DATA / "chelsea.jpg", 16)
    assert (report.width, report.height) == (451, 300)
    assert report.raw_bytes == 451 * 300 * 3
    assert report.original_bytes == (DATA / "chelsea.jpg").stat().st_size
    assert report.png_bytes == len(q.encode("PNG"))
    assert report.ratio == pytest.approx(report.raw_bytes / report.png_bytes)
    assert report.bits_per_pixel == pytest.approx(report.png_bytes * 8 / (451 * 300))
    assert report.bits_per_pixel < 8  # an indexed PNG, not RGB


def test_lossless_when_k_covers_all_colours():
    img = np.zeros((10, 10, 3), np.uint8)
    img[5:] = (1, 2, 3)
    report, _ = compress(img, 2)
    assert report.mse == 0 and math.isinf(report.psnr) and report.delta_e == 0
    assert report.to_dict()["psnr"] is None
    json.dumps(report.to_dict())


def test_sweep_error_falls_and_size_grows_with_k():
    sweep = compression_sweep(DATA / "coffee.jpg", (2, 8, 32))
    mses = [r.mse for r in sweep.reports]
    sizes = [r.png_bytes for r in sweep.reports]
    assert mses == sorted(mses, reverse=True) and sizes == sorted(sizes)
    rows = list(csv.DictReader(io.StringIO(sweep.to_csv())))
    assert [int(r["n_colors"]) for r in rows] == [2, 8, 32]
    table = sweep.to_table().splitlines()
    assert table[1].split()[:3] == ["colours", "PNG", "bytes"]
    assert len({len(line) for line in table[1:]}) == 1  # aligned columns
    with pytest.raises(InvalidParameterError, match="at least one"):
        compression_sweep(DATA / "coffee.jpg", [])


def test_progress_is_reported():
    calls = []
    compression_sweep(DATA / "chelsea.jpg", (2, 4), progress=lambda *a: calls.append(a))
    assert calls == [(1, 2, 2), (2, 2, 4)]


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_quantize(capsys, tmp_path):
    out_path = tmp_path / "q.png"
    status, out, err = run(capsys, "quantize", str(DATA / "coffee.jpg"), "-k", "4", "-o",
                           str(out_path))
    assert status == 0 and err == ""
    assert out == f"{out_path}: 4 colours, {out_path.stat().st_size:,} bytes\n"
    status, _, err = run(capsys, "quantize", str(DATA / "coffee.jpg"), "-o", str(out_path))
    assert status == 2 and "already exists" in err
    status, _, _ = run(capsys, "quantize", str(DATA / "coffee.jpg"), "-k", "3", "-o",
                       str(out_path), "--force", "--dither", "--palette-from",
                       str(DATA / "chelsea.jpg"))
    assert status == 0


def test_cli_dither_with_palette_from_uses_that_palette_and_diffuses_error(capsys, tmp_path):
    """--palette-from: only the other image's colours, drawn as the library draws them;
    --dither: error diffusion, so not the nearest colours, and an average colour closer to
    the picture's."""
    from PIL import Image

    from pixelmeans import extract_palette, load_image, quantize

    photo, other = str(DATA / "coffee.jpg"), str(DATA / "chelsea.jpg")
    out_path = tmp_path / "d.png"
    assert run(capsys, "quantize", photo, "-k", "3", "-o", str(out_path), "--dither",
               "--palette-from", other)[0] == 0
    with Image.open(out_path) as im:
        written = np.asarray(im.convert("RGB")).reshape(-1, 3)
    palette = extract_palette(other, 3)
    assert {tuple(c) for c in written} <= {tuple(c) for c in palette.colors.tolist()}
    library = quantize(photo, 3, palette=palette, dither=True).to_pil().convert("RGB")
    assert np.array_equal(written, np.asarray(library).reshape(-1, 3))
    plain = np.asarray(quantize(photo, 3, palette=palette).to_pil().convert("RGB"))
    mean = load_image(photo).pixels.reshape(-1, 3).mean(axis=0)
    dithered_error = np.abs(written.mean(axis=0) - mean).sum()
    plain_error = np.abs(plain.reshape(-1, 3).mean(axis=0) - mean).sum()
    assert dithered_error < plain_error
    assert (written != plain.reshape(-1, 3)).any(axis=1).mean() > 0.1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["quantize", "missing.jpg", "-o", "x.png"], "missing.jpg: no such file"),
        (["quantize", "IMG", "-o", "x.jpg"], "x.jpg: quantized images are saved as"),
        (["quantize", "IMG", "-k", "300"], "-k 300: indexed images (PNG, GIF, WebP, palette "
                                           "TIFF) hold at most 256 colours"),
        (["compress", "IMG", "-k", "8,257"], "-k 257: the report measures indexed PNGs"),
        (["compress", "IMG", "-k", "4,16", "-o", "x.png"], "needs a single -k"),
        (["compress", "IMG", "-k", "4,0"], "expected a positive whole number, got '0'"),
        (["compress", "IMG", "--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_cli_errors(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    argv = [str(DATA / "chelsea.jpg") if a == "IMG" else a for a in argv]
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.startswith("pixelmeans: error: ") and err.count("\n") == 1 and message in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cli_compress_formats(capsys, fmt):
    status, out, _ = run(capsys, "compress", str(DATA / "chelsea.jpg"), "-k", "2,4",
                         "--format", fmt)
    assert status == 0
    if fmt == "json":
        assert [r["n_colors"] for r in json.loads(out)] == [2, 4]
    elif fmt == "csv":
        assert out.splitlines()[0].startswith("source,n_colors")
    else:
        assert "PSNR dB" in out


def test_cli_compress_single_k_writes_the_image(capsys, tmp_path):
    out_path = tmp_path / "c.png"
    status, out, _ = run(capsys, "compress", str(DATA / "chelsea.jpg"), "-k", "8", "-o",
                         str(out_path))
    assert status == 0 and out_path.exists()
    assert len(out.splitlines()) == 3  # source line, header, one row


def test_one_colour_sweep_is_one_row_and_one_warning():
    from pixelmeans.tasks.palette import PaletteWarning

    img = np.full((20, 30, 3), (40, 90, 200), np.uint8)
    with pytest.warns(PaletteWarning) as caught:
        sweep = compression_sweep(img, (2, 4, 8))
    assert len(caught) == 1
    assert "only 1 distinct colours; k = 2, 4, 8 give the image itself" in str(caught[0].message)
    assert [r.n_colors for r in sweep.reports] == [1]
    assert sweep.reports[0].mse == 0.0


def test_ssim_of_a_large_picture_is_taken_on_block_averages_as_its_authors_do(rng):
    from skimage.metrics import structural_similarity

    from pixelmeans.tasks.compress import ssim_scale

    img = np.asarray(Image.open(DATA / "coffee.jpg").convert("RGB").resize((1200, 801)))
    report, q = compress(img, 8)
    f = ssim_scale(801, 1200)
    assert f == 3
    block = lambda a: a.reshape(267, f, 400, f, 3).mean(axis=(1, 3))  # noqa: E731
    expected = structural_similarity(block(img.astype(float)), block(q.image.astype(float)),
                                     channel_axis=2, data_range=255)
    assert report.ssim == pytest.approx(expected, rel=1e-4)


def test_dithered_errors_count_every_pixel(rng):
    from skimage.color import deltaE_ciede2000

    from pixelmeans.image.colorspace import rgb_to_lab

    img = np.asarray(Image.open(DATA / "chelsea.jpg").convert("RGB"))
    report, q = compress(img, 6, dither=True)
    old, new = img.reshape(-1, 3).astype(float), q.image.reshape(-1, 3).astype(float)
    assert report.mse == pytest.approx(((old - new) ** 2).mean())
    assert report.delta_e == pytest.approx(
        deltaE_ciede2000(rgb_to_lab(old / 255), rgb_to_lab(new / 255)).mean())


def test_cli_quantize_names_its_output_after_the_image_and_never_replaces_it(capsys, tmp_path):
    source = tmp_path / "cat.jpg"
    source.write_bytes((DATA / "chelsea.jpg").read_bytes())
    status, out, _ = run(capsys, "quantize", str(source), "-k", "8")
    target = tmp_path / "cat-k8.png"
    assert status == 0 and out.startswith(f"{target}: 8 colours")
    with Image.open(target) as im:
        assert im.mode == "P" and im.size == (451, 300)
    before = target.read_bytes()
    status, _, err = run(capsys, "quantize", str(source), "-k", "8", "--seed", "5")
    assert status == 2 and "cat-k8.png: already exists" in err
    assert target.read_bytes() == before


def test_cli_quantize_writes_png_to_standard_output(capsysbinary):
    assert main(["quantize", str(DATA / "chelsea.jpg"), "-k", "4", "-o", "-"]) == 0
    captured = capsysbinary.readouterr()
    with Image.open(io.BytesIO(captured.out)) as im:
        assert im.format == "PNG" and im.mode == "P" and len(im.getpalette()) == 4 * 3
    assert captured.err.decode().startswith("<stdout>: 4 colours, ")


def test_cli_quantize_says_that_partial_transparency_becomes_opaque(capsys, tmp_path):
    rgba = np.dstack([np.asarray(Image.open(DATA / "chelsea.jpg").convert("RGB")),
                      np.full((300, 451), 128, np.uint8)])
    source, target = tmp_path / "half.png", tmp_path / "out.png"
    Image.fromarray(rgba).save(source)
    status, _, err = run(capsys, "quantize", str(source), "-k", "4", "-o", str(target))
    assert status == 0
    assert err == (f"pixelmeans: warning: {source}: 135,300 pixels are partly transparent; "
                   "transparency is kept as on or off (pixels at least half opaque count, and "
                   "are written, as opaque; the others as transparent)\n")
    with Image.open(target) as im:
        assert "transparency" not in im.info
