"""The command line of roles, locked colours, -k auto, designers' formats and contrast."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from pixelmeans.cli import main

DATA = Path(__file__).parents[2] / "src" / "pixelmeans" / "data"
PHOTO = str(DATA / "coffee.jpg")


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_roles_json(capsys):
    status, out, _ = run(capsys, "palette", PHOTO, "--roles", "--format", "json")
    doc = json.loads(out)
    assert status == 0 and doc["space"] == "oklch"
    assert [r["role"] for r in doc["roles"]][:2] == ["Dominant", "Vibrant"]
    assert all(r["body_contrast"] >= 4.5 for r in doc["roles"])


def test_lock_and_sort(capsys):
    status, out, _ = run(capsys, "palette", PHOTO, "-k", "5", "--lock", "#ff6600,#003366",
                         "--format", "hex", "--sort-by", "lightness")
    hexes = out.split()
    assert status == 0 and len(hexes) == 5 and {"#ff6600", "#003366"} <= set(hexes)


def test_k_auto_reports_on_stderr(capsys):
    status, out, err = run(capsys, "palette", PHOTO, "-k", "auto", "--max-delta-e", "5",
                           "--format", "hex")
    assert status == 0 and "for mean ΔE2000 ≤ 5: mean ΔE2000" in err
    assert len(out.split()) == int(err.split("k = ")[1].split()[0])


@pytest.mark.parametrize(("fmt", "suffix"), [("ase", ".ase"), ("swatches", ".swatches"),
                                             ("sketch", ".sketchpalette")])
def test_binary_formats_need_a_file_and_are_reused(capsys, tmp_path, fmt, suffix):
    status, _, err = run(capsys, "palette", PHOTO, "--format", fmt)
    assert status == 2 and f"--format {fmt} writes a file: give -o FILE{suffix}" in err
    pal = tmp_path / f"p{suffix}"
    assert run(capsys, "palette", PHOTO, "-k", "4", "--format", fmt, "-o", pal)[0] == 0
    out_png = tmp_path / "q.png"
    status, out, _ = run(capsys, "quantize", PHOTO, "--palette-from", pal, "-o", out_png)
    assert status == 0 and "4 colours" in out


def test_quantize_k_auto_max_bytes(capsys, tmp_path):
    out_png = tmp_path / "q.png"
    status, _, err = run(capsys, "quantize", PHOTO, "-k", "auto", "--max-bytes", "30000",
                           "-o", out_png)
    assert status == 0 and out_png.stat().st_size <= 30000
    assert "PNG ≤ 30,000 bytes" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["palette", PHOTO, "--max-delta-e", "3"], "use them with -k auto"),
    (["quantize", PHOTO, "-k", "auto", "--max-delta-e", "3", "--max-bytes", "9", "-o",
      "x.png"], "either --max-delta-e or --max-bytes"),
    (["palette", PHOTO, "--roles", "--format", "gpl"], "--roles prints as text, json, css"),
    (["palette", str(DATA), "--format", "css"], "--format css holds one palette"),
    (["palette", str(DATA), "--swatch", "cards.png"], "--swatch names a folder"),
    (["contrast", PHOTO, "--simulate", "colourblind"], "'colourblind' is not one of"),
    (["palette", PHOTO, "--lock", "orange"],
     "fixed_colors: 'orange' is neither hex codes (#rrggbb) nor a palette file"),
    (["palette", PHOTO, "--exclude", "whit"], "exclude: 'whit' is not 'white', 'black'"),
    (["palette", PHOTO, "-k", "auto", "--max-delta-e", "0"],
     "'max_delta_e' parameter of auto_palette must be a float in the range (0, 100)"),
    (["palette", PHOTO, "-k", "40", "--format", "swatches", "-o", "x.swatches"],
     "Procreate palettes hold at most 30 colours; got -k 40"),
])
def test_refusals(capsys, argv, message):
    status, _, err = run(capsys, *argv)
    assert status == 2 and message in err and err.count("\n") == 1


def test_batch_cards_folder(capsys, tmp_path):
    cards = tmp_path / "cards"
    status, out, _ = run(capsys, "palette", DATA, "-k", "3", "--swatch", cards,
                           "--format", "csv")
    assert status == 0 and out.startswith("path,error,n_colors,hex_1,share_1")
    assert sorted(p.name for p in cards.iterdir()) == ["astronaut.png", "chelsea.png",
                                                       "coffee.png"]


def test_contrast_command(capsys, tmp_path):
    grid, preview = tmp_path / "g.png", tmp_path / "cvd.png"
    status, out, _ = run(capsys, "contrast", PHOTO, "-k", "4", "-o", grid, "--preview",
                           preview, "--simulate", "deuteranopia")
    assert status == 0 and out.splitlines()[0].split()[:3] == ["colour", "on", "ratio"]
    assert len([line for line in out.splitlines() if line.startswith("#")]) == 6
    for path in (grid, preview):
        with Image.open(path) as im:
            im.load()
    status, out, _ = run(capsys, "contrast", "#000000,#777777,#ffffff", "--format", "json")
    ratios = {tuple(p[k] for k in ("text", "background")): p["ratio"]
              for p in json.loads(out)["pairs"]}
    assert ratios[("#777777", "#ffffff")] == 4.48
