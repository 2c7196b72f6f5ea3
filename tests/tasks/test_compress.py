"""The compress job, checked against scikit-image's metrics and hand-computed sizes."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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


def _with_holes(path: Path) -> np.ndarray:
    """The photo as RGBA with a transparent band, so that some pixels do not count."""
    rgb = np.asarray(Image.open(path).convert("RGB"))
    alpha = np.full(rgb.shape[:2], 255, np.uint8)
    alpha[50:90] = 0
    return np.dstack([rgb, alpha])


@pytest.mark.parametrize("dither", [False, True])
@pytest.mark.parametrize("image", ["coffee", "holes"])
def test_each_row_of_a_sweep_is_what_compress_reports_and_quantize_writes(image, dither):
    """The sweep shares work across k and runs several k at once; every number must still be
    the one a single `compress` gives, and the PNG size that of the file `quantize` writes.
    (coffee is 600×400, so SSIM is taken on 2×2 block means.)"""
    from pixelmeans import quantize

    source = DATA / "coffee.jpg" if image == "coffee" else _with_holes(DATA / "coffee.jpg")
    ks = (2, 5, 16, 64)
    sweep = compression_sweep(source, ks, dither=dither)
    assert [r.n_colors for r in sweep.reports] == list(ks)
    for row, k in zip(sweep.reports, ks, strict=True):
        report, q = compress(source, k, dither=dither)
        assert row == report
        written = quantize(source, k, dither=dither).encode("PNG")
        assert row.png_bytes == len(written) == len(q.encode("PNG"))


def test_a_sweep_gives_the_same_reports_one_k_at_a_time_or_several(monkeypatch):
    """Reports and callbacks come in the order of ks however many k run at once."""
    from pixelmeans.tasks import compress as module

    def sweep(workers):
        monkeypatch.setattr(module, "SWEEP_WORKERS", workers)
        seen, steps = [], []
        result = compression_sweep(DATA / "chelsea.jpg", (8, 64, 2, 4),
                                   on_report=lambda r: seen.append(r.n_colors),
                                   progress=lambda *a: steps.append(a))
        assert seen == [8, 64, 2, 4]
        assert steps == [(1, 4, 8), (2, 4, 64), (3, 4, 2), (4, 4, 4)]
        return result

    from threadpoolctl import threadpool_info

    before = threadpool_info()
    assert sweep(1) == sweep(2) == sweep(3)
    assert threadpool_info() == before  # the sweep's limit on BLAS threads is lifted


def test_a_shared_random_state_is_drawn_from_one_k_after_the_other():
    """With a RandomState (not a seed) each k takes the draws after the previous k's, as
    successive calls would: the sweep then runs one k at a time."""
    img = np.asarray(Image.open(DATA / "chelsea.jpg").convert("RGB"))[::2, ::2]
    sweep = compression_sweep(img, (3, 6, 12), random_state=np.random.RandomState(7))
    state = np.random.RandomState(7)
    assert list(sweep.reports) == [compress(img, k, random_state=state)[0] for k in (3, 6, 12)]


def test_an_error_in_one_k_of_a_sweep_stops_it(monkeypatch):
    from pixelmeans.tasks import compress as module

    real = module.redraw_with_colors

    def failing(img, k, **kwargs):
        if k == 4:
            raise InvalidParameterError("k = 4 failed")
        return real(img, k, **kwargs)

    monkeypatch.setattr(module, "redraw_with_colors", failing)
    seen = []
    with pytest.raises(InvalidParameterError, match="k = 4 failed"):
        compression_sweep(DATA / "chelsea.jpg", (2, 4, 8, 16, 32),
                          on_report=lambda r: seen.append(r.n_colors))
    assert seen == [2]


@given(f=st.integers(2, 100), k=st.sampled_from([1, 2, 7, 256, 300]),
       extra=st.tuples(st.integers(0, 99), st.integers(0, 99)), seed=st.integers(0, 2**16),
       blocks=st.tuples(st.integers(1, 20), st.integers(1, 3)))
@settings(max_examples=40)
def test_block_means_from_labels_equal_those_of_the_redrawn_picture(f, k, extra, seed, blocks):
    """Including blocks of more than 90×90 pixels, whose sums no longer fit three to a
    64-bit word, and palettes of bright colours (the largest sums)."""
    from pixelmeans.image.indexed import expand
    from pixelmeans.tasks.compress import _block_means, _redrawn_block_means

    rng = np.random.default_rng(seed)
    height, width = blocks[0] * f + extra[0] % f, blocks[1] * f + extra[1] % f
    colors = rng.integers(200, 256, (k, 3)).astype(np.uint8)
    labels = rng.integers(0, k, (height, width)).astype(np.uint8 if k <= 256 else np.uint16)
    expected = _block_means(expand(labels, colors), f)
    got = _redrawn_block_means(labels, colors, f)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


@given(codes=st.lists(st.integers(0, 999), max_size=300), table=st.sampled_from([10, 2000]))
def test_distinct_pairs_are_those_numpy_finds_by_sorting(codes, table):
    """Dithered, the (colour, label) pairs are counted in a table when few can occur, else
    sorted: both give np.unique's answer."""
    from pixelmeans.tasks import compress as module

    values = np.array(codes, dtype=np.uint32)
    saved = module.PAIR_TABLE
    module.PAIR_TABLE = table  # 10: sorted; 2000: counted in a table
    try:
        got = module._distinct(values, 1000)
    finally:
        module.PAIR_TABLE = saved
    expected = np.unique(values, return_counts=True)
    assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True))
