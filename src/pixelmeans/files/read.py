"""Bounded reads: regular files only (never a device, a pipe or a folder) and streams."""

from __future__ import annotations

import os
import stat
from typing import IO

from ..errors import PixelmeansError

DEFAULT_MAX_FILE_BYTES = 1 << 30


def read_regular_file(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
                      error: type[PixelmeansError]) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, or ``error`` with one line.

    Devices (``/dev/zero``), pipes and sockets are refused before anything is read, and
    opening a pipe never waits for a writer.

    Examples
    --------
    >>> from pixelmeans.errors import ImageReadError
    >>> read_regular_file("/dev/null", error=ImageReadError)
    Traceback (most recent call last):
    ...
    pixelmeans.errors.ImageReadError: /dev/null: not a regular file (a device, pipe or socket)
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        msg = f"{path}: no such file"
        raise error(msg) from None
    except OSError as exc:
        msg = f"{path}: cannot be read ({exc.strerror or exc})"
        raise error(msg) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            msg = f"{path}: is a directory, not a file"
            raise error(msg)
        if not stat.S_ISREG(mode):
            msg = f"{path}: not a regular file (a device, pipe or socket)"
            raise error(msg)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        try:
            return _bounded(handle, max_bytes, str(path), error)
        except OSError as exc:
            if isinstance(exc, PixelmeansError):
                raise
            msg = f"{path}: cannot be read ({exc.strerror or exc})"
            raise error(msg) from None


def read_stream(stream: IO[bytes], *, name: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
                error: type[PixelmeansError]) -> bytes:
    """At most ``max_bytes`` from a binary stream (standard input), or ``error``.

    A stream on a terminal or a device (``< /dev/zero``) is refused before anything is
    read: a pipe or a regular file is what can hold an image.
    """
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, AttributeError, ValueError):  # io.UnsupportedOperation is both
        mode = None  # an in-memory stream
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)):
        what = "a terminal" if stream.isatty() else "a device"
        msg = f"{name}: standard input is {what}; pipe or redirect an image file into it"
        raise error(msg)
    return _bounded(stream, max_bytes, name, error)


def _bounded(handle: IO[bytes], max_bytes: int, name: str,
             error: type[PixelmeansError]) -> bytes:
    data = handle.read(max_bytes + 1)
    if not isinstance(data, bytes):
        msg = f"{name}: must be opened in binary mode"
        raise error(msg)
    if len(data) > max_bytes:
        msg = f"{name}: over the limit of {max_bytes:,} bytes"
        raise error(msg)
    return data
