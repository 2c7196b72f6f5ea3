"""Atomic outputs: a file or a folder appears complete or not at all.

Content is written to a temporary file (or folder) beside the target, then renamed into
place; an existing output is replaced only when asked (``overwrite=True``, ``--force``), and
on any error nothing is left behind. The temporaries are guarded from before they exist
(:mod:`pixelmeans.files.temporary`), so a signal or the interpreter's exit removes them too.
A failed write (disk full, file too large, I/O error, no permission) is an
:class:`~pixelmeans.errors.OutputError` naming the output; two runs racing for one output
never mix: one wins, the other gets an error, and nothing of the loser stays.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError, OutputExistsError, PixelmeansError
from .temporary import guarded, temporary_file, temporary_folder, temporary_name

_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}
_RACE_ATTEMPTS = 3


def check_new_file(path: str | os.PathLike, *, overwrite: bool,
                   inputs: Iterable[str | os.PathLike | None] = ()) -> Path:
    """Refuse, before any work, an output that is a folder, a file that exists when
    ``overwrite`` is false, or one of the run's ``inputs`` (even with ``overwrite``: the
    run would destroy what it reads); return the path.

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
    if target.exists() and not target.is_file():
        msg = (f"{target}: is a device, pipe or socket; outputs are regular files (and are "
               "never written into such a thing, even with --force)")
        raise OutputExistsError(msg)
    if target.exists() and not overwrite:
        raise _exists(target)
    _refuse_inputs(target, inputs)
    return target


def _refuse_inputs(target: Path, inputs: Iterable[str | os.PathLike | None]) -> None:
    if not target.exists():
        return
    for name in inputs:
        if name is None or str(name) in ("", "-"):
            continue
        try:
            same = os.path.samefile(target, name)
        except OSError:  # not a file (a URL, hex codes) or gone: not this output
            continue
        if same:
            msg = (f"{target}: is also an input of this run ({name}); choose another "
                   "output (it is never replaced, even with --force)")
            raise OutputExistsError(msg)


def check_distinct_outputs(*paths: str | os.PathLike | None) -> None:
    """Refuse, before any work, one file given for two outputs of a run (``None``: an
    output not asked for); the second would fail, or replace the first.

    Examples
    --------
    >>> check_distinct_outputs("a.png", None, "./b/../a.png")
    Traceback (most recent call last):
    ...
    pixelmeans.errors.OutputError: ./b/../a.png: is also given for another output (a.png)
    """
    seen: dict[str, str] = {}
    for path in paths:
        if path is None:
            continue
        key = os.path.realpath(os.path.abspath(path))
        if key in seen:
            msg = f"{path}: is also given for another output ({seen[key]})"
            raise OutputError(msg)
        seen[key] = str(path)


def _exists(target: Path) -> OutputExistsError:
    msg = f"{target}: already exists; pass overwrite=True (--force) to replace it"
    return OutputExistsError(msg)


def _check_folder(target: Path) -> None:
    folder = target.parent
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist"
        msg = f"{target}: folder {folder} {problem}"
        raise OutputError(msg)


def _output_error(target: Path, exc: OSError) -> OutputError:
    """A failed write (ENOSPC, EFBIG, EIO, EACCES, ...) as one line naming the output."""
    if isinstance(exc, OutputError):
        return exc
    msg = f"{target}: cannot be written ({exc.strerror or exc}); nothing was written"
    return OutputError(msg)


def write_atomically(path: str | os.PathLike, write: Callable[[Path], object], *,
                     overwrite: bool = False) -> Path:
    """Write a file through a temporary file in the same folder, then move it into place.

    ``write(tmp_path)`` produces the content. An existing ``path`` is replaced only when
    ``overwrite`` is true; on any error (an ``OSError`` while writing becomes an
    :class:`~pixelmeans.errors.OutputError`) or signal nothing is left behind.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "hello.txt"
    >>> _ = write_atomically(out, lambda p: p.write_text("hi"))
    >>> out.read_text()
    'hi'
    """
    target = check_new_file(path, overwrite=overwrite)
    _check_folder(target)
    with _as_output_errors(target), temporary_file(target) as tmp:
        write(tmp)
        _move_file_into_place(tmp, target, overwrite)
    return target


def _move_file_into_place(tmp: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails if the target appeared meanwhile: never replaced
        return
    except FileExistsError:
        raise _exists(target) from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    # No hard links on this file system: claim the name, then move the content onto it.
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise _exists(target) from None
    claim = os.fstat(fd)
    os.close(fd)

    def remove_claim() -> None:  # only the empty claim, never the finished output
        try:
            now = os.stat(target)
        except OSError:
            return
        if (now.st_ino, now.st_dev) == (claim.st_ino, claim.st_dev):
            os.unlink(target)

    with guarded(remove_claim):
        os.replace(tmp, target)


def check_output_folder(path: str | os.PathLike, *, overwrite: bool,
                        inputs: Iterable[str | os.PathLike] = ()) -> bool:
    """Refuse a folder output that is a file, a non-empty folder without ``overwrite``, or a
    folder that holds one of the job's ``inputs`` (replacing it would delete them); return
    whether the folder holds something (that ``overwrite`` will replace).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "a.txt").touch()
    >>> check_output_folder(d / "new", overwrite=False), check_output_folder(d, overwrite=True)
    (False, True)
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        msg = f"{target}: already exists and is not a folder"
        raise OutputExistsError(msg)
    try:
        occupied = target.is_dir() and any(target.iterdir())
    except OSError as exc:
        msg = f"{target}: cannot be read ({exc.strerror or exc})"
        raise OutputError(msg) from None
    if occupied and not overwrite:
        raise _folder_taken(target)
    if occupied:
        _refuse_inputs_inside(target, inputs)
    return occupied


def _refuse_inputs_inside(target: Path, inputs: Iterable[str | os.PathLike]) -> None:
    folder = target.resolve()
    for name in inputs:
        source = Path(name)
        if str(name) == "-" or not source.exists():
            continue
        if source.resolve() == folder or folder in source.resolve().parents:
            msg = (f"{target}: holds the input {name}; replacing the folder would delete it "
                   "(choose another output folder)")
            raise OutputExistsError(msg)


@contextmanager
def _as_output_errors(target: Path) -> Iterator[None]:
    """An OSError while writing ``target`` becomes its clean :class:`OutputError`; the
    library's own errors (e.g. an image found unreadable while streaming it out) pass."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, PixelmeansError) and not isinstance(exc, OutputError):
            raise
        raise _output_error(target, exc) from None


def _folder_taken(target: Path) -> OutputExistsError:
    msg = f"{target}: folder is not empty; pass overwrite=True (--force) to replace it"
    return OutputExistsError(msg)


def write_folder_atomically(path: str | os.PathLike, write: Callable[[Path], object], *,
                            overwrite: bool = False) -> Path:
    """Fill a new folder through a temporary folder beside it, then move it into place.

    ``write(tmp_folder)`` produces the content. An existing empty folder is replaced; a
    non-empty one only with ``overwrite`` (it is removed once the new one is in place). On
    any error or signal nothing is left behind and an existing folder is untouched. When two
    runs race for one folder, one wins; without ``overwrite`` the other gets an
    :class:`~pixelmeans.errors.OutputExistsError`, and its temporary folder is removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "result"
    >>> _ = write_folder_atomically(out, lambda p: (p / "a.txt").write_text("hi"))
    >>> sorted(f.name for f in out.iterdir())
    ['a.txt']
    """
    target = Path(path)
    check_output_folder(target, overwrite=overwrite)
    _check_folder(target)
    with _as_output_errors(target), temporary_folder(target) as tmp:
        write(tmp)
        _move_folder_into_place(tmp, target, overwrite)
    return target


def _move_folder_into_place(tmp: Path, target: Path, overwrite: bool) -> None:
    """Rename ``tmp`` onto ``target`` (missing or empty); with ``overwrite`` a full
    ``target`` is first set aside under a guarded name, and removed once ``tmp`` is in place
    (or put back if it cannot be)."""
    for _ in range(_RACE_ATTEMPTS):
        try:
            os.rename(tmp, target)  # onto a missing or empty folder only
            return
        except OSError as exc:
            if exc.errno == errno.ENOTDIR:
                msg = f"{target}: already exists and is not a folder"
                raise OutputExistsError(msg) from None
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        if not overwrite:
            raise _folder_taken(target)  # another run filled it meanwhile
        aside = temporary_name(target)

        def put_back(aside: Path = aside) -> None:
            if aside.exists() and not target.exists():
                try:
                    os.rename(aside, target)
                except OSError:
                    pass  # another run's folder took the place meanwhile
            shutil.rmtree(aside, ignore_errors=True)

        with guarded(put_back):
            try:
                os.rename(target, aside)
            except FileNotFoundError:
                continue  # another run moved it meanwhile: try again
            try:
                os.rename(tmp, target)
                return
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
    msg = f"{target}: other runs keep replacing this folder; try again"
    raise OutputError(msg)
