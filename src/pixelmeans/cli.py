"""The ``pixelmeans`` command line: parse, call one library function, present the result.

Every error the library raises on purpose ends as one line ``pixelmeans: error: ...`` on
stderr and exit status 2; so do bad options.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .color import COLOR_SPACES
from .errors import InvalidParameterError, OutputExistsError, PixelmeansError
from .io import DEFAULT_MAX_PIXELS, load_image, write_atomically
from .palette import DEFAULT_COLOR_SPACE, Palette, extract_palette

PALETTE_FORMATS = ("text", "json", "css", "gpl", "hex")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"}


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one ``pixelmeans: error:`` line and exit 2."""

    def error(self, message: str):  # type: ignore[override]
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        msg = f"expected a positive whole number, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if value < 1:
        msg = f"expected a positive whole number, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pixelmeans", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"pixelmeans {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    pal = commands.add_parser("palette", help="the k dominant colours of an image",
                              description="Print the k dominant colours of an image and "
                                          "their shares; optionally save a swatch picture.")
    pal.add_argument("source", metavar="SOURCE", help="image file, URL (http/https) or '-' "
                                                      "for standard input")
    pal.add_argument("-k", "--colors", type=_positive_int, default=8, metavar="N",
                     help="number of colours (default: 8)")
    pal.add_argument("--space", choices=COLOR_SPACES, default=DEFAULT_COLOR_SPACE,
                     help=f"colour space to cluster in (default: {DEFAULT_COLOR_SPACE})")
    pal.add_argument("--format", choices=PALETTE_FORMATS, default="text",
                     help="output format (default: text)")
    pal.add_argument("-o", "--output", metavar="FILE",
                     help="write the formatted palette to FILE instead of standard output")
    pal.add_argument("--swatch", metavar="OUT.png", help="also save a swatch picture")
    pal.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    pal.add_argument("--max-pixels", type=_positive_int, default=DEFAULT_MAX_PIXELS,
                     metavar="N", help="refuse larger images (default: 250000000)")
    pal.add_argument("--force", action="store_true", help="replace existing output files")
    pal.set_defaults(run=_run_palette)
    return parser


def _check_output(path: str | None, force: bool, *, image: bool) -> None:
    """Fail before any work when an output cannot be written."""
    if path is None:
        return
    target = Path(path)
    if image and target.suffix.lower() not in IMAGE_SUFFIXES:
        msg = f"{path}: unknown picture type; use one of {', '.join(sorted(IMAGE_SUFFIXES))}"
        raise InvalidParameterError(msg)
    if target.exists() and not force:
        msg = f"{path}: already exists; use --force to replace it"
        raise OutputExistsError(msg)


def _source(text: str):
    if text == "-":
        return sys.stdin.buffer.read()
    return text


def _color_block(rgb) -> str:
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return ""
    r, g, b = (int(v) for v in rgb)
    return f"\x1b[48;2;{r};{g};{b}m      \x1b[0m  "


def format_palette(palette: Palette, fmt: str) -> str:
    """The palette as text in one of ``PALETTE_FORMATS``."""
    if fmt == "json":
        return palette.to_json() + "\n"
    if fmt == "css":
        return palette.to_css()
    if fmt == "gpl":
        return palette.to_gpl()
    if fmt == "hex":
        return "\n".join(palette.hex) + "\n"
    rows = [f"{'':8}{'hex':<9}{'rgb':<17}{'share':>7}" if _color_block((0, 0, 0))
            else f"{'hex':<9}{'rgb':<17}{'share':>7}"]
    for h, rgb, w in zip(palette.hex, palette.colors, palette.weights, strict=True):
        triple = "({:3d}, {:3d}, {:3d})".format(*(int(v) for v in rgb))
        rows.append(f"{_color_block(rgb)}{h:<9}{triple:<17}{w:>7.1%}")
    return "\n".join(rows) + "\n"


def _run_palette(args: argparse.Namespace) -> None:
    _check_output(args.swatch, args.force, image=True)
    _check_output(args.output, args.force, image=False)
    image = load_image(_source(args.source), max_pixels=args.max_pixels)
    palette = extract_palette(image, args.colors, color_space=args.space, random_state=args.seed)
    text = format_palette(palette, args.format)
    if args.swatch:
        swatch = palette.swatch()
        write_atomically(args.swatch, lambda p: swatch.save(p, format=_fmt(args.swatch)),
                         overwrite=args.force)
    if args.output:
        write_atomically(args.output, lambda p: p.write_text(text), overwrite=args.force)
    else:
        sys.stdout.write(text)


def _fmt(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"jpg": "JPEG", "jpeg": "JPEG", "tif": "TIFF", "tiff": "TIFF"}.get(suffix,
                                                                              suffix.upper())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        args = _build_parser().parse_args(argv)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            args.run(args)
        for warning in caught:
            print(f"pixelmeans: warning: {warning.message}", file=sys.stderr)
    except _UsageError as exc:
        print(f"pixelmeans: error: {exc}", file=sys.stderr)
        return 2
    except PixelmeansError as exc:
        print(f"pixelmeans: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pixelmeans: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
