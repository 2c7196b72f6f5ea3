"""Presenting results: text to standard output or a file, and a batch's summary."""

from __future__ import annotations

import sys
from typing import TextIO

from ..errors import InvalidParameterError
from ..files.atomic import write_atomically


def write_text(text: str, path: str | None, *, overwrite: bool) -> None:
    """``text`` to the file ``path`` (atomically), or to standard output without one."""
    if path:
        write_atomically(path, lambda tmp: tmp.write_text(text), overwrite=overwrite)
    else:
        sys.stdout.write(text)


def write_bytes(data: bytes, path: str | None, *, overwrite: bool) -> None:
    """``data`` to the file ``path`` (atomically), or to standard output without one;
    never onto a terminal, where binary bytes are noise."""
    if path:
        write_atomically(path, lambda tmp: tmp.write_bytes(data), overwrite=overwrite)
        return
    if sys.stdout.isatty():
        msg = "standard output is a terminal; redirect it to a file, or give -o FILE"
        raise InvalidParameterError(msg)
    sys.stdout.flush()
    sys.stdout.buffer.write(data)


def batch_summary(results, done_what: str, where: str, stream: TextIO) -> int:
    """Each failure as one ``pixelmeans: error:`` line, then a summary line; 2 if any
    failed, else 0."""
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"pixelmeans: error: {r.error}", file=stream)
    print(f"pixelmeans: {len(results)} images: {len(results) - len(failed)} {done_what}, "
          f"{len(failed)} failed ({where})", file=stream)
    return 2 if failed else 0
