"""The README's "What pixelmeans promises" says what the code does: exit statuses, limits,
temporary names and the error family are checked against the code here; the behaviour
behind each promise is tested class by class in test_hostile.py and test_fuzz.py."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from pixelmeans import errors
from pixelmeans.files import download, read, temporary
from pixelmeans.image.load import DEFAULT_MAX_PIXELS

README = Path(__file__).parents[1] / "README.md"
cli_main = importlib.import_module("pixelmeans.cli.main")  # the module, not the function


@pytest.fixture(scope="module")
def promises() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## What pixelmeans promises")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_the_exit_statuses_are_those_of_the_code(promises):
    table = dict(re.findall(r"^\| *(\d+) \| (.+) \|$", promises, flags=re.M))
    assert set(table) == {"0", "2", "70", "129", "130", "141", "143"}
    assert cli_main.EXIT_ERROR == 2
    assert cli_main.EXIT_INTERNAL_ERROR == 70 and "bug" in table["70"]
    assert cli_main.EXIT_INTERRUPTED == 130 and "SIGINT" in table["130"]
    assert cli_main.EXIT_BROKEN_PIPE == 141
    assert "SIGTERM" in table["143"]  # 128 + SIGTERM, as test_hostile's signal tests check
    assert "SIGHUP" in table["129"]


def test_the_limits_are_those_of_the_code(promises):
    assert f"{DEFAULT_MAX_PIXELS:,} pixels" in promises
    assert f"{read.DEFAULT_MAX_FILE_BYTES:,} bytes (1 GiB)" in promises
    assert read.DEFAULT_MAX_FILE_BYTES == 1 << 30
    assert f"{download.DEFAULT_MAX_DOWNLOAD_BYTES:,} bytes (200 MiB)" in promises
    assert download.DEFAULT_MAX_DOWNLOAD_BYTES == 200 << 20
    assert f"{download.DEFAULT_TIMEOUT:g} s for each wait" in promises
    assert f"{download.DEFAULT_DEADLINE:g} s for the whole download" in promises


def test_the_temporary_names_are_those_of_the_code(promises, tmp_path):
    assert "`.NAME.XXXXXXXX.tmp`" in promises
    name = temporary.temporary_name(tmp_path / "out.png")
    assert name.parent == tmp_path
    assert re.fullmatch(r"\.out\.png\.[0-9a-f]{8}\.tmp", name.name)
    long = temporary.temporary_name(tmp_path / ("x" * 255))
    assert len(long.name) <= 255  # a long output name still has a temporary


def test_the_error_family_is_as_described(promises):
    named = re.search(r"bad values \(([^)]*)\) are also\s+`ValueError`", promises)
    assert named is not None
    value_errors = [getattr(errors, n) for n in re.findall(r"`(\w+)`", named.group(1))]
    assert len(value_errors) == 3
    for cls in value_errors:
        assert issubclass(cls, errors.PixelmeansError) and issubclass(cls, ValueError)
    for cls in (errors.ImageReadError, errors.OutputError):
        assert issubclass(cls, errors.PixelmeansError) and issubclass(cls, OSError)


def test_a_bug_is_one_line_with_its_own_status(monkeypatch, capsys):
    """A failure that is no PixelmeansError (a bug) is still one line, exit 70; with
    PIXELMEANS_TRACEBACK=1 it is raised, traceback and all."""
    from pixelmeans.cli import palette

    def broken(args):
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(palette, "run", broken)
    assert cli_main.main(["palette", "x.png"]) == 70
    err = capsys.readouterr().err
    assert err == ("pixelmeans: error: internal error (RuntimeError: a bug over two lines); "
                   "please report it with the command line (PIXELMEANS_TRACEBACK=1 shows "
                   "where)\n")
    monkeypatch.setenv("PIXELMEANS_TRACEBACK", "1")
    with pytest.raises(RuntimeError, match="a bug"):
        cli_main.main(["palette", "x.png"])
