"""The parser of every command, and ``main``: run one command, turn failures into one line.

This is the one place where failures become what the user sees. Every error the library
raises on purpose, every bad option, and every failure of the system underneath (a full
disk, a file too large, no memory) ends as one line ``pixelmeans: error: ...`` on stderr and
exit status 2; warnings become ``pixelmeans: warning: ...`` lines; a closed pipe downstream
(``| head``) ends quietly; SIGINT, SIGTERM and SIGHUP remove every temporary output first.
A failure that is a bug of pixelmeans is one line too, with its own exit status (70), and
its traceback only when ``PIXELMEANS_TRACEBACK=1``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Sequence

from .. import __version__
from ..errors import PixelmeansError
from ..files.temporary import Terminated, cleanup_on_signals

# Each command lives in the module of its name, imported only when that command runs, so
# that `pixelmeans --version` and `--help` import none of the library.
COMMANDS = {
    "palette": "the k dominant colours of an image",
    "quantize": "redraw an image with k colours",
    "contrast": "WCAG contrast and colour-vision checks of a palette",
    "compress": "what k colours cost and save",
    "segment": "split an image into k colour regions",
    "cluster": "cluster an image data set (e.g. MNIST)",
    "plot": "draw a chart of an image's colours (needs the 'plot' extra)",
    "serve": "the web page and HTTP API on this machine (needs the 'web' extra)",
}
DESCRIPTION = """\
K-means for the colours in images: the dominant palette of a photo, the photo redrawn
with k colours as a small indexed PNG, what each k costs and saves, colour regions, and
clusters of image data sets such as MNIST."""
EPILOG = """\
examples:
  pixelmeans palette photo.jpg -k 8 --swatch palette.png
  pixelmeans quantize photo.jpg -k 16 -o photo-16.png
  pixelmeans compress photo.jpg -k 4,16,64

'pixelmeans COMMAND --help' lists the options of a command."""
EXIT_ERROR = 2
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE of sysexits.h
EXIT_INTERRUPTED = 128 + 2  # what a shell reports for a process ended by SIGINT
EXIT_BROKEN_PIPE = 128 + 13  # ... by SIGPIPE


class _UsageError(Exception):
    """A bad command line, reported like the library's errors."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one ``pixelmeans: error:`` line and exit 2."""

    def error(self, message: str):  # type: ignore[override]
        raise _UsageError(message)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; every option of ``command`` (``None``: all commands), a one-line entry
    for the others."""
    parser = _Parser(prog="pixelmeans", description=DESCRIPTION, epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"pixelmeans {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                     parser_class=_Parser)
    for name, summary in COMMANDS.items():
        sub = commands.add_parser(name, help=summary)
        if command in (None, name):
            module = importlib.import_module(f"{__package__}.{name}")
            module.configure(sub)
            sub.set_defaults(run=module.run)
    return parser


def _run(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:  # what the program is and how to start, rather than one error line
        build_parser("").print_help(sys.stderr)
        return 2
    words = [a for a in argv if not a.startswith("-")]
    chosen = words[0] if words and words[0] in COMMANDS else ""
    args = build_parser(chosen).parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status = args.run(args)
    for warning in caught:
        print(f"pixelmeans: warning: {warning.message}", file=sys.stderr)
    return status


def _error(message: str, status: int = EXIT_ERROR) -> int:
    """Print ``message`` as one ``pixelmeans: error:`` line (whitespace runs, newlines
    included, become one space) and return ``status``."""
    print(f"pixelmeans: error: {' '.join(message.split())}", file=sys.stderr)
    return status


def _quiet_stdout() -> None:
    """Nobody can take what is left for stdout: point it at /dev/null, so that the flush
    at exit is quiet."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _system_error(exc: OSError) -> str:
    """An ``OSError`` the library did not name (writing standard output, for one)."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"{exc.filename}: {reason}" if exc.filename else f"standard output: {reason}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    with cleanup_on_signals():
        try:
            status = _run(argv)
            sys.stdout.flush()  # a closed pipe or a full disk shows here, not at exit
        except (_UsageError, PixelmeansError) as exc:
            return _error(str(exc))
        except KeyboardInterrupt:
            print("pixelmeans: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        except Terminated as exc:
            return 128 + exc.signum
        except BrokenPipeError:
            _quiet_stdout()
            return EXIT_BROKEN_PIPE
        except OSError as exc:
            if exc.filename is None:
                _quiet_stdout()
            return _error(_system_error(exc))
        except MemoryError:
            return _error("out of memory; try a smaller input (or a lower --max-pixels)")
        except Exception as exc:  # a bug of ours: still one line, and a way to see more
            if os.environ.get("PIXELMEANS_TRACEBACK") == "1":
                raise
            return _error(f"internal error ({type(exc).__name__}: {exc}); please report it "
                          "with the command line (PIXELMEANS_TRACEBACK=1 shows where)",
                          EXIT_INTERNAL_ERROR)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
