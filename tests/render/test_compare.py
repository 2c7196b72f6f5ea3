"""The before/after picture: each half is exactly its picture, labels in the corners."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans import quantize
from pixelmeans.cli import main
from pixelmeans.errors import InvalidParameterError
from pixelmeans.render.compare import before_after

PHOTO = Path(__file__).parents[2] / "src" / "pixelmeans" / "data" / "chelsea.jpg"


@pytest.fixture
def pair(rng):
    before = rng.integers(0, 256, (60, 90, 3), dtype=np.uint8)
    return before, 255 - before


def test_side_by_side_halves_are_the_pictures(pair):
    before, after = pair
    sheet = np.asarray(before_after(before, after, labels=("", "")))
    assert sheet.shape == (60, 2 * 90 + 8, 3)
    np.testing.assert_array_equal(sheet[:, :90], before)
    np.testing.assert_array_equal(sheet[:, 98:], after)
    assert (sheet[:, 90:98] == 255).all()  # a white gap between


def test_labels_are_drawn_in_the_top_corners_only(pair):
    before, after = pair
    plain = np.asarray(before_after(before, after, labels=("", "")))
    labelled = np.asarray(before_after(before, after, labels=("original", "k = 4")))
    changed = np.argwhere((plain != labelled).any(axis=2))
    assert len(changed) and changed[:, 0].max() < 30  # only the top strip
    assert changed[:, 1].min() < 90 < changed[:, 1].max()  # on both pictures


def test_split_shows_each_half(pair):
    before, after = pair
    sheet = np.asarray(before_after(before, after, layout="split", labels=("", "")))
    assert sheet.shape == before.shape
    np.testing.assert_array_equal(sheet[:, :45], before[:, :45])
    np.testing.assert_array_equal(sheet[:, 46:], after[:, 46:])
    assert (sheet[:, 45] == 255).all()  # the dividing line


def test_transparency_shows_over_a_checkerboard():
    clear = np.zeros((24, 24, 4), np.uint8)
    sheet = np.asarray(before_after(clear, clear, labels=("", "")))
    assert sorted(np.unique(sheet[:, :24])) == [205, 240]


def test_max_width_and_errors(pair):
    before, after = pair
    assert before_after(before, after, max_width=45).size == (2 * 45 + 8, 30)
    with pytest.raises(InvalidParameterError, match="differ in size"):
        before_after(before, after[:10])
    with pytest.raises(InvalidParameterError, match="layout should be one of"):
        before_after(before, after, layout="wipe")
    with pytest.raises(InvalidParameterError, match="uint8"):
        before_after(before.astype(float), after)


def test_cli_compare_for_quantize_and_compress(capsys, tmp_path):
    out, picture = tmp_path / "q.png", tmp_path / "cmp.png"
    assert main(["quantize", str(PHOTO), "-k", "5", "-o", str(out), "--compare",
                 str(picture)]) == 0
    assert f"pixelmeans: wrote {picture} (before/after)" in capsys.readouterr().err
    with Image.open(picture) as im:
        sheet = np.asarray(im.convert("RGB"))
    expected = quantize(PHOTO, 5).image
    np.testing.assert_array_equal(sheet[100:, -200:], expected[100:, -200:])

    picture = tmp_path / "c.png"
    assert main(["compress", str(PHOTO), "-k", "5", "--compare", str(picture)]) == 0
    err = capsys.readouterr().err
    assert err == f"pixelmeans: wrote {picture} (before/after)\n"
    with Image.open(picture) as im:
        assert im.size == (2 * 451 + 8, 300)


@pytest.mark.parametrize(("argv", "message"), [
    (["compress", str(PHOTO), "-k", "4,8", "--compare", "c.png"], "--compare needs a single -k"),
    (["compress", str(PHOTO), "-k", "4", "--compare", "c.txt"], "c.txt: pictures are saved as"),
    (["quantize", str(PHOTO.parent), "-o", "out", "--compare", "c.png"], "single image"),
])
def test_cli_compare_refusals(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
