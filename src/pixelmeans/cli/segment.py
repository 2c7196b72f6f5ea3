"""``pixelmeans segment``: split an image into k colour regions, written to a folder."""

from __future__ import annotations

import argparse
import sys

from ..files.atomic import check_output_folder
from ..render.palette_formats import color_block
from ..render.segment_pictures import OVERLAY_STYLES
from ..render.table import text_table
from ..tasks.segment import segment
from .options import (
    activity,
    add_count,
    add_run_options,
    add_source,
    add_space,
    default_of,
    load_source,
    non_negative_float,
    non_negative_int,
    on_terminal,
)


def configure(sub: argparse.ArgumentParser) -> None:
    """Add the options of this command to its parser."""
    sub.description = ("Split an image into k colour segments; write to FOLDER the label "
                       "map, one 1-bit mask and one cut-out (cropped to the segment) per "
                       "segment, the photo with the segments shown (overlay.jpg), a contact "
                       "sheet with a legend (sheet.png) and a JSON summary.")
    add_source(sub)
    add_count(sub, default_of(segment, "n_segments"), name="segments", what="segments")
    sub.add_argument("-o", "--output", metavar="FOLDER", required=True,
                     help="folder to create (must not exist, or be empty, unless --force)")
    sub.add_argument("--spatial", type=non_negative_float, metavar="W",
                     default=default_of(segment, "spatial_weight"),
                     help="weight of pixel position next to colour; 0 = colour only, "
                          "1 = crossing the image costs as much as black to white "
                          "(default: %(default)s)")
    sub.add_argument("--min-region", type=non_negative_int, metavar="PIXELS",
                     default=default_of(segment, "min_region"),
                     help="merge connected regions smaller than this into their most similar "
                          "neighbour (default: %(default)s, off)")
    sub.add_argument("--overlay", choices=OVERLAY_STYLES, default=OVERLAY_STYLES[0],
                     help="show the segments as distinct tints, or outline the regions "
                          "(only those of at least 1/2000 of the image) "
                          "(default: %(default)s)")
    add_space(sub, default_of(segment, "color_space"), "compare colours in")
    add_run_options(sub, force="replace a non-empty FOLDER")


def run(args: argparse.Namespace) -> int:
    check_output_folder(args.output, overwrite=args.force, inputs=[args.source])  # before work
    image = load_source(args.source, args.max_pixels)
    with activity(f"segmenting k={args.segments}"):
        result = segment(image, args.segments, color_space=args.space,
                         spatial_weight=args.spatial, min_region=args.min_region,
                         random_state=args.seed)
        folder = result.save(args.output, overwrite=args.force, overlay=args.overlay)
    summary = result.to_dict(max_regions=0)  # the regions were found once, for the save
    blocks = on_terminal()
    header = ["segment", "hex", "share", "regions"]
    rows = [[str(s["index"]), s["hex"], f"{s['share']:.1%}", f"{s['regions']:,}"]
            for s in summary["segments"]]
    if blocks:
        header = ["", *header]
        rows = [[color_block(s["rgb"]), *row] for s, row in zip(summary["segments"], rows,
                                                                  strict=True)]
    sys.stdout.write(f"{folder}: {len(result)} segments, {summary['n_regions']:,} regions\n")
    sys.stdout.write(text_table(header, rows, left=[0, 2] if blocks else [1]))
    k = len(result)
    sys.stdout.write(f"wrote {args.output}: labels.png, {result.overlay_file} ({args.overlay}), "
                     f"sheet.png, summary.json, {k} masks, {k} cut-outs\n")
    return 0
