"""``pixelmeans plot``: draw a chart of an image's colours (the ``plot`` extra)."""

from __future__ import annotations

import argparse
import sys

from .. import plot
from ..files.atomic import check_new_file
from ..tasks.compress import DEFAULT_SWEEP
from ..tasks.elbow import DEFAULT_KS
from .options import (
    activity,
    add_run_options,
    add_source,
    add_space,
    default_of,
    k_list,
    load_source,
    progress_bar,
)
from .progress import k_steps


def _ks(values) -> str:
    return ",".join(map(str, values))


def configure(sub: argparse.ArgumentParser) -> None:
    """Add the options of this command to its parser."""
    sub.description = ("palette: the palette as a bar of shares; colors: "
                       "the colours as a 3-D cloud before and after "
                       "quantization; elbow: error against k with the "
                       "elbow marked; sweep: PNG size and PSNR against k.")
    sub.add_argument("kind", choices=plot.CHARTS, metavar="KIND",
                     help=f"one of {', '.join(plot.CHARTS)}")
    add_source(sub)
    sub.add_argument("-o", "--output", metavar="OUT.png", required=True,
                     help="picture to write (.png, .svg or .pdf)")
    sub.add_argument("-k", "--colors", type=k_list, metavar="K[,K...]",
                     help=f"colours: one k for palette/colors (default: {plot.SINGLE_K['palette']}"
                          f"), several for elbow (default: {_ks(DEFAULT_KS)}) and sweep "
                          f"(default: {_ks(DEFAULT_SWEEP)})")
    add_space(sub, default_of(plot.chart, "color_space"), "cluster and draw in")
    add_run_options(sub, force="replace an existing output file")


def run(args: argparse.Namespace) -> int:
    plot.check_chart_path(args.output)
    check_new_file(args.output, overwrite=args.force)
    plot.require_matplotlib()
    image = load_source(args.source, args.max_pixels)
    if args.kind in plot.SINGLE_K:
        steps: tuple = ([], [])
    elif args.kind == "elbow":
        steps = k_steps(sorted(set(args.colors or DEFAULT_KS)))
    else:
        steps = k_steps(args.colors or DEFAULT_SWEEP)
    with progress_bar(f"{args.kind} chart", *steps) if steps[0] else \
            activity(f"{args.kind} chart") as bar:
        figure, note = plot.chart(args.kind, image, args.colors, color_space=args.space,
                                  random_state=args.seed, progress=bar)
        path = plot.save_figure(figure, args.output, overwrite=args.force)
    if note:
        print(note)
    print(f"pixelmeans: wrote {path}", file=sys.stderr)
    return 0
