"""Feedback during long work: bars only on terminals, rows as they finish, clean output.

The end-to-end tests run the command in a pseudo-terminal and replay what it wrote through
a tiny terminal model (carriage return, newline, cursor-up and erase), so they check what a
person would see at the end, not the bytes.
"""

from __future__ import annotations

import io
import os
import re
import select
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans.cli import main, progress

pty = pytest.importorskip("pty", reason="pseudo-terminals need a POSIX system")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")
SRC = str(Path(__file__).parents[2] / "src")


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def screen(raw: str) -> list[str]:
    """The lines a terminal shows after ``raw``: handles \\r, \\n, ESC[nF and ESC[J."""
    lines, row, col = [""], 0, 0
    for token in re.findall(r"\x1b\[(\d*)([A-Za-z])|(.)", raw, flags=re.S):
        count, code, char = token
        if code == "F":
            row, col = max(0, row - int(count or 1)), 0
        elif code == "J":
            lines[row] = lines[row][:col]
            del lines[row + 1:]
        elif char == "\r":
            col = 0
        elif char == "\n":
            row, col = row + 1, 0
            lines.extend([""] * (row + 1 - len(lines)))
        elif char:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + char + line[col + 1:]
            col += 1
    return [line.rstrip() for line in lines]


def run_in_terminal(argv: list[str], tmp_path: Path) -> str:
    """Run ``pixelmeans argv`` in a pseudo-terminal (bars shown at once); all it wrote."""
    code = ("import sys; from pixelmeans.cli import main, progress; progress.DELAY_S = 0; "
            f"sys.exit(main({argv!r}))")
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))
        os.environ["PYTHONPATH"] = SRC
        os.environ["TERM"] = "xterm"
        os.environ.pop("NO_COLOR", None)
        os.chdir(tmp_path)
        os.execv(sys.executable, [sys.executable, "-c", code])
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], 120)
        if not ready:
            break
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, b"".join(chunks)
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.fixture
def photo(tmp_path):
    rng = np.random.default_rng(3)
    path = tmp_path / "p.png"
    Image.fromarray(rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)).save(path)
    return path


def test_bar_names_the_step_running_and_never_shows_all_done_early(monkeypatch):
    monkeypatch.setattr(progress, "DELAY_S", 0)
    stream = FakeTerminal()
    bar = progress.Progress("compressing", ["k=2", "k=4", "k=8"], stream=stream)
    try:
        assert "k=2 (1 of 3)" in bar.line() and "0%" in bar.line()
        bar(2, 3, 4)
        line = bar.line()
        assert "k=8 (3 of 3)" in line and "100%" not in line
        assert re.search(r"\[\d\d:\d\d<", line)  # elapsed time and the estimate of what is left
        bar(3, 3, 8)
        assert "100%" in bar.line()
    finally:
        bar.close()
    written = stream.getvalue()
    assert "k=8 (3 of 3)" in written
    assert screen(written) == [""]  # wiped at the end: nothing left on the line


def test_weights_set_the_share_done():
    bar = progress.Progress("x", ["a", "b"], weights=[1, 3], stream=io.StringIO())
    bar(1, 2, 0)
    assert " 25%|" in bar.line()
    bar.close()


def test_spinner_without_steps_shows_elapsed_time():
    bar = progress.Progress("segmenting", stream=io.StringIO())
    assert re.fullmatch(r"segmenting [|/\\-] 00:0\d", bar.line())
    bar.close()


@pytest.mark.parametrize("term", ["dumb", "xterm"])
def test_nothing_drawn_when_not_a_terminal_or_dumb(monkeypatch, term):
    monkeypatch.setattr(progress, "DELAY_S", 0)
    monkeypatch.setenv("TERM", term)
    stream = FakeTerminal() if term == "dumb" else io.StringIO()
    bar = progress.Progress("fitting", ["k=2"], stream=stream)
    bar(1, 1, 2)
    bar.close()
    assert stream.getvalue() == ""


def test_live_table_redraws_on_a_terminal_and_writes_once_elsewhere():
    def render(rows):
        return "".join(f"{r:>3}\n" for r in ["k", *rows])

    term = FakeTerminal()
    table = progress.LiveTable(render, stream=term)
    table.add(2)
    assert screen(term.getvalue()) == ["  k", "  2", ""]  # the first row before the end
    table.add(16)
    table.finish(render([2, 16]))
    assert screen(term.getvalue()) == ["  k", "  2", " 16", ""]

    plain = io.StringIO()
    table = progress.LiveTable(render, stream=plain)
    table.add(2)
    assert plain.getvalue() == ""
    table.finish(render([2]))
    assert plain.getvalue() == render([2])


def test_compress_sweep_in_a_terminal_ends_with_the_table_only(tmp_path, photo, capsys):
    raw = run_in_terminal(["compress", str(photo), "-k", "2,4,8"], tmp_path)
    assert "compressing k=8 (3 of 3)" in raw  # the bar named the last k while it ran
    assert raw.count("\x1b[") >= 2  # the table grew in place, row by row
    main(["compress", str(photo), "-k", "2,4,8"])
    expected = capsys.readouterr().out
    assert screen(raw) == [*expected.splitlines(), ""]


def test_elbow_result_is_on_its_own_line(tmp_path, photo):
    pytest.importorskip("matplotlib")
    raw = run_in_terminal(["plot", "elbow", str(photo), "-k", "2,3,4", "-o", "e.png"], tmp_path)
    assert "elbow chart k=4 (3 of 3)" in raw  # drawn at each step when the delay is 0
    lines = screen(raw)
    assert re.fullmatch(r"elbow at k = \d", lines[0])
    assert lines[1:] == ["pixelmeans: wrote e.png", ""]


def test_no_bar_when_output_is_piped(photo):
    done = subprocess.run([sys.executable, "-m", "pixelmeans", "compress", str(photo), "-k",
                           "2,4"], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": SRC})
    assert done.stderr == "" and "\x1b" not in done.stdout and "\r" not in done.stdout


def test_counted_items_read_as_a_count():
    bar = progress.Progress("", unit=" images", stream=io.StringIO())
    bar(3, 10, 0)
    assert bar.line().startswith("3/10 images:  30%|")
    bar.close()
