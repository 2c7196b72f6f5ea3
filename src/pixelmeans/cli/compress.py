"""``pixelmeans compress``: what k colours cost and save, for one k or a sweep."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import InvalidParameterError
from ..files.atomic import check_new_file
from ..image.formats import MAX_INDEXED, indexed_format
from ..tasks.compress import CompressionSweep, compress, compression_sweep
from .options import (
    add_compare,
    add_run_options,
    add_source,
    add_space,
    check_compare,
    default_of,
    k_list,
    load_source,
    progress_bar,
    write_compare,
)
from .progress import LiveTable, activity, k_steps
from .report import write_text

FORMATS = ("table", "json", "csv")


def configure(sub: argparse.ArgumentParser) -> None:
    """Add the options of this command to its parser."""
    sweep = default_of(compression_sweep, "ks")
    sub.description = ("Report file sizes, ratio, bits per pixel, MSE, "
                       "PSNR, SSIM and ΔE2000 for one or several k.")
    add_source(sub)
    sub.add_argument("-k", "--colors", type=k_list, default=list(sweep), metavar="K[,K...]",
                     help=f"numbers of colours (default: {','.join(map(str, sweep))})")
    sub.add_argument("-o", "--output", metavar="OUT.png",
                     help="also save the quantized image (with a single -k)")
    sub.add_argument("--format", choices=FORMATS, default="table",
                     help="output format (default: %(default)s)")
    sub.add_argument("--dither", action="store_true", help="Floyd–Steinberg dithering")
    add_space(sub, default_of(compress, "color_space"))
    add_run_options(sub)
    add_compare(sub)


def run(args: argparse.Namespace) -> int:
    too_many = [k for k in args.colors if k > MAX_INDEXED]
    if too_many:
        msg = (f"-k {too_many[0]}: the report measures indexed PNGs, which hold at most "
               f"{MAX_INDEXED} colours; give k of {MAX_INDEXED} or less")
        raise InvalidParameterError(msg)
    if (args.output or args.compare) and len(args.colors) != 1:
        option = "-o/--output" if args.output else "--compare"
        msg = f"{option} needs a single -k (one number of colours)"
        raise InvalidParameterError(msg)
    if args.output:
        indexed_format(args.output)
        check_new_file(args.output, overwrite=args.force, inputs=[args.source])
    check_compare(args)
    image = load_source(args.source, args.max_pixels)
    table = LiveTable(lambda rows: CompressionSweep(tuple(rows)).to_table())
    if args.output or args.compare:
        with activity(f"compressing k={args.colors[0]}"):
            report, result = compress(image, args.colors[0], color_space=args.space,
                                      dither=args.dither, random_state=args.seed)
            path = result.save(args.output, overwrite=args.force) if args.output else None
        if path:
            print(f"pixelmeans: wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
        write_compare(args, image, result.image, f"{report.n_colors} colours, "
                      f"PSNR {report.psnr:.1f} dB")
        sweep = CompressionSweep((report,))
    else:
        with progress_bar("compressing", *k_steps(args.colors)) as bar:
            table.progress = bar
            sweep = compression_sweep(image, args.colors, color_space=args.space,
                                      dither=args.dither, random_state=args.seed, progress=bar,
                                      on_report=table.add if args.format == "table" else None)
    if args.format == "json":
        text = json.dumps(sweep.to_dicts(), indent=2) + "\n"
    else:
        text = sweep.to_csv() if args.format == "csv" else sweep.to_table()
    if args.format == "table":
        table.finish(text)
    else:
        write_text(text, None, overwrite=False)
    return 0
