"""The command line: output formats, files, and one-line errors with exit status 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans.cli import main

PHOTO = str(Path(__file__).parents[2] / "src" / "pixelmeans" / "data" / "coffee.jpg")


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_text_table(capsys):
    status, out, err = run(capsys, "palette", PHOTO, "-k", "4")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["hex", "rgb", "share"]
    assert len(lines) == 5
    shares = [float(line.split()[-1].rstrip("%")) for line in lines[1:]]
    assert sum(shares) == pytest.approx(100, abs=0.3)
    assert "\x1b[" not in out  # no colour codes when not on a terminal


def test_json_matches_library(capsys):
    from pixelmeans import extract_palette

    status, out, _ = run(capsys, "palette", PHOTO, "-k", "5", "--format", "json", "--seed", "2")
    assert status == 0
    doc = json.loads(out)
    assert doc["source"] == PHOTO
    assert [c["hex"] for c in doc["colors"]] == extract_palette(PHOTO, 5, random_state=2).hex
    assert set(doc["colors"][0]) == {"hex", "rgb", "share", "weight"}


def _parse_css(out):
    assert out.startswith(":root {\n") and out.endswith("}\n")
    return [(line.split(": ")[1].split(";")[0], line.split("/* ")[1].rstrip(" */"))
            for line in out.splitlines()[1:-1]]


def _parse_gpl(out):
    lines = out.splitlines()
    assert lines[:4] == ["GIMP Palette", f"Name: pixelmeans {PHOTO}", "Columns: 8", "#"]
    entries = []
    for line in lines[4:]:
        rgb, rest = line.split("\t")
        hex_code, share = rest.split(" (")
        assert "#{:02x}{:02x}{:02x}".format(*map(int, rgb.split())) == hex_code
        entries.append((hex_code, share.rstrip(")")))
    return entries


@pytest.mark.parametrize(("fmt", "parse"), [
    ("css", _parse_css),
    ("gpl", _parse_gpl),
    ("hex", lambda out: [(line, None) for line in out.splitlines()]),
])
def test_other_formats(capsys, fmt, parse):
    """Each format holds the library's palette: its colours in order, with their shares."""
    from pixelmeans import extract_palette

    status, out, _ = run(capsys, "palette", PHOTO, "-k", "3", "--format", fmt)
    assert status == 0
    palette = extract_palette(PHOTO, 3)
    entries = parse(out)
    assert [h for h, _ in entries] == palette.hex
    if fmt != "hex":
        assert [s for _, s in entries] == [f"{w:.1%}" for w in palette.weights]


def test_swatch_and_output_files_and_force(capsys, tmp_path):
    swatch, text = tmp_path / "s.png", tmp_path / "p.gpl"
    status, out, _ = run(capsys, "palette", PHOTO, "--swatch", str(swatch), "--format", "gpl",
                         "-o", str(text))
    assert status == 0 and out == ""
    with Image.open(swatch) as im:
        assert im.size[0] == 720  # a palette card: a tile per colour over a share strip
    assert text.read_text().startswith("GIMP Palette")
    before = swatch.read_bytes()
    status, _, err = run(capsys, "palette", PHOTO, "-k", "3", "--swatch", str(swatch))
    assert status == 2
    assert err == (f"pixelmeans: error: {swatch}: already exists; "
                   "pass overwrite=True (--force) to replace it\n")
    assert swatch.read_bytes() == before
    assert run(capsys, "palette", PHOTO, "-k", "3", "--swatch", str(swatch), "--force")[0] == 0
    assert swatch.read_bytes() != before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["palette", "missing.jpg"], "missing.jpg: no such file"),
        (["palette", PHOTO, "-k", "0"], "argument -k/--colors: expected a positive whole number"),
        (["palette", PHOTO, "-k", "5000"],
         "'n_colors' parameter of extract_palette must be an int in the range [1, 4096]"),
        (["palette", PHOTO, "--space", "hsv"], "argument --space: invalid choice: 'hsv'"),
        (["palette", PHOTO, "--swatch", "x.txt"], "x.txt: pictures are saved as .bmp, .gif"),
        (["palette", PHOTO, "--max-pixels", "1000"], "is over the limit of 1,000"),
        (["palette"], "the following arguments are required: SOURCE"),
        (["paint", PHOTO], "argument COMMAND: invalid choice: 'paint'"),
    ],
)
def test_errors_are_one_line_with_status_2(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.startswith("pixelmeans: error: ") and err.count("\n") == 1
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_corrupt_file_leaves_no_swatch(capsys, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(Path(PHOTO).read_bytes()[:2000])
    status, _, err = run(capsys, "palette", str(bad), "--swatch", str(tmp_path / "s.png"))
    assert status == 2 and "corrupt or truncated" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jpg"]


def test_standard_input_and_warning(capsys, monkeypatch):
    buf = io.BytesIO()
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(buf, format="PNG")
    monkeypatch.setattr(sys, "stdin", type("S", (), {"buffer": io.BytesIO(buf.getvalue())})())
    status, out, err = run(capsys, "palette", "-", "-k", "3", "--format", "hex")
    assert status == 0 and out == "#000000\n"
    assert err.startswith("pixelmeans: warning: ") and "only 1 distinct colours" in err


def test_console_script_runs_as_a_program():
    result = subprocess.run([sys.executable, "-m", "pixelmeans.cli", "palette", "nope.png"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr == "pixelmeans: error: nope.png: no such file\n"


def test_segment_writes_the_folder_and_prints_segments(capsys, tmp_path):
    out = tmp_path / "seg"
    status, text, err = run(capsys, "segment", PHOTO, "-k", "3", "-o", str(out),
                            "--spatial", "0.5", "--min-region", "100")
    assert status == 0, err
    assert text.splitlines()[0].startswith(f"{out}: 3 segments")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["spatial_weight"] == 0.5 and summary["min_region"] == 100
    assert min(r["area"] for r in summary["regions"]) >= 100
    assert len(list((out / "masks").iterdir())) == 3
    status, _, err = run(capsys, "segment", PHOTO, "-k", "3", "-o", str(out))
    assert status == 2 and "--force" in err and err.count("\n") == 1
    status, _, _ = run(capsys, "segment", PHOTO, "-k", "2", "-o", str(out), "--force")
    assert status == 0 and len(list((out / "masks").iterdir())) == 2


@pytest.mark.parametrize(("argv", "message"), [
    (["-k", "0"], "positive whole number"),
    (["--spatial", "-1"], "number >= 0"),
    (["--spatial", "nan"], "number >= 0"),
    (["--min-region", "x"], "positive whole number"),
    (["-k", "300"], "n_segments"),
])
def test_segment_errors(capsys, tmp_path, argv, message):
    status, _, err = run(capsys, "segment", PHOTO, "-o", str(tmp_path / "s"), *argv)
    assert status == 2 and message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_segment_of_a_corrupt_file_writes_nothing(capsys, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    status, _, err = run(capsys, "segment", str(bad), "-o", str(tmp_path / "s"))
    assert status == 2 and "bad.png" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.png"]


def test_a_closed_pipe_downstream_ends_quietly():
    """``pixelmeans palette x --format json | head -c0``: no traceback, SIGPIPE's status."""
    with subprocess.Popen([sys.executable, "-m", "pixelmeans", "palette", PHOTO, "--format",
                           "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        process.stdout.close()  # the reader is gone before anything is written
        error = process.stderr.read().decode()
        assert process.wait() == 141
    assert error == ""


def test_a_folder_as_output_is_refused_even_with_force(capsys, tmp_path):
    folder = tmp_path / "out.png"
    folder.mkdir()
    for argv in (["quantize", PHOTO, "-o", str(folder), "--force"],
                 ["palette", PHOTO, "-o", str(folder), "--force"]):
        status, _, err = run(capsys, *argv)
        assert status == 2
        assert err == f"pixelmeans: error: {folder}: is a folder, not a file\n"
    assert folder.is_dir() and not any(folder.iterdir())
