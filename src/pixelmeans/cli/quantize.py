"""``pixelmeans quantize``: redraw an image (a batch, or a tiled TIFF) with k colours."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlparse

from ..errors import InvalidParameterError
from ..files.atomic import check_new_file
from ..files.download import is_url
from ..files.paths import names_several
from ..image.formats import MAX_INDEXED, TIFF_SUFFIXES, indexed_format
from ..image.load import load_image
from ..render.palette_files import is_palette_file
from ..tasks.palette import as_palette, extract_palette
from ..tasks.quantize import quantize
from .auto import add_count_or_auto, auto_target, count
from .options import (
    activity,
    add_cluster_options,
    add_compare,
    add_run_options,
    add_source,
    add_space,
    check_compare,
    default_of,
    load_source,
    progress_bar,
    write_compare,
)
from .report import batch_summary


def configure(sub: argparse.ArgumentParser) -> None:
    """Add the options of this command to its parser."""
    sub.description = ("Redraw an image with k colours and save it as a "
                       "small indexed PNG (or GIF/WebP, by suffix).")
    add_source(sub, "image file, URL or '-'; a folder or glob pattern (then OUT is a folder); "
                    "or a tiled TIFF, quantized tile by tile when OUT is .tif")
    add_count_or_auto(sub, default_of(quantize, "n_colors"), bytes_target=True)
    sub.add_argument("-o", "--output", metavar="OUT",
                     help="output file: .png (indexed), .gif, .webp, or .tif for a tiled "
                          "TIFF; '-' for standard output (PNG); a folder for a batch "
                          "(default: NAME-kN.png beside the image, or standard output "
                          "when SOURCE is '-')")
    sub.add_argument("--dither", action="store_true", help="Floyd–Steinberg dithering")
    add_space(sub, default_of(quantize, "color_space"))
    add_run_options(sub)
    sub.add_argument("--palette-from", metavar="IMAGE_OR_PALETTE",
                     help="use the palette of another image (one look across a series), or "
                          "a saved palette: a .gpl/.json/.txt/.ase/.swatches/.sketchpalette "
                          "file or hex codes ('#000000,#ffffff')")
    sub.add_argument("--shared-palette", action="store_true",
                     help="batch: one palette from all images' colours together, used for "
                          "every image")
    add_cluster_options(sub)
    add_compare(sub)


STDOUT = "-"


def default_output(source: str, n_colors: int) -> str:
    """Where the image goes when ``-o`` is not given: ``NAME-kN.png`` beside a file (in the
    current folder for a URL), standard output for standard input.

    Examples
    --------
    >>> default_output("photos/cat.jpg", 16), default_output("-", 8)
    ('photos/cat-k16.png', '-')
    """
    if source == STDOUT:
        return STDOUT
    path = Path(urlparse(source).path if is_url(source) else source)
    if not path.stem:
        msg = f"{source}: cannot name the output after it; give -o OUT"
        raise InvalidParameterError(msg)
    name = f"{path.stem}-k{n_colors}.png"
    return name if is_url(source) else str(path.with_name(name))


def run(args: argparse.Namespace) -> int:
    target = auto_target(args)
    args.colors = count(args, default_of(quantize, "n_colors"))
    if target:
        return _run_auto(args, target)
    if args.colors > MAX_INDEXED:
        msg = (f"-k {args.colors}: indexed images (PNG, GIF, WebP, palette TIFF) hold at most "
               f"{MAX_INDEXED} colours; give -k {MAX_INDEXED} or less")
        raise InvalidParameterError(msg)
    if args.shared_palette and args.palette_from:
        msg = "give either --shared-palette or --palette-from, not both"
        raise InvalidParameterError(msg)
    if names_several(args.source):
        if not args.output:
            msg = "a folder or pattern of images needs -o FOLDER for the results"
            raise InvalidParameterError(msg)
        if args.compare:
            msg = "--compare takes a single image, not a batch"
            raise InvalidParameterError(msg)
        return _run_batch(args)
    if args.shared_palette:
        msg = "--shared-palette needs a folder or glob pattern of images"
        raise InvalidParameterError(msg)
    output = args.output or default_output(args.source, args.colors)
    if Path(output).suffix.lower() in TIFF_SUFFIXES:
        if args.compare:
            msg = "--compare takes a single image, not a tiled TIFF"
            raise InvalidParameterError(msg)
        args.output = output
        return _run_tiff(args)
    if output == STDOUT:
        if sys.stdout.isatty():
            msg = "-o -: standard output is a terminal; redirect it to a file or a pipe"
            raise InvalidParameterError(msg)
    else:
        indexed_format(output)
        check_new_file(output, overwrite=args.force, inputs=_inputs(args))
    check_compare(args)
    palette = _palette_from(args)
    image = load_source(args.source, args.max_pixels)
    with activity(f"quantizing k={args.colors}"):
        result = quantize(image, args.colors, color_space=args.space, dither=args.dither,
                          palette=palette, random_state=args.seed)
        if output == STDOUT:
            data = result.encode("PNG")
        else:
            path = result.save(output, overwrite=args.force)
    if output == STDOUT:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        print(f"<stdout>: {len(result.palette)} colours, {len(data):,} bytes", file=sys.stderr)
    else:
        print(f"{path}: {len(result.palette)} colours, {path.stat().st_size:,} bytes")
    write_compare(args, image, result.image, f"{len(result.palette)} colours")
    return 0


def _run_auto(args: argparse.Namespace, target: dict) -> int:
    from ..tasks.auto_k import auto_quantize

    if not args.output or args.output == STDOUT:
        msg = "-k auto needs -o OUT (.png, .gif or .webp): the number of colours is not known yet"
        raise InvalidParameterError(msg)
    if names_several(args.source) or Path(args.output).suffix.lower() in TIFF_SUFFIXES \
            or args.palette_from or args.shared_palette or args.dither or args.compare:
        msg = ("-k auto takes a single image written as .png/.gif/.webp, without --dither, "
               "--palette-from, --shared-palette or --compare")
        raise InvalidParameterError(msg)
    indexed_format(args.output)
    check_new_file(args.output, overwrite=args.force, inputs=_inputs(args))
    result, report = auto_quantize(load_source(args.source, args.max_pixels),
                                   color_space=args.space, random_state=args.seed, **target)
    path = result.save(args.output, overwrite=args.force)
    print(f"{path}: {len(result.palette)} colours, {path.stat().st_size:,} bytes")
    print(f"pixelmeans: {report.describe()}", file=sys.stderr)
    return 0


def _inputs(args: argparse.Namespace) -> list[str | None]:
    """The files the run reads, which its outputs must never replace."""
    return [args.source, args.palette_from]


def _palette_from(args: argparse.Namespace):
    if not args.palette_from:
        return None
    if is_palette_file(args.palette_from) or args.palette_from.lstrip().startswith("#"):
        palette = as_palette(args.palette_from)
        if len(palette) > MAX_INDEXED:
            msg = (f"{args.palette_from}: {len(palette):,} colours; indexed images hold at "
                   f"most {MAX_INDEXED}")
            raise InvalidParameterError(msg)
        return palette
    return extract_palette(load_image(args.palette_from, max_pixels=args.max_pixels),
                           args.colors, color_space=args.space, random_state=args.seed)


def _run_batch(args: argparse.Namespace) -> int:
    from ..scale.batch import BatchResult, batch_quantize, plan_quantize_batch, shared_palette
    from ..scale.runner import open_runner

    paths, targets = plan_quantize_batch(args.source, args.output, overwrite=args.force)
    palette = _palette_from(args)
    failed: list[BatchResult] = []
    with open_runner(args.scheduler, args.workers) as runner:
        if args.shared_palette:
            palette, failed = shared_palette(paths, args.colors, runner=runner,
                                             color_space=args.space, random_state=args.seed,
                                             max_pixels=args.max_pixels)
            print(f"shared palette of {palette.source}: {' '.join(palette.hex)}")
        bad = {r.path for r in failed}
        todo = [(p, t) for p, t in zip(paths, targets, strict=True) if str(p) not in bad]
        with progress_bar("images") as bar:
            results = batch_quantize([p for p, _ in todo], [t for _, t in todo], args.colors,
                                     palette=palette, runner=runner, color_space=args.space,
                                     dither=args.dither, random_state=args.seed,
                                     max_pixels=args.max_pixels, overwrite=args.force,
                                     progress=bar)
    for r in results:
        if r.palette is not None:
            print(f"{r.output}: {len(r.palette)} colours, {r.output_bytes:,} bytes")
    return batch_summary(failed + results, "written", runner.description, sys.stderr)


def _run_tiff(args: argparse.Namespace) -> int:
    from ..scale.runner import open_runner
    from ..scale.tiles import quantize_tiff

    if args.dither:
        msg = "--dither is not available for tiled TIFFs (error diffusion crosses tiles)"
        raise InvalidParameterError(msg)
    check_new_file(args.output, overwrite=args.force, inputs=_inputs(args))
    with open_runner(args.scheduler, args.workers) as runner, progress_bar("tiles") as bar:
        result = quantize_tiff(args.source, args.output, args.colors,
                               palette=_palette_from(args), runner=runner,
                               color_space=args.space, random_state=args.seed,
                               overwrite=args.force, progress=bar)
    layout = result.layout
    print(f"{result.path}: {len(result.palette)} colours, {layout.width}×{layout.height} in "
          f"{layout.n_tiles:,} tiles, {result.path.stat().st_size:,} bytes ({runner.description})")
    return 0
