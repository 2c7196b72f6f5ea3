"""Bounded reads: regular files only, never a device, a pipe or a folder; size limits."""

from __future__ import annotations

import io
import os

import pytest

from pixelmeans.errors import DatasetError, ImageReadError
from pixelmeans.files.read import read_regular_file, read_stream


def test_regular_files_are_read_whole(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"abc")
    assert read_regular_file(path, error=ImageReadError) == b"abc"
    assert read_regular_file(str(path), max_bytes=3, error=ImageReadError) == b"abc"


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d, "is a directory, not a file"),
    (lambda d: d / "missing", "no such file"),
    (lambda d: "/dev/zero", "not a regular file"),
    (lambda d: (os.mkfifo(d / "fifo"), d / "fifo")[1], "not a regular file"),
])
def test_everything_else_is_one_clear_error_and_never_hangs(tmp_path, make, message):
    target = make(tmp_path)
    with pytest.raises(DatasetError, match=message) as caught:
        read_regular_file(target, error=DatasetError)
    assert str(caught.value).startswith(str(target))


def test_limits_hold_for_files_and_streams(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 11)
    with pytest.raises(ImageReadError, match="over the limit of 10 bytes"):
        read_regular_file(path, max_bytes=10, error=ImageReadError)
    with pytest.raises(ImageReadError, match="<stdin>: over the limit of 10 bytes"):
        read_stream(io.BytesIO(b"y" * 11), name="<stdin>", max_bytes=10, error=ImageReadError)
    assert read_stream(io.BytesIO(b"y" * 10), name="-", max_bytes=10, error=ImageReadError)


def test_standard_input_on_a_device_or_terminal_is_refused_before_reading():
    with open("/dev/zero", "rb") as device:
        with pytest.raises(ImageReadError, match="<stdin>: standard input is a device"):
            read_stream(device, name="<stdin>", error=ImageReadError)
    read, write = os.pipe()
    os.write(write, b"abc")
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        assert read_stream(pipe, name="<stdin>", error=ImageReadError) == b"abc"
