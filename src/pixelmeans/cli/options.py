"""What the commands share: option types, common options, reading SOURCE (and, from
:mod:`.progress`, the progress bars).

Defaults shown in help texts are read from the library functions' own signatures, so they
cannot drift from what the library does.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from collections.abc import Callable
from typing import Any

from ..errors import ImageReadError
from ..files.atomic import check_distinct_outputs, check_new_file
from ..files.read import read_stream
from ..image.colorspace import COLOR_SPACES
from ..image.formats import picture_format, save_picture
from ..image.load import DEFAULT_MAX_PIXELS, RGBImage, load_image
from ..render.compare import before_after
from .progress import activity, progress_bar  # noqa: F401  (the commands import them here)


def default_of(function: Callable, name: str) -> Any:
    """The default value of parameter ``name`` of a library function."""
    return inspect.signature(function).parameters[name].default


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"expected a positive whole number, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def non_negative_int(text: str) -> int:
    """An argparse type: a whole number >= 0."""
    return 0 if text.strip() == "0" else positive_int(text)


def byte_value(text: str) -> int:
    """An argparse type: a whole number from 0 to 255."""
    try:
        value = non_negative_int(text)
    except argparse.ArgumentTypeError:
        value = -1
    if not 0 <= value <= 255:
        msg = f"expected a whole number from 0 to 255, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def non_negative_float(text: str) -> float:
    """An argparse type: a finite number >= 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value < float("inf"):
        msg = f"expected a number >= 0, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def k_list(text: str) -> list[int]:
    """An argparse type: one or more positive whole numbers, comma-separated."""
    values = [positive_int(part) for part in text.split(",") if part.strip()]
    if not values:
        msg = f"expected numbers separated by commas, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return values


def add_source(sub: argparse.ArgumentParser,
               help: str = "image file, URL (http/https) or '-' for standard input") -> None:
    sub.add_argument("source", metavar="SOURCE", help=help)


def add_count(sub: argparse.ArgumentParser, default: int, *, name: str = "colors",
              what: str = "colours") -> None:
    """``-k`` with one whole number: how many colours (or segments)."""
    sub.add_argument("-k", f"--{name}", type=positive_int, metavar="N", default=default,
                     help=f"number of {what} (default: %(default)s)")


def add_space(sub: argparse.ArgumentParser, default: str, what: str = "cluster in") -> None:
    sub.add_argument("--space", choices=COLOR_SPACES, default=default,
                     help=f"colour space to {what} (default: %(default)s)")


def add_run_options(sub: argparse.ArgumentParser, *,
                    force: str = "replace existing output files") -> None:
    """``--seed``, ``--max-pixels`` and ``--force``, shared by the image commands."""
    sub.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    sub.add_argument("--max-pixels", type=positive_int, default=DEFAULT_MAX_PIXELS,
                     metavar="N", help="refuse larger images (default: %(default)s)")
    sub.add_argument("--force", action="store_true", help=force)


def add_cluster_options(sub: argparse.ArgumentParser) -> None:
    """``--workers`` or ``--scheduler``: where batches and tiled TIFFs run."""
    group = sub.add_mutually_exclusive_group()
    group.add_argument("--workers", type=positive_int, metavar="N",
                       help="batches and tiled TIFFs: start a local Dask cluster with N worker "
                            "processes (needs the 'dask' extra)")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="batches and tiled TIFFs: run on the Dask cluster at ADDRESS "
                            "(e.g. tcp://10.0.0.5:8786)")


def read_source(text: str) -> str | bytes:
    """SOURCE as the library takes it: a path or an http(s) URL as it is, the bytes of
    standard input for '-'."""
    if text == "-":
        return read_stream(sys.stdin.buffer, name="<stdin>", error=ImageReadError)
    return text


def load_source(text: str, max_pixels: int) -> RGBImage:
    """SOURCE as an image: a path, an http(s) URL, or '-' for standard input."""
    return load_image(read_source(text), max_pixels=max_pixels)


def on_terminal(stream=None) -> bool:
    """True when ``stream`` (stdout) is a terminal that shows colours."""
    stream = stream or sys.stdout
    return stream.isatty() and not os.environ.get("NO_COLOR") and \
        os.environ.get("TERM") != "dumb"


COMPARE_MAX_WIDTH = 2000  # each half of a --compare picture, in pixels
COMPARE_MAX_HEIGHT = 2000


def add_compare(sub: argparse.ArgumentParser) -> None:
    """``--compare PATH``: a before/after picture of a single image."""
    sub.add_argument("--compare", metavar="PATH",
                     help="also write a picture of the original and the result side by side "
                          f"(.png, .jpg or .webp; each half at most {COMPARE_MAX_WIDTH} px wide "
                          f"and {COMPARE_MAX_HEIGHT} px high)")


def check_compare(args: argparse.Namespace) -> None:
    """Refuse, before any work, a ``--compare`` path that cannot be written."""
    if args.compare:
        picture_format(args.compare)
        check_distinct_outputs(getattr(args, "output", None), args.compare)
        check_new_file(args.compare, overwrite=args.force,
                       inputs=[args.source, getattr(args, "palette_from", None)])


def write_compare(args: argparse.Namespace, before: RGBImage, after, label: str) -> None:
    """Write the ``--compare`` picture (if asked for) and say so on stderr."""
    if not args.compare:
        return
    picture = before_after(before.pixels, after, labels=("original", label),
                           max_width=COMPARE_MAX_WIDTH, max_height=COMPARE_MAX_HEIGHT)
    path = save_picture(picture, args.compare, overwrite=args.force)
    print(f"pixelmeans: wrote {path} (before/after)", file=sys.stderr)
