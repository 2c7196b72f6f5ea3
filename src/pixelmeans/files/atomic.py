"""Atomic outputs: a file or a folder appears complete or not at all.

Content is written to a temporary file (or folder) beside the target, then renamed into
place; an existing output is replaced only when asked (``overwrite=True``, ``--force``), and
on any error nothing is left behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import OutputError, OutputExistsError


def check_new_file(path: str | os.PathLike, *, overwrite: bool) -> Path:
    """Refuse, before any work, an output that is a folder, or a file that exists when
    ``overwrite`` is false; return the path.

    Examples
    --------
    >>> import tempfile
    >>> check_new_file(tempfile.gettempdir(), overwrite=True)
    Traceback (most recent call last):
    ...
    pixelmeans.errors.OutputExistsError: /tmp: is a folder, not a file
    """
    target = Path(path)
    if target.is_dir():
        msg = f"{target}: is a folder, not a file"
        raise OutputExistsError(msg)
    if target.exists() and not overwrite:
        msg = f"{target}: already exists; pass overwrite=True (--force) to replace it"
        raise OutputExistsError(msg)
    return target


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary(target: Path, make: Callable):
    """``make(prefix=, suffix=, dir=)`` (mkstemp or mkdtemp) beside ``target``, or a clear
    error when its folder is missing or not writable."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        msg = f"{target}: folder {folder} does not exist"
        raise OutputError(msg)
    try:
        return make(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        msg = f"{target}: cannot write in {folder} ({exc.strerror or exc})"
        raise OutputError(msg) from None


def write_atomically(path: str | os.PathLike, write: Callable[[Path], object], *,
                     overwrite: bool = False) -> Path:
    """Write a file through a temporary file in the same folder, then move it into place.

    ``write(tmp_path)`` produces the content. An existing ``path`` is replaced only when
    ``overwrite`` is true; on any error nothing is left behind.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "hello.txt"
    >>> _ = write_atomically(out, lambda p: p.write_text("hi"))
    >>> out.read_text()
    'hi'
    """
    target = check_new_file(path, overwrite=overwrite)
    fd, tmp_name = _temporary(target, tempfile.mkstemp)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o666 & ~_current_umask())  # mkstemp makes 0600; outputs follow umask
        write(tmp)
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails if the target appeared meanwhile: never replaced
            tmp.unlink()
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        msg = f"{target}: already exists; pass overwrite=True (--force) to replace it"
        raise OutputExistsError(msg) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def check_output_folder(path: str | os.PathLike, *, overwrite: bool) -> bool:
    """Refuse a folder output that is a file, or a non-empty folder without ``overwrite``;
    return whether the folder holds something (that ``overwrite`` will replace)."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        msg = f"{target}: already exists and is not a folder"
        raise OutputExistsError(msg)
    occupied = target.is_dir() and any(target.iterdir())
    if occupied and not overwrite:
        msg = f"{target}: folder is not empty; pass overwrite=True (--force) to replace it"
        raise OutputExistsError(msg)
    return occupied


def write_folder_atomically(path: str | os.PathLike, write: Callable[[Path], object], *,
                            overwrite: bool = False) -> Path:
    """Fill a new folder through a temporary folder beside it, then move it into place.

    ``write(tmp_folder)`` produces the content. An existing empty folder is replaced; a
    non-empty one only with ``overwrite`` (it is removed once the new one is in place). On
    any error nothing is left behind and an existing folder is untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "result"
    >>> _ = write_folder_atomically(out, lambda p: (p / "a.txt").write_text("hi"))
    >>> sorted(f.name for f in out.iterdir())
    ['a.txt']
    """
    target = Path(path)
    occupied = check_output_folder(target, overwrite=overwrite)
    tmp = Path(_temporary(target, tempfile.mkdtemp))
    parent = tmp.parent
    old = None
    try:
        os.chmod(tmp, 0o777 & ~_current_umask())
        write(tmp)
        if occupied:
            old = parent / f".{target.name}.{os.getpid()}.old"
            os.rename(target, old)
        os.rename(tmp, target)  # onto a missing or empty folder only
    except BaseException:
        if old is not None and not target.exists():
            os.rename(old, target)
            old = None
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return target
