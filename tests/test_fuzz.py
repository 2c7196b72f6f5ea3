"""Fuzzing the command line: mutated image files and options, through the real entry point.

Hypothesis flips bits in, truncates, and splices the headers of other formats onto small
valid PNG, JPEG, GIF, WebP, TIFF and BMP files, picks a command and its options, and runs
``main``. Whatever the bytes, the command must end with a result (exit 0) or one
``pixelmeans: error:`` line (exit 2): never a traceback or an internal error, never a hang,
and never a file left behind (a failed run leaves the folder as it was; a good one leaves
its output and no temporary).
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import signal
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from pixelmeans.cli import main

HANG_SECONDS = 60  # one example takes well under a second; this only catches a hang


def _encoded(fmt: str, mode: str, **options) -> bytes:
    rng = np.random.default_rng(len(fmt) + len(mode))
    pixels = rng.integers(0, 256, (12, 16, 4), dtype=np.uint8)
    pixels[:6, :8] = (200, 30, 30, 255)  # a block of one colour among the noise
    if mode == "I;16":
        im = Image.fromarray(pixels[..., 0].astype(np.uint16) * 257)
    else:
        im = Image.fromarray(pixels, "RGBA").convert(mode)
    buffer = io.BytesIO()
    im.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _animated_gif() -> bytes:
    frames = [Image.new("P", (10, 8), i) for i in (1, 2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def _tiled_tiff() -> list[bytes]:
    """A small tiled, zlib-compressed TIFF (for the tile-by-tile path), if tifffile is here."""
    try:
        import tifffile
    except ImportError:
        return []
    pixels = np.random.default_rng(5).integers(0, 256, (40, 48, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    tifffile.imwrite(buffer, pixels, tile=(16, 16), photometric="rgb", compression="zlib")
    return [buffer.getvalue()]


SEEDS = [
    *_tiled_tiff(), _encoded("PNG", "RGB"), _encoded("PNG", "RGBA"), _encoded("PNG", "P"),
    _encoded("PNG", "I;16"), _encoded("JPEG", "RGB", quality=80), _encoded("GIF", "P"),
    _animated_gif(), _encoded("WEBP", "RGBA", lossless=True), _encoded("TIFF", "RGB"),
    _encoded("BMP", "RGB"),
]


@st.composite
def mutated_files(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for mutation in draw(st.lists(st.sampled_from(["flip", "truncate", "splice"]),
                                  min_size=0, max_size=3)):
        if mutation == "flip" and data:
            for _ in range(draw(st.integers(1, 8))):
                data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
        elif mutation == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        else:  # another format's header on this body
            other = draw(st.sampled_from(SEEDS))
            cut = draw(st.integers(2, 64))
            data = bytearray(other[:cut]) + data[cut:]
    return bytes(data)


COMMANDS = st.one_of(
    st.tuples(st.just("palette"), st.sampled_from(["text", "json", "css", "gpl", "hex"]))
    .map(lambda c: ["palette", "{in}", "--format", c[1]]),
    st.tuples(st.sampled_from([".png", ".gif", ".webp"]), st.booleans())
    .map(lambda c: ["quantize", "{in}", "-o", f"{{dir}}/out{c[0]}",
                    *(["--dither"] if c[1] else [])]),
    st.just(["segment", "{in}", "-o", "{dir}/seg"]),
    st.just(["compress", "{in}", "-k", "2,3"]),
    st.just(["quantize", "{in}", "-o", "{dir}/out.tif"]),
)
NAMES = st.sampled_from(["in.png", "in.jpg", "in.gif", "in.webp", "in.tif", "in.bmp",
                         "in", "in[1].png", "what?.jpg"])


class _Hang(BaseException):
    pass


def _on_alarm(signum, frame):
    raise _Hang


@pytest.fixture
def hang_guard():
    """SIGALRM ends an example stuck in Python; faulthandler ends the whole run (with every
    thread's stack) if one is stuck in C code, rather than hang the test suite."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    faulthandler.dump_traceback_later(5 * HANG_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()
    signal.signal(signal.SIGALRM, previous)


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=mutated_files(), name=NAMES, command=COMMANDS, k=st.integers(1, 6))
def test_mutated_images_and_options_end_well_or_in_one_line(hang_guard, data, name, command,
                                                            k):
    with tempfile.TemporaryDirectory() as where:
        folder = Path(where)
        (folder / name).write_bytes(data)
        argv = [a.replace("{in}", str(folder / name)).replace("{dir}", where) for a in command]
        if "-k" not in argv:
            argv += ["-k", str(k)]
        argv += ["--max-pixels", "100000"]
        out, err = io.StringIO(), io.StringIO()
        signal.alarm(HANG_SECONDS)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main(argv)
        except _Hang:
            pytest.fail(f"hang: pixelmeans {' '.join(argv)}")
        finally:
            signal.alarm(0)
        message = err.getvalue()
        event(f"{argv[0]}: exit {status}")
        context = f"pixelmeans {' '.join(argv)} -> {status}\n{message}"
        assert status in (0, 2), context
        assert "Traceback" not in message, context
        lines = message.splitlines()
        assert all(line.startswith(("pixelmeans: error: ", "pixelmeans: warning: "))
                   for line in lines), context
        left = _files(folder) - {name}
        if status == 2:
            assert sum(line.startswith("pixelmeans: error: ") for line in lines) == 1, context
            assert left == set(), context
        else:
            assert not any(Path(p).name.startswith(".") for p in left), context
            wanted = {a for a in argv if a.startswith(where) and a != str(folder / name)}
            assert {str(folder / p) for p in left if "/" not in p} == wanted, context
