"""``pixelmeans segment``: the overlay styles, what it says it wrote, and racing runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans import segment
from pixelmeans.cli import main
from pixelmeans.tasks.segment import Segmentation

CAT = str(Path(__file__).parents[2] / "src" / "pixelmeans" / "data" / "chelsea.jpg")


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("style", ["tint", "outline"])
def test_overlay_style_is_written_and_named(capsys, tmp_path, style):
    out = tmp_path / "cat"
    argv = ["segment", CAT, "-k", "4", "-o", str(out)]
    status, text, err = run(capsys, *argv, *(["--overlay", style] if style != "tint" else []))
    assert status == 0 and err == ""
    lines = text.splitlines()
    assert lines[0].startswith(f"{out}: 4 segments, ") and len(lines) == 1 + 1 + 4 + 1
    assert lines[-1] == (f"wrote {out}: labels.png, overlay.jpg ({style}), sheet.png, "
                         "summary.json, 4 masks, 4 cut-outs")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["files"]["overlay_style"] == style
    expected = segment(CAT, 4).overlay(style)
    with Image.open(out / "overlay.jpg") as im:
        drawn = np.asarray(im).astype(int)
    assert np.abs(drawn - expected).mean() < 4  # the same picture, up to JPEG's loss
    with Image.open(out / "sheet.png") as im:
        assert im.mode == "RGB" and im.width > im.height


def test_unknown_overlay_style_is_one_error_line(capsys, tmp_path):
    status, _, err = run(capsys, "segment", CAT, "-o", str(tmp_path / "s"), "--overlay", "glow")
    assert status == 2 and "--overlay" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_run_that_loses_the_race_for_the_folder_gets_one_error_line(capsys, tmp_path,
                                                                     monkeypatch):
    """Another run fills the folder while this one writes: this one reports it in one line,
    the winner's folder stays whole, and nothing of the loser is left behind."""
    out = tmp_path / "cat"
    write = Segmentation._write
    rivals = []

    def write_while_another_run_wins(self, folder, style):
        write(self, folder, style)
        if not rivals:  # the first run to get here lets a second one run to the end
            rivals.append("started")
            rivals.append(main(["segment", CAT, "-k", "2", "-o", str(out)]))

    monkeypatch.setattr(Segmentation, "_write", write_while_another_run_wins)
    status, _, err = run(capsys, "segment", CAT, "-k", "3", "-o", str(out))
    assert rivals == ["started", 0]
    assert status == 2 and err.count("\n") == 1 and err.startswith("pixelmeans: error: ")
    assert str(out) in err
    assert len(json.loads((out / "summary.json").read_text())["segments"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat"]
