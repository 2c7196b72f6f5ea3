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
    """At most ``max_bytes`` from a binary stream (standard input), or ``error``."""
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
