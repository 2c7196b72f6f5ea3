"""Hostile input, faults and interruptions, one test group per class (issue 12).

Every case runs the real command line (``main`` in this process, or ``python -m pixelmeans``
in a child process where a signal, a file-size limit or a closed stream is needed) and
holds it to the promise: a correct result, or exit status 2 with exactly one line
``pixelmeans: error: ...`` naming the file; never a traceback, a hang, or a file left
behind or replaced.
"""

from __future__ import annotations

import gzip
import http.server
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans import extract_palette, load_image
from pixelmeans.cli import main
from pixelmeans.errors import (
    DatasetError,
    ImageReadError,
    InvalidImageError,
    InvalidParameterError,
    OutputExistsError,
    PixelmeansError,
)
from pixelmeans.files.atomic import write_atomically, write_folder_atomically

SRC = str(Path(__file__).parents[1] / "src")


# -- helpers -----------------------------------------------------------------------------------
def listing(folder: Path) -> dict:
    """Every file and folder under ``folder`` (hidden ones too) with size and mtime."""
    return {str(p.relative_to(folder)): (p.is_dir(), p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def cli(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_error_line(err: str, *names: str) -> None:
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("pixelmeans: error: "), err
    for name in names:
        assert str(name) in err, err


def fails_cleanly(capsys, folder: Path, *argv, names=()) -> str:
    """Run the CLI, expecting exit 2, one error line naming ``names``, and ``folder``
    exactly as it was."""
    before = listing(folder)
    status, _, err = cli(capsys, *argv)
    assert status == 2, err
    assert_one_error_line(err, *names)
    assert listing(folder) == before
    return err


def child_env() -> dict:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, env.get("PYTHONPATH")) if p)
    return env


def noise_png(path: Path, height: int = 48, width: int = 64, seed: int = 0) -> Path:
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return path


@pytest.fixture
def photo(tmp_path) -> Path:
    return noise_png(tmp_path / "photo.png")


# -- names taken as patterns --------------------------------------------------------------------
@pytest.mark.parametrize("name", ["scan[1].png", "what?.png", "star*.png"])
def test_names_as_patterns_an_existing_file_is_that_file(tmp_path, capsys, name):
    target = noise_png(tmp_path / name, seed=1)
    noise_png(tmp_path / "scan1.png", 10, 10, seed=2)  # what the pattern would also match
    noise_png(tmp_path / "whatX.png", 10, 10, seed=3)
    status, out, err = cli(capsys, "palette", target, "-k", "3", "--format", "json")
    assert status == 0 and err == ""
    doc = json.loads(out)
    assert doc["source"] == str(target)
    assert [c["hex"] for c in doc["colors"]] == extract_palette(target, 3).hex
    out_png = tmp_path / f"q{name}"
    status, _, err = cli(capsys, "quantize", target, "-k", "3", "-o", out_png,
                         "--palette-from", target)
    assert status == 0 and err == ""
    with Image.open(out_png) as im:
        assert im.size == (64, 48)
    status, _, err = cli(capsys, "segment", target, "-k", "2", "-o", tmp_path / f"s{name}")
    assert status == 0 and (tmp_path / f"s{name}" / "labels.png").is_file()
    status, out, _ = cli(capsys, "compress", target, "-k", "2")
    assert status == 0 and out


def test_names_as_patterns_a_data_set_file_is_that_file(tmp_path, capsys):
    X = np.random.default_rng(0).integers(0, 256, (30, 4, 4), dtype=np.uint8)
    np.savez(tmp_path / "set[1].npz", X=X, y=np.arange(30) % 3)
    status, out, _ = cli(capsys, "cluster", tmp_path / "set[1].npz", "-k", "3")
    assert status == 0 and out.startswith("set[1]: 30 images of (4, 4)")


# -- special files ------------------------------------------------------------------------------
def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.png")
    return folder / "pipe.png"


@pytest.mark.parametrize("make", [lambda d: Path("/dev/zero"), _fifo],
                         ids=["device", "fifo"])
@pytest.mark.parametrize("command", [
    ["palette", "{}"],
    ["quantize", "{}", "-o", "{out}/q.png"],
    ["segment", "{}", "-o", "{out}/seg"],
    ["compress", "{}"],
    ["plot", "palette", "{}", "-o", "{out}/p.png"],
    ["quantize", "{photo}", "-o", "{out}/q.png", "--palette-from", "{}"],
    ["quantize", "{}", "-o", "{out}/q.tif"],
    ["cluster", "{}"],
])
def test_special_files_are_refused_at_once(tmp_path, capsys, photo, make, command):
    special = make(tmp_path)
    argv = [a.format(special, out=tmp_path, photo=photo) for a in command]
    if argv[0] == "plot":
        pytest.importorskip("matplotlib")
    if argv[0] == "cluster" and special.name == "pipe.png":
        special = special.rename(tmp_path / "pipe.npz")
        argv[1] = str(special)
    fails_cleanly(capsys, tmp_path, *argv, names=[str(special)])


def test_special_files_a_device_as_standard_input_is_refused_at_once(tmp_path):
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run([sys.executable, "-m", "pixelmeans", "palette", "-"],
                                stdin=zero, capture_output=True, text=True, env=child_env(),
                                timeout=120, check=False)
    assert result.returncode == 2
    assert_one_error_line(result.stderr, "<stdin>", "device")


def test_special_files_a_folder_as_source_is_refused(tmp_path, capsys):
    folder = tmp_path / "folder.png"
    folder.mkdir()
    fails_cleanly(capsys, tmp_path, "segment", folder, "-o", tmp_path / "s", names=[folder])
    fails_cleanly(capsys, tmp_path, "compress", folder, names=[folder])


# -- signals ------------------------------------------------------------------------------------
PAUSING_CHILD = r"""
import pathlib, sys, threading, time
ready, hook, argv = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3:]

def pause():
    ready.touch()
    time.sleep(120)  # the signal comes now, while a temporary output is being written

if hook == "write":
    # Pause after the first write into a temporary output made by the main thread (writers
    # in worker threads finish their file; the signal is handled in the main thread).
    def pausing(original):
        def write(self, data, *args, **kwargs):
            written = original(self, data, *args, **kwargs)
            if (threading.current_thread() is threading.main_thread()
                    and any(part.endswith(".tmp") for part in self.parts)):
                pause()
            return written
        return write
    pathlib.Path.write_bytes = pausing(pathlib.Path.write_bytes)
    pathlib.Path.write_text = pausing(pathlib.Path.write_text)
else:
    import pixelmeans.scale.tiles as tiles
    original_tile, done = tiles.tile_labels, []
    def tile_labels(*args):
        done.append(1)
        if len(done) == 2:
            pause()
        return original_tile(*args)
    tiles.tile_labels = tile_labels
from pixelmeans.cli import main
sys.exit(main(argv))
"""


def interrupted(tmp_path: Path, child: str, args: list, signum: int):
    """Run the script ``child`` (which touches the path it is given first once it has
    paused) with ``args`` in ``tmp_path``, send it ``signum`` when paused; its exit status
    and standard error."""
    ready = tmp_path.parent / f"{tmp_path.name}.ready"
    process = subprocess.Popen(
        [sys.executable, "-c", child, str(ready), *map(str, args)],
        cwd=tmp_path, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    deadline = time.monotonic() + 120
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # waiting for a condition, not for a guess of how long work takes
    assert ready.exists(), process.communicate(timeout=30)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    return process.returncode, err


@pytest.fixture
def tiled_tiff(tmp_path) -> Path:
    tifffile = pytest.importorskip("tifffile")
    pixels = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    tifffile.imwrite(tmp_path / "tiled.tif", pixels, tile=(16, 16), photometric="rgb",
                     compression="zlib")
    return tmp_path / "tiled.tif"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP],
                         ids=["TERM", "INT", "HUP"])
@pytest.mark.parametrize(("hook", "argv"), [
    ("write", ["quantize", "photo.png", "-k", "4", "-o", "out.png"]),
    ("write", ["quantize", "photo.png", "-k", "4", "-o", "old.png", "--force"]),
    ("write", ["segment", "photo.png", "-k", "2", "-o", "seg"]),
    ("write", ["segment", "photo.png", "-k", "2", "-o", "full", "--force"]),
    ("tile", ["quantize", "tiled.tif", "-k", "4", "-o", "out.tif"]),
], ids=["quantize", "quantize-force", "segment", "segment-force", "tiled-tiff"])
def test_signals_leave_nothing_behind(tmp_path, photo, tiled_tiff, signum, hook, argv):
    (tmp_path / "old.png").write_bytes(b"the old output")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("the old folder")
    before = listing(tmp_path)
    status, err = interrupted(tmp_path, PAUSING_CHILD, [hook, *argv], signum)
    assert status == 128 + signum
    assert "Traceback" not in err
    assert listing(tmp_path) == before  # no temporary, no output, old ones untouched


# -- write errors (disk full, file too large) ---------------------------------------------------
LIMITED_CHILD = r"""
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # writes past it fail: EFBIG
from pixelmeans.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize(("limit", "argv", "output"), [
    (1000, ["quantize", "photo.png", "-k", "16", "-o", "out.png"], "out.png"),
    (1000, ["quantize", "photo.png", "-k", "16", "-o", "old.png", "--force"], "old.png"),
    (1000, ["segment", "photo.png", "-k", "3", "-o", "seg"], "seg"),
    (100, ["palette", "photo.png", "--format", "json", "-o", "p.json"], "p.json"),
    (100, ["palette", "photo.png", "--swatch", "s.png"], "s.png"),
    (1000, ["quantize", "tiled.tif", "-k", "8", "-o", "out.tif"], "out.tif"),
], ids=["quantize", "quantize-force", "segment", "palette-json", "swatch", "tiled-tiff"])
def test_write_errors_are_one_line_and_leave_nothing(tmp_path, photo, tiled_tiff, limit, argv,
                                                     output):
    """A file-size limit (``ulimit -f``) makes writes fail with EFBIG, as a full disk does
    with ENOSPC; the command must not be killed by SIGXFSZ, nor print a traceback."""
    (tmp_path / "old.png").write_bytes(b"the old output")
    before = listing(tmp_path)
    result = subprocess.run([sys.executable, "-c", LIMITED_CHILD, str(limit), *argv],
                            cwd=tmp_path, env=child_env(), capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert_one_error_line(result.stderr, output, "File too large")
    assert listing(tmp_path) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_write_errors_on_standard_output_are_one_line(photo):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "pixelmeans", "palette", str(photo)],
                                stdout=full, stderr=subprocess.PIPE, text=True, env=child_env(),
                                timeout=120, check=False)
    assert result.returncode == 2
    assert result.stderr == ("pixelmeans: error: standard output: No space left on device\n")


# -- outputs ------------------------------------------------------------------------------------
def test_outputs_a_folder_or_a_missing_folder_is_refused(tmp_path, capsys, photo):
    (tmp_path / "dir.png").mkdir()
    for argv in (["quantize", photo, "-o", tmp_path / "dir.png", "--force"],
                 ["palette", photo, "--swatch", tmp_path / "dir.png", "--force"],
                 ["compress", photo, "-k", "4", "-o", tmp_path / "dir.png", "--force"]):
        fails_cleanly(capsys, tmp_path, *argv, names=[tmp_path / "dir.png"])
    fails_cleanly(capsys, tmp_path, "quantize", photo, "-o", tmp_path / "no" / "q.png",
                  names=[tmp_path / "no" / "q.png", "does not exist"])
    fails_cleanly(capsys, tmp_path, "quantize", photo, "-o", photo / "q.png",
                  names=[photo / "q.png", "is not a folder"])


def test_outputs_one_file_for_two_outputs_is_refused_before_any_work(tmp_path, capsys, photo):
    fails_cleanly(capsys, tmp_path, "palette", photo, "--swatch", tmp_path / "p.png", "-o",
                  tmp_path / "sub" / ".." / "p.png", names=["also given for another output"])
    fails_cleanly(capsys, tmp_path, "cluster", "digits", "-k", "2", "--report",
                  tmp_path / "r.json", "--centroids", tmp_path / "r.json",
                  names=[tmp_path / "r.json"])


def test_outputs_a_pipe_or_device_is_never_replaced_even_with_force(tmp_path, capsys, photo):
    os.mkfifo(tmp_path / "out.png")
    for argv in (["quantize", photo, "-o", tmp_path / "out.png", "--force"],
                 ["palette", photo, "--swatch", tmp_path / "out.png", "--force"],
                 ["palette", photo, "-o", tmp_path / "out.png", "--force"]):
        fails_cleanly(capsys, tmp_path, *argv, names=[tmp_path / "out.png", "pipe"])
    assert (tmp_path / "out.png").is_fifo()


def test_outputs_a_file_as_plots_folder_is_refused(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    (tmp_path / "plots").write_text("a file")
    fails_cleanly(capsys, tmp_path, "cluster", "digits", "-k", "2", "--plots",
                  tmp_path / "plots", names=[tmp_path / "plots"])


@pytest.mark.parametrize("overwrite", [False, True])
def test_outputs_two_writers_racing_for_one_folder(tmp_path, overwrite):
    """Both have their content ready, then both move it into place: one wins; without
    overwrite the other gets OutputExistsError; nothing else is left."""
    target = tmp_path / "out"
    barrier = threading.Barrier(2, timeout=60)
    outcome: dict = {}

    def run(tag: str) -> None:
        def write(tmp: Path) -> None:
            (tmp / "who.txt").write_text(tag)
            barrier.wait()

        try:
            write_folder_atomically(target, write, overwrite=overwrite)
            outcome[tag] = "won"
        except OutputExistsError as exc:
            outcome[tag] = exc

    threads = [threading.Thread(target=run, args=(tag,)) for tag in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    winners = [tag for tag, result in outcome.items() if result == "won"]
    assert len(outcome) == 2
    if overwrite:
        assert len(winners) == 2  # the last one in place stays
    else:
        assert len(winners) == 1
        loser = next(r for r in outcome.values() if r != "won")
        assert str(target) in str(loser)
    assert (target / "who.txt").read_text() in winners
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in target.iterdir()) == ["who.txt"]


def test_outputs_two_segment_runs_to_one_folder(tmp_path, photo):
    """Two processes: one writes the folder; the other fails cleanly, whenever it lost."""
    argv = [sys.executable, "-m", "pixelmeans", "segment", str(photo), "-k", "2", "-o",
            str(tmp_path / "seg")]
    runs = [subprocess.Popen(argv, env=child_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in runs]
    assert sorted(status for status, _ in results) == [0, 2]
    assert_one_error_line(next(err for status, err in results if status == 2),
                          str(tmp_path / "seg"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photo.png", "seg"]
    assert (tmp_path / "seg" / "labels.png").is_file()


def test_outputs_a_batch_never_maps_two_inputs_to_one_output(tmp_path, capsys):
    source = tmp_path / "in"
    source.mkdir()
    sizes = {"a.png": (10, 12), "a.png.png": (20, 14), "a.jpg": (30, 16)}
    for i, (name, (w, h)) in enumerate(sizes.items()):
        pixels = np.random.default_rng(i).integers(0, 256, (h, w, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(source / name, format="PNG" if "png" in name else "JPEG")
    status, out, err = cli(capsys, "quantize", source, "-k", "4", "-o", tmp_path / "out")
    assert status == 0, err
    written = {line.split(":")[0] for line in out.splitlines()}
    assert len(written) == 3
    seen = set()
    for path in written:
        with Image.open(path) as im:
            seen.add(im.size)
    assert seen == set(sizes.values())  # each input went to an output of its own


def test_outputs_an_interrupted_file_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(PixelmeansError, match=r"out.txt: cannot be written \(No space left"):
        write_atomically(target, broken, overwrite=True)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


# -- data sets ----------------------------------------------------------------------------------
def _idx_gz(X: np.ndarray) -> bytes:
    header = bytes([0, 0, 8, X.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in X.shape)
    return gzip.compress(header + X.tobytes())


@pytest.mark.parametrize(("name", "make", "problem"), [
    ("bad.idx.gz", lambda X: (lambda g: g[:12] + bytes(20) + g[32:])(_idx_gz(X)), "corrupt"),
    ("short.idx.gz", lambda X: _idx_gz(X)[:200], "corrupt gzip"),
    ("crc.idx.gz", lambda X: (lambda g: g[:-8] + b"\0\0\0\0" + g[-4:])(_idx_gz(X)), "corrupt"),
    ("short.npz", lambda X: (lambda b: b[: len(b) // 2])(_npz(X=X)), "not a readable .npz"),
    ("empty.npz", lambda X: _npz(X=X[:0]), "holds no images"),
    ("empty-rows.npz", lambda X: _npz(X=X.reshape(len(X), -1)[:0]), "holds no images"),
    ("labels.npz", lambda X: _npz(X=X, y=np.array(["a"] * len(X))), "whole-number labels"),
    ("nan.npz", lambda X: _npz(X=np.full(X.shape, np.nan)), "X must be"),
])
def test_data_sets_broken_files_are_one_line(tmp_path, capsys, name, make, problem):
    X = np.random.default_rng(0).integers(0, 256, (50, 8, 8), dtype=np.uint8)
    (tmp_path / name).write_bytes(make(X))
    fails_cleanly(capsys, tmp_path, "cluster", tmp_path / name, "-k", "2",
                  names=[tmp_path / name, problem])
    from pixelmeans.datasets.loaders import load_dataset

    with pytest.raises(DatasetError, match=problem):  # also a ValueError
        load_dataset(str(tmp_path / name))


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


# -- tiled TIFFs --------------------------------------------------------------------------------
def _damaged(tiled: Path, how: str) -> Path:
    import tifffile

    data = bytearray(tiled.read_bytes())
    with tifffile.TiffFile(tiled) as tif:
        offsets, counts = tif.pages[0].dataoffsets, tif.pages[0].databytecounts
    if how == "corrupt":
        for i in range(offsets[3], offsets[3] + counts[3]):
            data[i] ^= 0x55
    else:
        data = data[: offsets[10] + 5]
    out = tiled.with_name(f"{how}.tif")
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize("how", ["corrupt", "truncated"])
def test_tiled_tiffs_damaged_tiles_are_one_line(tmp_path, capsys, tiled_tiff, how):
    damaged = _damaged(tiled_tiff, how)
    fails_cleanly(capsys, tmp_path, "quantize", damaged, "-k", "4", "-o", tmp_path / "out.tif",
                  names=[damaged, "tile"])


def test_tiled_tiffs_damaged_tiles_on_workers_are_one_line(tmp_path, tiled_tiff):
    pytest.importorskip("distributed")
    damaged = _damaged(tiled_tiff, "corrupt")
    before = listing(tmp_path)
    result = subprocess.run([sys.executable, "-m", "pixelmeans", "quantize", str(damaged),
                             "-k", "4", "-o", str(tmp_path / "out.tif"), "--workers", "2"],
                            env=child_env(), capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 2
    assert_one_error_line(result.stderr, str(damaged), "tile 3")
    assert listing(tmp_path) == before


# -- URLs and addresses -------------------------------------------------------------------------
@pytest.fixture
def hostile_server():
    """A server on 127.0.0.1: a redirect loop, and a body trickled a byte every 0.2 s."""
    stop = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/loop":
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            while not stop.wait(0.2):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    stop.set()
    server.shutdown()
    server.server_close()


def test_urls_a_trickling_server_is_cut_off_by_the_deadline(hostile_server):
    started = time.monotonic()
    with pytest.raises(ImageReadError, match="did not finish within 1 s"):
        load_image(f"{hostile_server}/slow.png", deadline=1.0, timeout=5.0)
    assert time.monotonic() - started < 30  # a bound far from the timing, only against hangs


@pytest.mark.parametrize(("url", "message"), [
    ("{server}/loop", "too many redirects"),
    ("http://127.0.0.1:notaport/x.png", "not a valid URL"),
    ("http://[::1/x.png", "not a valid URL"),
    ("ftp://127.0.0.1/x.png", "only http:// and https://"),
])
def test_urls_bad_ones_are_one_line(tmp_path, capsys, hostile_server, url, message):
    url = url.format(server=hostile_server)
    fails_cleanly(capsys, tmp_path, "palette", url, names=[url, message])
    with pytest.raises(ImageReadError, match=message):
        load_image(url)


def test_urls_a_scheduler_that_is_not_an_address_is_one_line(tmp_path, capsys, photo):
    pytest.importorskip("distributed")
    fails_cleanly(capsys, tmp_path, "quantize", tmp_path, "-o", tmp_path / "out",
                  "--scheduler", "notanaddress", names=["notanaddress"])


# -- image modes --------------------------------------------------------------------------------
def _png(width: int, height: int, depth: int, color_type: int, rows: list[bytes],
         trns: bytes) -> bytes:
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    idat = zlib.compress(b"".join(b"\0" + row for row in rows))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"tRNS", trns)
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


@pytest.mark.parametrize("kind", ["grey16", "rgb16"])
def test_image_modes_16_bit_png_colour_key_is_transparent(tmp_path, capsys, kind):
    """A tRNS colour in a 16-bit PNG: its pixels are transparent, count for nothing, and
    stay transparent when quantized (the left half here)."""
    if kind == "grey16":
        values = np.array([1000] * 4 + [60000] * 4, ">u2")
        data = _png(8, 4, 16, 0, [values.tobytes()] * 4, (1000).to_bytes(2, "big"))
    else:
        values = np.array([[1000, 2000, 3000]] * 4 + [[60000, 50000, 40000]] * 4, ">u2")
        data = _png(8, 4, 16, 2, [values.tobytes()] * 4,
                    b"".join(v.to_bytes(2, "big") for v in (1000, 2000, 3000)))
    path = tmp_path / "key.png"
    path.write_bytes(data)
    image = load_image(path)
    assert image.mask is not None
    assert image.mask[:, :4].sum() == 0 and image.mask[:, 4:].all()
    status, out, _ = cli(capsys, "palette", path, "-k", "2", "--format", "json")
    assert status == 0
    colors = json.loads(out)["colors"]
    assert [c["weight"] for c in colors] == [1.0]
    assert cli(capsys, "quantize", path, "-k", "2", "-o", tmp_path / "q.png")[0] == 0
    with Image.open(tmp_path / "q.png") as im:
        alpha = np.asarray(im.convert("RGBA"))[..., 3]
    assert (alpha[:, :4] == 0).all() and (alpha[:, 4:] == 255).all()


# -- parameters and the Python API --------------------------------------------------------------
def test_parameters_a_negative_seed_is_one_line(tmp_path, capsys, photo):
    for command in (["palette", photo], ["quantize", photo, "-o", tmp_path / "q.png"],
                    ["segment", photo, "-o", tmp_path / "s"]):
        fails_cleanly(capsys, tmp_path, *command, "--seed", "-1", names=["random_state"])


def test_parameters_too_many_local_workers_is_one_line(tmp_path, capsys, photo):
    fails_cleanly(capsys, tmp_path, "quantize", tmp_path, "-o", tmp_path / "out",
                  "--workers", "100000", names=["workers=100000", "at most"])


def test_parameters_api_errors_are_pixelmeans_errors_and_value_errors():
    from pixelmeans.image.colorspace import from_srgb, rgb_to_lab, to_srgb
    from pixelmeans.scale.batch import shared_palette

    for call in (lambda: shared_palette([]), lambda: from_srgb(np.zeros(3), "hsv"),
                 lambda: to_srgb(np.zeros(3), "hsv"),
                 lambda: rgb_to_lab(np.array([300, 0, 0]))):
        with pytest.raises(InvalidParameterError) as caught:
            call()
        assert isinstance(caught.value, ValueError)
    assert issubclass(DatasetError, ValueError)
    for bad in (np.full((2, 2, 3), np.nan), np.zeros((0, 3, 3)), np.zeros((2, 2, 5))):
        with pytest.raises(InvalidImageError) as caught:
            load_image(bad)
        assert isinstance(caught.value, ValueError) and isinstance(caught.value, PixelmeansError)
    white = np.array([255, 255, 255], np.uint8)
    np.testing.assert_allclose(rgb_to_lab(white), rgb_to_lab([1.0, 1.0, 1.0]), atol=1e-4)
    np.testing.assert_allclose(rgb_to_lab(white), [100, 0, 0], atol=1e-3)


def test_replacing_a_folder_that_holds_the_input_is_refused(tmp_path, capsys):
    """`segment -o DIR --force` where DIR holds the photo would delete the photo."""
    folder = tmp_path / "work"
    folder.mkdir()
    source = noise_png(folder / "photo.png")
    fails_cleanly(capsys, tmp_path, "segment", source, "-k", "2", "-o", folder, "--force",
                  names=[folder, source])
