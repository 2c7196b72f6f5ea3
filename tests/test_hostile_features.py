"""Hostile input against the newer surfaces (palette files, roles, locked colours, -k auto,
designers' formats, ``contrast``, ``--compare``, palette cards, ``serve``), one group per
class, held to the promise of ``tests/test_hostile.py``: a correct result, or exit status 2
with exactly one line ``pixelmeans: error: ...`` naming the file and the problem (a JSON 4xx
on the web); never a traceback, an internal error (70), a hang, or a file left behind or
replaced.
"""

from __future__ import annotations

import io
import json
import signal
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans import extract_palette
from pixelmeans.cli import main
from pixelmeans.errors import InvalidParameterError
from pixelmeans.render.palette_files import read_palette, to_ase, to_procreate
from pixelmeans.tasks.palette import Palette, as_palette

from .test_hostile import (
    assert_one_error_line,
    child_env,
    cli,
    fails_cleanly,
    interrupted,
    listing,
    noise_png,
)


@pytest.fixture
def photo(tmp_path) -> Path:
    return noise_png(tmp_path / "photo.png")


def ase_block(model: bytes, values: bytes, name_units: int = 1) -> bytes:
    body = struct.pack(">H", name_units) + b"\0\0" * name_units + model + values
    return struct.pack(">HI", 1, len(body)) + body


def zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


# -- palette files that are broken, hostile or of the wrong shape -------------------------------
BROKEN_PALETTES = {
    "empty.gpl": (b"", "no colours found"),
    "header-only.gpl": (b"GIMP Palette\n", "no colours found"),
    "over-255.gpl": (b"GIMP Palette\n300 0 0 red\n", "300 is not a whole number"),
    "over-255.json": (b"[[300, 0, 0]]", "300 is not a whole number"),
    "negative.json": (b"[[-1, 0, 0]]", "-1 is not a whole number"),
    "fraction.json": (b"[[0.5, 0.5, 0.5]]", "0.5 is not a whole number"),
    "booleans.json": (b"[[true, false, true]]", "True is not a finite number"),
    "infinite.sketchpalette": (b'{"colors": [{"red": 1e400, "green": 0, "blue": 0}]}',
                               "inf is not a finite number"),
    "nan.json": (b'{"colors": [{"red": NaN, "green": 0, "blue": 0}]}', "nan is not"),
    "null-hex.json": (b'[{"hex": null}]', "None is not a hex colour"),
    "bad-hex.json": (b'["#12345"]', "is not a hex colour"),
    "wrong-shape.json": (b'{"colors": 5}', "expected a list of colours"),
    "pairs.json": (b"[[1, 2]]", "is not a colour"),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
    "binary.txt": (bytes(range(256)) * 8, "not a palette file"),
    "truncated.ase": (b"ASEF\x00\x01", "not a palette file"),
    "absurd-count.ase": (b"ASEF" + struct.pack(">HHI", 1, 0, 0xFFFFFFFF),
                         "not a palette file"),
    "absurd-length.ase": (b"ASEF" + struct.pack(">HHI", 1, 0, 1)
                          + struct.pack(">HI", 1, 0xFFFFFFFF), "not a palette file"),
    "nan.ase": (b"ASEF" + struct.pack(">HHI", 1, 0, 1)
                + ase_block(b"RGB ", struct.pack(">3fH", float("nan"), 1, 1, 2)),
                "not a finite number"),
    "cmyk.ase": (b"ASEF" + struct.pack(">HHI", 1, 0, 1)
                 + ase_block(b"CMYK", struct.pack(">4fH", 0, 0, 0, 1, 2)), "colour model"),
    "not-a-zip.swatches": (b"PK\x03\x04garbage", "not a palette file"),
    "traversal.swatches": (zipped("../../Swatches.json", b"[]"), "Swatches.json"),
    "wrong-shape.swatches": (zipped("Swatches.json", b"[5]"), "no list of swatches"),
    "text-hue.swatches": (zipped("Swatches.json", b'[{"swatches": [{"hue": "a", '
                                                  b'"saturation": 1, "brightness": 1}]}]'),
                          "'a' is not a finite number"),
    # 200 MB of JSON in 200 kB: refused from its header, and never read past 4 MiB.
    "bomb.swatches": (zipped("Swatches.json", b"[" + b" " * (200 << 20) + b"]"),
                      "a palette is far smaller"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_PALETTES))
def test_palette_files_broken_are_one_line_everywhere_they_are_taken(tmp_path, capsys, photo,
                                                                     name):
    content, problem = BROKEN_PALETTES[name]
    path = tmp_path / name
    path.write_bytes(content)
    for argv in (["palette", photo, "-k", "6", "--lock", path],
                 ["contrast", path],
                 ["quantize", photo, "-o", tmp_path / "q.png", "--palette-from", path]):
        fails_cleanly(capsys, tmp_path, *argv, names=[path, problem])


def test_palette_files_the_swatches_limit_is_what_refuses(monkeypatch):
    """A valid .swatches reads; the same file under a lower limit is refused by it."""
    import pixelmeans.render.palette_files as files

    data = to_procreate(np.array([[255, 0, 0], [0, 0, 255]], np.uint8), "two")
    assert read_palette(data, "two.swatches").tolist() == [[255, 0, 0], [0, 0, 255]]
    monkeypatch.setattr(files, "MAX_SWATCHES_JSON_BYTES", 10)
    with pytest.raises(InvalidParameterError, match=r"two\.swatches: .*Swatches\.json"):
        read_palette(data, "two.swatches")


def test_palette_files_valid_ones_still_round_trip(tmp_path):
    """What the checks must not refuse: RGBA rows, #rgb codes, Gray ASE, our own files."""
    assert read_palette(b"[[1, 2, 3, 255], [4, 5, 6]]", "a.json").tolist() == \
        [[1, 2, 3], [4, 5, 6]]
    assert read_palette(b'["#f00", {"hex": "#00ff00"}]', "b.json").tolist() == \
        [[255, 0, 0], [0, 255, 0]]
    grey = b"ASEF" + struct.pack(">HHI", 1, 0, 1) + ase_block(b"Gray", struct.pack(">fH", 0.5,
                                                                                     2))
    assert read_palette(grey, "g.ase").tolist() == [[128, 128, 128]]
    colors = np.array([[12, 200, 40], [250, 1, 99]], np.uint8)
    assert read_palette(to_ase(colors, ["a", "b"]), "c.ase").tolist() == colors.tolist()
    palette = Palette(colors, np.array([0.5, 0.5]), "x")
    for suffix in (".json", ".gpl", ".sketchpalette", ".swatches", ".scss", ".css", ".txt"):
        assert as_palette(palette.save(tmp_path / f"p{suffix}")).colors.tolist() == \
            colors.tolist()


def test_palette_files_with_more_colours_than_a_palette_holds_are_refused(tmp_path, capsys,
                                                                          photo):
    """(1.8 million codes in a 15 MB hex file ran quantize --palette-from out of memory.)"""
    huge = tmp_path / "huge.hex"
    huge.write_text("".join(f"#{i:06x}\n" for i in range(0, 5000 * 3001, 3001)))
    for argv in (["quantize", photo, "-o", tmp_path / "q.png", "--palette-from", huge],
                 ["palette", photo, "-k", "8", "--lock", huge], ["contrast", huge]):
        fails_cleanly(capsys, tmp_path, *argv, names=[huge, "5,000 colours",
                                                      "at most 4096"])


def test_palette_files_an_empty_lock_is_no_colours_not_the_current_folder(tmp_path, capsys,
                                                                          photo):
    fails_cleanly(capsys, tmp_path, "palette", photo, "--lock", "", names=["no colours given"])


# -- an output that is one of the run's inputs --------------------------------------------------
def test_outputs_an_input_is_never_replaced_even_with_force(tmp_path, capsys, photo):
    lock = tmp_path / "brand.gpl"
    lock.write_text("GIMP Palette\n255 102 0 orange\n")
    cases = [
        ["palette", photo, "--format", "ase", "-o", photo, "--force"],
        ["palette", photo, "--swatch", photo, "--force"],
        ["palette", photo, "--lock", lock, "--format", "gpl", "-o", lock, "--force"],
        ["contrast", photo, "--preview", photo, "--force"],
        ["contrast", photo, "-o", tmp_path / ".." / tmp_path.name / "photo.png", "--force"],
        ["quantize", photo, "-k", "4", "-o", tmp_path / "q.png", "--compare", photo, "--force"],
        ["compress", photo, "-k", "4", "--compare", photo, "--force"],
    ]
    for argv in cases:
        err = fails_cleanly(capsys, tmp_path, *argv, names=["is also an input of this run"])
        assert "Traceback" not in err
    with Image.open(photo) as im:
        assert im.size == (64, 48)


def test_outputs_one_file_for_two_new_outputs_is_refused_before_writing_either(tmp_path,
                                                                              capsys, photo):
    fails_cleanly(capsys, tmp_path, "contrast", photo, "-o", tmp_path / "g.png", "--preview",
                  tmp_path / "." / "g.png", names=["also given for another output"])
    fails_cleanly(capsys, tmp_path, "quantize", photo, "-k", "4", "-o", tmp_path / "q.png",
                  "--compare", tmp_path / "q.png", names=["also given for another output"])


# -- "-o -": standard output --------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["ase", "swatches", "sketch"])
def test_dash_output_writes_binary_formats_to_standard_output(tmp_path, photo, fmt):
    result = subprocess.run([sys.executable, "-m", "pixelmeans", "palette", str(photo), "-k",
                             "4", "--format", fmt, "-o", "-"], cwd=tmp_path, env=child_env(),
                            capture_output=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "-").exists()
    assert read_palette(result.stdout, "stdout").tolist() == \
        extract_palette(photo, 4).colors.tolist()


def test_dash_output_is_standard_output_for_text_roles_and_batches(tmp_path, capsys, photo,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = cli(capsys, "palette", photo, "-k", "3", "--format", "json", "-o", "-")
    assert status == 0 and err == ""
    assert [c["hex"] for c in json.loads(out)["colors"]] == \
        extract_palette(photo, 3).sorted("share").hex
    status, out, _ = cli(capsys, "palette", photo, "--roles", "--format", "json", "-o", "-")
    assert status == 0 and "Dominant" in out
    status, out, _ = cli(capsys, "palette", tmp_path, "-k", "2", "-o", "-")
    record = json.loads(out.splitlines()[0])
    assert status == 0 and record["path"] == str(photo) and len(record["colors"]) == 2
    assert not (tmp_path / "-").exists()


# -- pictures of odd shapes: 20000 x 1, 1 x 20000 ------------------------------------------------
@pytest.fixture(params=[(1, 20000), (20000, 1)], ids=["wide", "tall"])
def strip_photo(tmp_path, request) -> Path:
    return noise_png(tmp_path / "strip.png", *request.param)


def test_odd_shapes_make_bounded_previews_and_comparisons(tmp_path, capsys, strip_photo):
    status, _, err = cli(capsys, "contrast", strip_photo, "--preview", tmp_path / "v.png")
    assert status == 0, err
    with Image.open(tmp_path / "v.png") as im:
        assert im.width == 840 and im.height < 3000
    status, _, err = cli(capsys, "quantize", strip_photo, "-k", "2", "-o", tmp_path / "q.png",
                         "--compare", tmp_path / "c.webp")
    assert status == 0, err
    with Image.open(tmp_path / "c.webp") as im:
        assert max(im.size) <= 2 * 2000 + 16


def test_odd_shapes_a_picture_too_large_for_its_format_is_refused_before_encoding(tmp_path):
    from pixelmeans.image.formats import save_picture

    before = listing(tmp_path)
    with pytest.raises(InvalidParameterError, match=r"wide\.webp: 20000×1 is larger than WEBP"):
        save_picture(Image.new("RGB", (20000, 1)), tmp_path / "wide.webp")
    assert listing(tmp_path) == before


# -- counts beyond what a picture or a comparison can hold --------------------------------------
def test_counts_too_many_colours_are_refused_before_any_work(tmp_path, capsys, photo):
    fails_cleanly(capsys, tmp_path, "contrast", photo, "-k", "300", names=["n_colors", "256"])
    fails_cleanly(capsys, tmp_path, "contrast", photo, "-k", "65", "-o", tmp_path / "g.png",
                  names=["at most 64 colours"])
    fails_cleanly(capsys, tmp_path, "palette", photo, "-k", "513", "--swatch",
                  tmp_path / "c.png", names=["at most 512 colours"])
    fails_cleanly(capsys, tmp_path, "palette", photo, "-k", "31", "--format", "swatches", "-o",
                  tmp_path / "p.swatches", names=["at most 30 colours"])
    many = tmp_path / "many.txt"
    many.write_text("".join(f"#{i:06x}\n" for i in range(0, 300 * 997, 997)))
    fails_cleanly(capsys, tmp_path, "contrast", many, names=[many, "300 colours"])


def test_counts_odd_images_give_correct_palettes_roles_and_contrast(tmp_path, capsys):
    one = tmp_path / "one.png"
    Image.new("RGB", (30, 20), (12, 200, 40)).save(one)
    status, out, _ = cli(capsys, "palette", one, "-k", "auto", "--format", "hex")
    assert status == 0 and out.split() == ["#0cc828"]
    status, out, _ = cli(capsys, "contrast", one)
    assert status == 0 and out == "#0cc828: one colour, no pairs to compare\n"
    status, out, _ = cli(capsys, "palette", one, "--roles", "--format", "json")
    roles = {r["role"]: r for r in json.loads(out)["roles"]}
    assert status == 0 and roles["Dominant"]["hex"] == "#0cc828"
    assert roles["Dominant"]["body_contrast"] >= 4.5  # readable text on the one colour
    clear = tmp_path / "clear.png"
    Image.new("RGBA", (30, 20), (0, 0, 0, 0)).save(clear)
    for argv in (["palette", clear, "--roles"], ["palette", clear, "-k", "auto"],
                 ["contrast", clear], ["palette", clear, "--lock", "#ff0000"]):
        fails_cleanly(capsys, tmp_path, *argv, names=[clear, "no opaque pixels"])


def test_option_values_are_short_lines(tmp_path, capsys, photo):
    err = fails_cleanly(capsys, tmp_path, "palette", photo, "--min-alpha", "256",
                        names=["0 to 255"])
    assert len(err) < 120


# -- interruptions and write errors in the new writers -----------------------------------------
PAUSING_PICTURE_CHILD = r"""
import pathlib, sys, time
from PIL import Image
ready, output, argv = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
original_save, original_write = Image.Image.save, pathlib.Path.write_bytes

def pause_in(path):
    if str(path).endswith(".tmp") and output in str(path):
        ready.touch()
        time.sleep(120)  # the signal comes now, while the temporary output exists

def save(self, fp, *args, **kwargs):
    original_save(self, fp, *args, **kwargs)
    pause_in(fp)

def write_bytes(self, data):
    written = original_write(self, data)
    pause_in(self)
    return written

Image.Image.save, pathlib.Path.write_bytes = save, write_bytes
from pixelmeans.cli import main
sys.exit(main(argv))
"""
NEW_WRITERS = [
    ["contrast", "photo.png", "-o", "grid.png"],
    ["contrast", "photo.png", "--preview", "old.png", "--force"],
    ["palette", "photo.png", "--swatch", "card.webp"],
    ["palette", "photo.png", "--format", "ase", "-o", "old.png", "--force"],
    ["quantize", "photo.png", "-k", "4", "-o", "q.png", "--compare", "compare.png"],
]
WRITER_IDS = ["grid", "preview-force", "card", "ase-force", "compare"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
@pytest.mark.parametrize("argv", NEW_WRITERS, ids=WRITER_IDS)
def test_signals_in_the_new_writers_leave_nothing_behind(tmp_path, photo, signum, argv):
    (tmp_path / "old.png").write_bytes(b"the old output")
    before = listing(tmp_path)
    output = argv[-2] if argv[-1] == "--force" else argv[-1]  # paused while writing it
    status, err = interrupted(tmp_path, PAUSING_PICTURE_CHILD, [output, *argv], signum)
    assert status == 128 + signum
    assert "Traceback" not in err
    after = listing(tmp_path)
    if argv[0] == "quantize":  # the quantized image was complete before the comparison
        with Image.open(tmp_path / "q.png") as im:
            assert im.size == (64, 48)
        after.pop("q.png")
    assert after == before


LIMITED_CHILD = r"""
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # writes past it fail: EFBIG
from pixelmeans.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("argv", NEW_WRITERS[:4], ids=WRITER_IDS[:4])
def test_write_errors_in_the_new_writers_are_one_line(tmp_path, photo, argv):
    (tmp_path / "old.png").write_bytes(b"the old output")
    before = listing(tmp_path)
    result = subprocess.run([sys.executable, "-c", LIMITED_CHILD, "100", *argv],
                            cwd=tmp_path, env=child_env(), capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert_one_error_line(result.stderr, argv[-2] if argv[-1] == "--force" else argv[-1],
                          "File too large")
    assert listing(tmp_path) == before


# -- the web API --------------------------------------------------------------------------------
def test_web_a_webp_larger_than_the_format_holds_is_a_json_400(tmp_path, monkeypatch):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    import tempfile
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx.*")
        from fastapi.testclient import TestClient

    from pixelmeans.web.app import create_app
    from pixelmeans.web.settings import ServerSettings

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (1, 20000, 3), np.uint8)).save(
        buffer, format="PNG")
    with TestClient(create_app(ServerSettings())) as client:
        upload = client.post("/api/uploads?name=strip.png", content=buffer.getvalue())
        assert upload.status_code == 201
        base = f"/api/uploads/{upload.json()['id']}/quantize?k=4"
        answer = client.get(base + "&format=webp")
        assert answer.status_code == 400
        assert "20000×1 is larger than WEBP" in answer.json()["error"]
        png = client.get(base + "&format=png")
        assert png.status_code == 200
        with Image.open(io.BytesIO(png.content)) as im:
            assert im.size == (20000, 1)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("argv", "problem"), [
    (["--host", "", "--port", "0"], "--host: give an address"),
    (["--host", "999.1.1.1", "--port", "0"], "cannot listen on 999.1.1.1:0"),
    (["--timeout", "0"], "job_timeout"),
    (["--port", "99999"], "port"),
], ids=["empty-host", "bad-host", "zero-timeout", "port"])
def test_web_serve_refuses_bad_settings_in_one_line(tmp_path, capsys, argv, problem):
    """No server starts (an empty host would listen on every interface; a timeout of 0
    was silently 120 s) and no warning comes before the error."""
    pytest.importorskip("uvicorn")
    fails_cleanly(capsys, tmp_path, "serve", *argv, names=[problem])


def test_the_readme_states_these_limits_as_the_code_has_them():
    from pixelmeans.image.formats import MAX_SIDE
    from pixelmeans.render import cards, palette_files
    from pixelmeans.tasks import contrast, palette

    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    promises = text[text.index("## What pixelmeans promises"):]
    promises = promises[:promises.index("\n## ")]
    assert f"{palette.MAX_PALETTE_FILE_BYTES:,} bytes (16 MiB) and " \
           f"{palette.MAX_PALETTE_COLORS} colours" in promises
    assert f"{palette_files.MAX_SWATCHES_JSON_BYTES:,} bytes (4 MiB)" in promises
    assert f"compares at most {contrast.MAX_CONTRAST_COLORS} colours and draws a grid of at " \
           f"most {cards.MAX_GRID_COLORS}" in " ".join(promises.split())
    assert f"shows at most {cards.MAX_CARD_COLORS}" in promises
    assert f"WebP: {MAX_SIDE['WEBP']}" in promises


# -- the Python API of the new features ---------------------------------------------------------
def test_api_an_unknown_format_is_an_error_not_the_text_table(tmp_path, photo):
    from pixelmeans.tasks.contrast import contrast_report
    from pixelmeans.tasks.roles import palette_roles

    palette = extract_palette(photo, 3)
    for call in (lambda: palette.format("yaml"), lambda: palette.to_bytes("yaml"),
                 lambda: palette.save(tmp_path / "p.ase", "yaml"),
                 lambda: palette_roles(photo, 3).format("yaml"),
                 lambda: contrast_report(["#000000", "#ffffff"]).format("yaml")):
        with pytest.raises(InvalidParameterError, match="yaml"):
            call()
    assert not (tmp_path / "p.ase").exists()


@pytest.mark.parametrize("size", [0, -5, 299, 4001, 10**6, 500.5, True])
def test_api_picture_sizes_out_of_range_are_errors(photo, size):
    """(A card 10**6 px wide ran out of memory; 0 px was a Pillow ValueError.)"""
    from pixelmeans.tasks.contrast import contrast_report
    from pixelmeans.tasks.roles import palette_roles

    report = contrast_report(["#000000", "#ffffff"])
    for call in (lambda: extract_palette(photo, 3).card(size),
                 lambda: palette_roles(photo, 3).card(size),
                 lambda: report.preview(width=size)):
        with pytest.raises(InvalidParameterError, match="width should be a whole number"):
            call()
    with pytest.raises(InvalidParameterError, match="cell should be a whole number"):
        report.grid(cell={299: 39, 4001: 401}.get(size, size))


# -- outputs that are inputs, and given palettes too large for an indexed image ----------------
@pytest.mark.parametrize("command", ["quantize", "compress"])
def test_forced_output_never_replaces_the_input_photo(tmp_path, capsys, command):
    photo = tmp_path / "photo.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (20, 30, 3), np.uint8)).save(photo)
    before = photo.read_bytes()
    status = main([command, str(photo), "-k", "4", "-o", str(photo), "--force"])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("pixelmeans: error: ") and err.count("\n") == 1
    assert photo.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photo.png"]


def test_a_given_palette_of_more_than_256_colours_is_refused_for_an_indexed_image(tmp_path,
                                                                                    capsys):
    photo = tmp_path / "photo.png"
    Image.fromarray(np.random.default_rng(2).integers(0, 256, (20, 30, 3), np.uint8)).save(photo)
    colors = np.random.default_rng(3).choice(1 << 24, 1000, replace=False)
    hex_file = tmp_path / "big.txt"
    hex_file.write_text("".join(f"#{c:06x}\n" for c in colors))
    status = main(["quantize", str(photo), "--palette-from", str(hex_file),
                   "-o", str(tmp_path / "q.png")])
    err = capsys.readouterr().err
    assert status == 2 and err == (f"pixelmeans: error: {hex_file}: 1,000 colours; indexed "
                                   "images hold at most 256\n")
    assert not (tmp_path / "q.png").exists()
