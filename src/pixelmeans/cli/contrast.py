"""``pixelmeans contrast``: WCAG contrast of every pair of palette colours, and how the
palette and the image look with colour-vision deficiencies."""

from __future__ import annotations

import argparse
import sys

from PIL import Image

from ..errors import InvalidParameterError
from ..files.atomic import check_distinct_outputs, check_new_file
from ..image.formats import picture_format, save_picture
from ..image.vision import DEFICIENCIES
from ..render.cards import MAX_GRID_COLORS
from ..tasks.contrast import contrast_report
from .options import add_count, add_run_options, add_source, add_space, default_of, read_source
from .report import write_text


def configure(sub: argparse.ArgumentParser) -> None:
    """Add the options of this command to its parser."""
    sub.description = ("Check the colours of an image's palette (or of a palette file or "
                       "hex codes) against each other: the WCAG 2.x contrast ratio of every "
                       "pair, with AA/AAA for normal and large text, and the pairs that look "
                       "alike with protanopia, deuteranopia or tritanopia.")
    add_source(sub, "image file, URL or '-'; or a palette file (.gpl, .json, .ase, ...) or "
                    "hex codes ('#ff6600,#003366')")
    add_count(sub, default_of(contrast_report, "n_colors"))
    add_space(sub, default_of(contrast_report, "color_space"))
    sub.add_argument("--format", choices=("text", "json", "csv"), default="text",
                     help="output format (default: %(default)s)")
    sub.add_argument("-o", "--output", metavar="GRID.png",
                     help="save the contrast grid picture (text in each row's colour on "
                          "each column's colour, with ratio and level)")
    sub.add_argument("--simulate", metavar="KINDS", default="all",
                     help="colour-vision deficiencies to simulate: "
                          f"{', '.join(DEFICIENCIES)}, comma-separated, 'all' or 'none' "
                          "(default: %(default)s)")
    sub.add_argument("--preview", metavar="OUT.png",
                     help="save the colour-vision preview: the palette and the image as seen "
                          "with each simulated deficiency")
    add_run_options(sub)


def _deficiencies(text: str) -> tuple[str, ...]:
    words = tuple(w.strip().lower() for w in text.split(",") if w.strip())
    if words == ("all",):
        return DEFICIENCIES
    if words in ((), ("none",)):
        return ()
    unknown = [w for w in words if w not in DEFICIENCIES]
    if unknown:
        msg = (f"--simulate: {unknown[0]!r} is not one of {', '.join(DEFICIENCIES)}, all, "
               "none")
        raise InvalidParameterError(msg)
    return words


def _save(image: Image.Image, path: str, force: bool) -> None:
    save_picture(image, path, overwrite=force)
    print(f"pixelmeans: wrote {path} ({image.size[0]}×{image.size[1]})", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    simulated = _deficiencies(args.simulate)
    check_distinct_outputs(args.output, args.preview)
    for path in (args.output, args.preview):
        if path:
            picture_format(path)
            check_new_file(path, overwrite=args.force, inputs=[args.source])
    if args.output and args.colors > MAX_GRID_COLORS:
        msg = f"-o: a contrast grid shows at most {MAX_GRID_COLORS} colours; got -k {args.colors}"
        raise InvalidParameterError(msg)
    if args.preview and not simulated:
        msg = "--preview shows simulated colour vision: drop --simulate none"
        raise InvalidParameterError(msg)
    source = args.source if args.source != "-" else read_source(args.source)
    report = contrast_report(source, args.colors, simulate_vision=simulated,
                             color_space=args.space, random_state=args.seed,
                             max_pixels=args.max_pixels)
    for path, picture in ((args.output, report.grid), (args.preview, report.preview)):
        if path:
            _save(picture(), path, args.force)
    write_text(report.format(args.format), None, overwrite=args.force)
    return 0
