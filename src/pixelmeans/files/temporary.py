"""The one cleanup path for temporary files and folders, also on SIGTERM, SIGINT and SIGHUP.

Every temporary output (``.NAME.XXXXXXXX.tmp`` beside its target) is *guarded* before it
exists: its undo action is registered first, then the file or folder is created, so there
is no moment when it exists unguarded. The undo runs when the work ends (success or not),
at interpreter exit (``atexit``), and from the signal handler that the command line
installs with :func:`cleanup_on_signals`; undo actions are idempotent, so running one twice
is harmless.
"""

from __future__ import annotations

import atexit
import itertools
import os
import secrets
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

# key -> undo. Plain dict operations (atomic under the GIL), never a lock: a signal handler
# that waited for a lock held by the code it interrupted would wait forever.
_LIVE: dict[int, Callable[[], None]] = {}
_KEYS = itertools.count()
_NAME_ROOM = 200  # of a file name's 255 bytes, what the target's name may fill


class Terminated(BaseException):
    """The process was asked to stop (SIGTERM, SIGHUP); like ``KeyboardInterrupt``, it is not an
    ``Exception``, so that no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum


def remove_temporaries() -> None:
    """Undo every guarded temporary (remove it, or put back what it stood in for).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with temporary_file(target) as tmp:
    ...     remove_temporaries()  # what a signal handler does
    ...     tmp.exists()
    False
    """
    for key, undo in list(_LIVE.items()):
        try:
            undo()
        except OSError:
            pass  # best effort: what cannot be removed now cannot be removed later either
        _LIVE.pop(key, None)


atexit.register(remove_temporaries)


@contextmanager
def guarded(undo: Callable[[], None]) -> Iterator[None]:
    """Register ``undo`` for the duration of the block and run it when the block ends,
    whether it succeeded or not (so ``undo`` must be harmless after success)."""
    key = next(_KEYS)
    _LIVE[key] = undo
    try:
        yield
    finally:
        undo()  # first undo, then forget: a signal in between only undoes twice
        _LIVE.pop(key, None)


def _remove_file(path: Path) -> Callable[[], None]:
    return lambda: path.unlink(missing_ok=True)


def _remove_folder(path: Path) -> Callable[[], None]:
    return lambda: shutil.rmtree(path, ignore_errors=True)


def temporary_name(target: Path) -> Path:
    """A fresh hidden name beside ``target``: ``.NAME.XXXXXXXX.tmp`` (a very long NAME is
    shortened so that the name stays within the file system's limit)."""
    stem = target.name[:_NAME_ROOM]
    return target.parent / f".{stem}.{secrets.token_hex(4)}.tmp"


def _create(target: Path, make: Callable[[Path], None], undo: Callable[[Path], Callable]
            ) -> tuple[Path, int]:
    """Guard a fresh name, then create it with ``make`` (which fails if it exists)."""
    while True:
        name = temporary_name(target)
        key = next(_KEYS)
        _LIVE[key] = undo(name)  # guarded before it exists
        try:
            make(name)
        except FileExistsError:
            _LIVE.pop(key, None)
            continue
        except BaseException:
            _LIVE.pop(key, None)
            raise
        return name, key


def _make_file(name: Path) -> None:
    os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # umask applies


@contextmanager
def temporary_file(target: Path) -> Iterator[Path]:
    """A guarded, empty temporary file beside ``target`` for the block; removed when the
    block ends (after a rename into place there is nothing left to remove).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with temporary_file(target) as tmp:
    ...     tmp.parent == target.parent, tmp.name.startswith(".out.txt."), tmp.exists()
    (True, True, True)
    >>> tmp.exists()
    False
    """
    name, key = _create(Path(target), _make_file, _remove_file)
    try:
        yield name
    finally:
        name.unlink(missing_ok=True)
        _LIVE.pop(key, None)


@contextmanager
def temporary_folder(target: Path) -> Iterator[Path]:
    """A guarded temporary folder beside ``target`` for the block; removed with its content
    when the block ends (after a rename into place there is nothing left to remove)."""
    name, key = _create(Path(target), lambda p: os.mkdir(p, 0o777), _remove_folder)
    try:
        yield name
    finally:
        shutil.rmtree(name, ignore_errors=True)
        _LIVE.pop(key, None)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    remove_temporaries()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


@contextmanager
def cleanup_on_signals() -> Iterator[None]:
    """For the block: SIGTERM, SIGHUP and SIGINT first remove every guarded temporary, then raise
    :class:`Terminated` or ``KeyboardInterrupt`` in the main thread (so ``with`` blocks close
    what they opened); SIGXFSZ is ignored, so that a file-size limit (``ulimit -f``) is an
    ``OSError`` (EFBIG) that ends as one clean line, not a kill. Outside the main thread it
    does nothing. The previous handlers come back afterwards."""
    wanted: dict[int, Any] = {signal.SIGTERM: _on_signal, signal.SIGINT: _on_signal}
    if hasattr(signal, "SIGHUP"):  # the terminal went away
        wanted[signal.SIGHUP] = _on_signal
    if hasattr(signal, "SIGXFSZ"):
        wanted[signal.SIGXFSZ] = signal.SIG_IGN
    previous: dict[int, Any] = {}
    try:
        for signum, handler in wanted.items():
            previous[signum] = signal.signal(signum, handler)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
