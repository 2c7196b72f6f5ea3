"""``pixelmeans palette``: the k dominant colours of an image, or of each image of a batch."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InvalidParameterError
from ..files.atomic import check_distinct_outputs, check_new_file, write_atomically
from ..files.paths import names_several
from ..image.formats import picture_format
from ..render.palette_formats import PALETTE_FORMATS
from ..tasks.palette import extract_palette
from .options import (
    add_cluster_options,
    add_count,
    add_run_options,
    add_source,
    add_space,
    default_of,
    on_terminal,
    progress_bar,
    read_source,
)
from .report import batch_summary, write_text

BATCH_SUFFIXES = (".csv", ".jsonl")


def configure(sub: argparse.ArgumentParser) -> None:
    """Add the options of this command to its parser."""
    sub.description = ("Print the k dominant colours of an image and "
                       "their shares; optionally save a swatch picture.")
    add_source(sub, "image file, URL (http/https), '-' for standard input, or a folder or "
                    "glob pattern for one palette per image")
    add_count(sub, default_of(extract_palette, "n_colors"))
    add_space(sub, default_of(extract_palette, "color_space"))
    sub.add_argument("--format", choices=PALETTE_FORMATS, default="text",
                     help="output format (default: %(default)s)")
    sub.add_argument("-o", "--output", "--out", metavar="FILE",
                     help="write the formatted palette to FILE instead of standard output "
                          "(for a folder or glob: .csv or .jsonl)")
    sub.add_argument("--swatch", metavar="OUT.png", help="also save a swatch picture")
    sub.add_argument("--full-decode", action="store_true",
                     help="decode every pixel of a large JPEG (by default one of 2 MP or "
                          "more is decoded at reduced size: several times faster, nearly the "
                          "same palette)")
    add_run_options(sub)
    add_cluster_options(sub)


def run(args: argparse.Namespace) -> int:
    if names_several(args.source):
        return _run_batch(args)
    check_distinct_outputs(args.swatch or None, args.output or None)
    if args.swatch:
        picture_format(args.swatch)
        check_new_file(args.swatch, overwrite=args.force)
    if args.output:
        check_new_file(args.output, overwrite=args.force)
    palette = extract_palette(read_source(args.source), args.colors, color_space=args.space,
                              random_state=args.seed, max_pixels=args.max_pixels,
                              full_decode=args.full_decode)
    if args.swatch:
        picture = palette.swatch()
        write_atomically(args.swatch,
                         lambda tmp: picture.save(tmp, format=picture_format(args.swatch)),
                         overwrite=args.force)
        print(f"pixelmeans: wrote {args.swatch}", file=sys.stderr)
    text = palette.format(args.format, color_blocks=not args.output and on_terminal())
    write_text(text, args.output, overwrite=args.force)
    return 0


def _run_batch(args: argparse.Namespace) -> int:
    # Imported here: a single image, the common case, starts faster without them.
    from ..scale.batch import batch_palettes, find_images, palettes_to_csv, palettes_to_jsonl
    from ..scale.runner import open_runner

    suffix = Path(args.output).suffix.lower() if args.output else ".jsonl"
    if suffix not in BATCH_SUFFIXES:
        msg = f"{args.output}: palettes of a batch are written as .csv or .jsonl"
        raise InvalidParameterError(msg)
    if args.swatch:
        msg = "--swatch takes a single image, not a folder or pattern"
        raise InvalidParameterError(msg)
    if args.output:
        check_new_file(args.output, overwrite=args.force)
    paths, _ = find_images(args.source)
    with open_runner(args.scheduler, args.workers) as runner, progress_bar("images") as bar:
        results = batch_palettes(paths, args.colors, runner=runner, color_space=args.space,
                                 random_state=args.seed, max_pixels=args.max_pixels,
                                 full_decode=args.full_decode, progress=bar)
    text = palettes_to_csv(results) if suffix == ".csv" else palettes_to_jsonl(results)
    write_text(text, args.output, overwrite=args.force)
    return batch_summary(results, "palettes", runner.description, sys.stderr)
