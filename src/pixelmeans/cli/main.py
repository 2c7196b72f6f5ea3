"""The parser of every command, and ``main``: run one command, turn failures into one line.

Every error the library raises on purpose, and every bad option, ends as one line
``pixelmeans: error: ...`` on stderr and exit status 2; warnings become
``pixelmeans: warning: ...`` lines; a closed pipe downstream (``| head``) ends quietly.
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
}
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE


class _UsageError(Exception):
    """A bad command line, reported like the library's errors."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one ``pixelmeans: error:`` line and exit 2."""

    def error(self, message: str):  # type: ignore[override]
        raise _UsageError(message)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; every option of ``command`` (``None``: all commands), a one-line entry
    for the others."""
    parser = _Parser(prog="pixelmeans",
                     description="K-means for the colours and shapes in images.")
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
    words = [a for a in argv if not a.startswith("-")]
    chosen = words[0] if words and words[0] in COMMANDS else ""
    args = build_parser(chosen).parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status = args.run(args)
    for warning in caught:
        print(f"pixelmeans: warning: {warning.message}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        status = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
    except (_UsageError, PixelmeansError) as exc:
        print(f"pixelmeans: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pixelmeans: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Nobody reads what is left: point stdout at /dev/null so the flush at exit is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
