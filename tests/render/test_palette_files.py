"""Palette files: each writer against an independent reader (the ``swatch`` package for
.ase, zipfile/json and colorsys for Procreate and Sketch) or the documented bytes, and every
format read back by :func:`read_palette`."""

from __future__ import annotations

import colorsys
import io
import json
import re
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pixelmeans.errors import InvalidParameterError
from pixelmeans.image.cylindrical import rgb_to_oklch
from pixelmeans.render.palette_files import read_palette, to_ase, to_procreate, to_sketch
from pixelmeans.render.palette_formats import SHADES, shade_scale
from pixelmeans.tasks.palette import Palette

COLORS = np.array([[255, 102, 0], [0, 51, 102], [18, 200, 7]], np.uint8)
palettes = arrays(np.uint8, st.tuples(st.integers(1, 30), st.just(3)),
                  unique=False).map(lambda a: np.unique(a, axis=0))


def test_ase_golden_bytes():
    # Written out by hand from the format's documentation: big-endian, "ASEF", 1.0, 1 block;
    # block 0x0001, its length, name length 2 (one letter + NUL), "a\0" in UTF-16BE,
    # "RGB ", three float32, type 2 (normal).
    body = struct.pack(">H", 2) + "a\0".encode("utf-16-be") + b"RGB " \
        + struct.pack(">fffH", 1.0, 0.4, 0.0, 2)
    expected = b"ASEF" + struct.pack(">HHI", 1, 0, 1) + struct.pack(">HI", 1, len(body)) + body
    assert to_ase(np.array([[255, 102, 0]], np.uint8), ["a"]) == expected


def test_ase_read_by_the_swatch_package(tmp_path):
    swatch = pytest.importorskip("swatch")
    path = tmp_path / "p.ase"
    path.write_bytes(to_ase(COLORS, ["orange", "navy", "grün"]))
    parsed = swatch.parse(str(path))
    assert [c["name"] for c in parsed] == ["orange", "navy", "grün"]
    assert all(c["data"]["mode"] == "RGB" for c in parsed)
    values = np.array([c["data"]["values"] for c in parsed])
    np.testing.assert_allclose(values * 255, COLORS, atol=1e-3)


def test_ase_written_by_the_swatch_package_is_read(tmp_path):
    swatch = pytest.importorskip("swatch")
    path = tmp_path / "theirs.ase"
    swatch.write([{"name": "red", "type": "Process",
                   "data": {"mode": "RGB", "values": [1.0, 0.0, 0.0]}},
                  {"name": "grey", "type": "Global",
                   "data": {"mode": "Gray", "values": [0.5]}}], str(path))
    assert read_palette(path.read_bytes(), "theirs.ase").tolist() == [[255, 0, 0],
                                                                       [128, 128, 128]]


def test_procreate_zip_holds_hsb_swatches():
    data = to_procreate(COLORS, "mine")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["Swatches.json"]
        document = json.loads(archive.read("Swatches.json"))
    assert document[0]["name"] == "mine"
    for entry, rgb in zip(document[0]["swatches"], COLORS, strict=True):
        back = colorsys.hsv_to_rgb(entry["hue"], entry["saturation"], entry["brightness"])
        np.testing.assert_allclose(np.array(back) * 255, rgb, atol=1e-6)
        assert 0 <= entry["hue"] <= 1 and entry["alpha"] == 1


def test_procreate_refuses_more_than_30_colours():
    many = np.stack([np.arange(31), np.zeros(31), np.zeros(31)], axis=1).astype(np.uint8)
    with pytest.raises(InvalidParameterError, match="at most 30 colours; this one has 31"):
        to_procreate(many, "x")


def test_sketch_palette_document():
    document = json.loads(to_sketch(COLORS, ["a", "b", "c"]))
    assert document["compatibleVersion"] == "2.0"
    values = np.array([[c["red"], c["green"], c["blue"]] for c in document["colors"]])
    np.testing.assert_allclose(values * 255, COLORS)


@pytest.mark.parametrize("fmt", ["json", "css", "gpl", "hex", "scss", "ase", "swatches",
                                 "sketch"])
@given(colors=palettes)
def test_every_format_reads_back(fmt, colors):
    p = Palette(colors, np.full(len(colors), 1 / len(colors)))
    assert read_palette(p.to_bytes(fmt), f"p.{fmt}").tolist() == colors.tolist()


def test_unreadable_palette_files_say_so():
    with pytest.raises(InvalidParameterError, match=r"x\.txt: no colours found"):
        read_palette(b"hello", "x.txt")
    with pytest.raises(InvalidParameterError, match=r"y\.ase: not a palette file"):
        read_palette(b"ASEF\x00\x01", "y.ase")


# -- Tailwind shades ----------------------------------------------------------------------
@given(rgb=st.tuples(*[st.integers(0, 255)] * 3))
def test_shade_scale_is_ordered_and_holds_the_colour(rgb):
    scale = shade_scale(rgb)
    assert len(scale) == len(SHADES) and list(rgb) in scale.tolist()
    lightness = rgb_to_oklch(scale)[:, 0]
    assert np.all(np.diff(lightness) < 0.005)  # lighter to darker (50 → 950)


def test_tailwind_theme_variables():
    text = Palette(COLORS[:1], np.array([1.0])).format("tailwind")
    names = re.findall(r"--color-palette-1-(\d+): oklch\(", text)
    assert [int(n) for n in names] == list(SHADES)
    hue = rgb_to_oklch(COLORS[:1])[0, 2]
    hues = [float(h) for h in re.findall(r"oklch\([\d.]+% [\d.]+ ([\d.]+)\)", text)]
    assert max(abs(h - hue) for h in hues[1:-1]) < 3  # one hue (the ends are near grey)
