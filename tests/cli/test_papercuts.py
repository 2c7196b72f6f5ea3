"""Papercuts a user met: each option named in a message exists, no option is silently
ignored, and every file written is named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans.cli import main
from pixelmeans.datasets.loaders import load_image_folder

PHOTO = str(Path(__file__).parents[2] / "src" / "pixelmeans" / "data" / "coffee.jpg")


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def mixed_sizes(tmp_path):
    """A data set folder of two labels whose images differ in size."""
    rng = np.random.default_rng(0)
    for label, size in (("a", (8, 6)), ("b", (10, 7))):
        (tmp_path / label).mkdir()
        for i in range(4):
            pixels = rng.integers(0, 256, (size[1], size[0]), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / label / f"{i}.png")
    return tmp_path


def test_cluster_size_option_named_by_the_error_exists(capsys, mixed_sizes):
    status, _, err = run(capsys, "cluster", str(mixed_sizes), "-k", "2")
    assert status == 2 and "--size W,H" in err
    status, out, err = run(capsys, "cluster", str(mixed_sizes), "-k", "2", "--size", "8,6")
    assert status == 0, err
    assert out.startswith(f"{mixed_sizes.name}: 8 images of (6, 8), kmeans")
    expected = load_image_folder(mixed_sizes, size=(8, 6))
    assert expected.X.shape == (8, 48)


def test_cluster_more_clusters_than_images_names_the_data_set(capsys, mixed_sizes):
    status, out, err = run(capsys, "cluster", str(mixed_sizes), "-k", "20", "--size", "8,6")
    assert status == 2 and out == ""
    assert err == f"pixelmeans: error: {mixed_sizes}: 8 images, fewer than -k 20 clusters\n"


@pytest.mark.parametrize(("size", "message"), [("8", "expected W,H"), ("0,5", "positive"),
                                               ("a,b", "positive")])
def test_cluster_bad_size(capsys, mixed_sizes, size, message):
    status, _, err = run(capsys, "cluster", str(mixed_sizes), "--size", size)
    assert status == 2 and message in err and err.count("\n") == 1


def test_size_applies_to_folders_only(capsys):
    status, _, err = run(capsys, "cluster", "digits", "--size", "8,8")
    assert status == 2 and "folder of images only" in err


def test_refine_steps_without_minibatch_is_refused(capsys):
    status, _, err = run(capsys, "cluster", "digits", "--refine-steps", "2")
    assert status == 2 and "--refine-steps needs --minibatch" in err


def test_no_arguments_prints_usage_and_the_commands(capsys):
    status, out, err = run(capsys)
    assert status == 2 and out == ""
    assert err.startswith("usage: pixelmeans")
    for command in ("palette", "quantize", "compress", "segment", "cluster", "plot"):
        assert f"    {command} " in err
    assert "COMMAND --help" in err


def test_top_level_help_describes_the_program(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    out = capsys.readouterr().out
    assert stop.value.code == 0
    assert "K-means for the colours in images" in out and "examples:" in out
    assert "``" not in out and "Returns" not in out  # no docstring markup


def test_compress_output_and_swatch_say_what_they_wrote(capsys, tmp_path):
    target = tmp_path / "c.png"
    status, out, err = run(capsys, "compress", PHOTO, "-k", "4", "-o", str(target))
    assert status == 0 and out.splitlines()[1].split()[0] == "colours"
    assert err == f"pixelmeans: wrote {target} ({target.stat().st_size:,} bytes)\n"
    swatch = tmp_path / "s.png"
    status, _, err = run(capsys, "palette", PHOTO, "-k", "3", "--swatch", str(swatch))
    assert status == 0 and swatch.exists()
    with Image.open(swatch) as card:
        width, height = card.size
    assert err == f"pixelmeans: wrote {swatch} ({width}×{height} card)\n"


def test_normalize_needs_plots_and_reaches_them(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    status, _, err = run(capsys, "cluster", "digits", "--normalize", "cluster")
    assert status == 2 and "give --plots FOLDER too" in err
    status, _, err = run(capsys, "cluster", "digits", "-k", "10", "--normalize", "label",
                         "--plots", str(tmp_path / "p"))
    assert status == 0 and f"wrote {tmp_path / 'p'}/ (4 charts)" in err
    assert (tmp_path / "p" / "confusion-k10.png").exists()
