"""The ``pixelmeans`` command line: parse, call one library function, present the result.

Every error the library raises on purpose ends as one line ``pixelmeans: error: ...`` on
stderr and exit status 2; so do bad options.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .batch import (
    batch_palettes,
    batch_quantize,
    find_images,
    is_batch,
    output_paths,
    palettes_to_csv,
    palettes_to_jsonl,
    shared_palette,
)
from .color import COLOR_SPACES
from .compress import DEFAULT_SWEEP, CompressionSweep, compress, compression_sweep
from .dataset_report import centroid_grid, cluster_dataset
from .datasets import load_dataset
from .elbow import DEFAULT_KS, elbow_curve
from .errors import InvalidParameterError, OutputExistsError, PixelmeansError
from .io import DEFAULT_MAX_PIXELS, check_output_folder, load_image, write_atomically
from .palette import DEFAULT_COLOR_SPACE, Palette, extract_palette
from .quantize import SAVE_FORMATS, quantize, save_format
from .runner import open_runner
from .segment import segment
from .tiles import quantize_tiff

SAVE_SUFFIXES = set(SAVE_FORMATS) | {".tif", ".tiff"}

PALETTE_FORMATS = ("text", "json", "css", "gpl", "hex")
PLOT_KINDS = ("palette", "colors", "elbow", "sweep")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")
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
    pal.add_argument("source", metavar="SOURCE",
                     help="image file, URL (http/https), '-' for standard input, or a folder "
                          "or glob pattern for one palette per image")
    pal.add_argument("-k", "--colors", type=_positive_int, default=8, metavar="N",
                     help="number of colours (default: 8)")
    pal.add_argument("--space", choices=COLOR_SPACES, default=DEFAULT_COLOR_SPACE,
                     help=f"colour space to cluster in (default: {DEFAULT_COLOR_SPACE})")
    pal.add_argument("--format", choices=PALETTE_FORMATS, default="text",
                     help="output format (default: text)")
    pal.add_argument("-o", "--output", "--out", metavar="FILE",
                     help="write the formatted palette to FILE instead of standard output "
                          "(for a folder or glob: .csv or .jsonl)")
    pal.add_argument("--swatch", metavar="OUT.png", help="also save a swatch picture")
    _add_run_options(pal)
    _add_cluster_options(pal)
    pal.set_defaults(run=_run_palette)

    qua = commands.add_parser("quantize", help="redraw an image with k colours",
                              description="Redraw an image with k colours and save it as a "
                                          "small indexed PNG (or GIF/WebP, by suffix).")
    qua.add_argument("source", metavar="SOURCE",
                     help="image file, URL or '-'; a folder or glob pattern (then OUT is a "
                          "folder); or a tiled TIFF, quantized tile by tile when OUT is .tif")
    qua.add_argument("-k", "--colors", type=_positive_int, default=16, metavar="N",
                     help="number of colours (default: 16)")
    qua.add_argument("-o", "--output", metavar="OUT", required=True,
                     help="output file: .png (indexed), .gif, .webp, or .tif for a tiled "
                          "TIFF; a folder for a batch")
    _add_common(qua)
    qua.add_argument("--palette-from", metavar="OTHER_IMAGE",
                     help="use the palette of another image (one look across a series)")
    qua.add_argument("--shared-palette", action="store_true",
                     help="batch: one palette from all images' colours together, used for "
                          "every image")
    _add_cluster_options(qua)
    qua.set_defaults(run=_run_quantize)

    com = commands.add_parser("compress", help="what k colours cost and save",
                              description="Report file sizes, ratio, bits per pixel, MSE, "
                                          "PSNR, SSIM and ΔE2000 for one or several k.")
    com.add_argument("source", metavar="SOURCE", help="image file, URL or '-'")
    com.add_argument("-k", "--colors", type=_k_list, default=list(DEFAULT_SWEEP),
                     metavar="K[,K...]", help="numbers of colours (default: 2,4,...,256)")
    com.add_argument("-o", "--output", metavar="OUT.png",
                     help="also save the quantized image (with a single -k)")
    com.add_argument("--format", choices=("table", "json", "csv"), default="table",
                     help="output format (default: table)")
    _add_common(com)
    com.set_defaults(run=_run_compress)

    clu = commands.add_parser("cluster", help="cluster an image data set (e.g. MNIST)",
                              description="Fit K-means to an image data set for several K; "
                                          "report accuracy, inertia, NMI, ARI, homogeneity.")
    clu.add_argument("dataset", metavar="DATASET",
                     help="mnist, digits, a folder (one sub-folder per label), an .npz "
                          "(X, y) or an IDX images file")
    clu.add_argument("labels", metavar="LABELS", nargs="?",
                     help="IDX labels file, with an IDX images file")
    clu.add_argument("-k", "--clusters", type=_k_list, default=[10], metavar="K[,K...]",
                     help="numbers of clusters (default: 10)")
    clu.add_argument("--minibatch", action="store_true", help="use MiniBatchKMeans")
    clu.add_argument("--refine-steps", type=_non_negative_int, default=0, metavar="N",
                     help="with --minibatch: full-batch Lloyd steps after the mini-batches "
                          "(each one pass over the data; default: 0)")
    clu.add_argument("--report", metavar="OUT.json", help="write the full report as JSON")
    clu.add_argument("--centroids", metavar="OUT.png",
                     help="draw the centres of the first K as a captioned grid")
    clu.add_argument("--plots", metavar="FOLDER",
                     help="save charts there: centroids, confusion matrix, accuracy and "
                          "inertia against K, nearest and farthest samples (needs the "
                          "'plot' extra)")
    clu.add_argument("--data-home", metavar="FOLDER",
                     help="where MNIST is (default: $PIXELMEANS_DATA or the user cache)")
    clu.add_argument("--download", action="store_true",
                     help="download MNIST if missing (checked by SHA-256)")
    clu.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    clu.add_argument("--force", action="store_true", help="replace existing output files")
    clu.set_defaults(run=_run_cluster)

    seg = commands.add_parser("segment", help="split an image into k colour regions",
                              description="Split an image into k colour segments; write the "
                                          "label map, one mask and one cut-out per segment, "
                                          "an outlined overlay and a JSON summary to FOLDER.")
    seg.add_argument("source", metavar="SOURCE", help="image file, URL or '-'")
    seg.add_argument("-k", "--segments", type=_positive_int, default=5, metavar="N",
                     help="number of segments (default: 5)")
    seg.add_argument("-o", "--output", metavar="FOLDER", required=True,
                     help="folder to create (must not exist, or be empty, unless --force)")
    seg.add_argument("--spatial", type=_non_negative_float, default=0.0, metavar="W",
                     help="weight of pixel position next to colour; 0 = colour only, "
                          "1 = crossing the image costs as much as black to white (default: 0)")
    seg.add_argument("--min-region", type=_non_negative_int, default=0, metavar="PIXELS",
                     help="merge connected regions smaller than this into their most similar "
                          "neighbour (default: 0, off)")
    seg.add_argument("--space", choices=COLOR_SPACES, default="lab",
                     help="colour space to compare colours in (default: lab)")
    _add_run_options(seg, force="replace a non-empty FOLDER")
    seg.set_defaults(run=_run_segment)

    plo = commands.add_parser("plot", help="draw a chart of an image's colours (needs the "
                                           "'plot' extra)",
                              description="palette: the palette as a bar of shares; colors: "
                                          "the colours as a 3-D cloud before and after "
                                          "quantization; elbow: error against k with the "
                                          "elbow marked; sweep: PNG size and PSNR against k.")
    plo.add_argument("kind", choices=PLOT_KINDS, metavar="KIND",
                     help=f"one of {', '.join(PLOT_KINDS)}")
    plo.add_argument("source", metavar="SOURCE", help="image file, URL or '-'")
    plo.add_argument("-o", "--output", metavar="OUT.png", required=True,
                     help="picture to write (.png, .svg or .pdf)")
    plo.add_argument("-k", "--colors", type=_k_list, metavar="K[,K...]",
                     help="colours: one k for palette/colors (default: 8), several for "
                          "elbow/sweep (default: 2..32 / 2,4,...,256)")
    plo.add_argument("--space", choices=COLOR_SPACES, default=DEFAULT_COLOR_SPACE,
                     help=f"colour space to cluster and draw in (default: "
                          f"{DEFAULT_COLOR_SPACE})")
    _add_run_options(plo, force="replace an existing output file")
    plo.set_defaults(run=_run_plot)
    return parser


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0 or value == float("inf"):
        msg = f"expected a number >= 0, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _non_negative_int(text: str) -> int:
    return 0 if text.strip() == "0" else _positive_int(text)


def _add_common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--dither", action="store_true", help="Floyd–Steinberg dithering")
    sub.add_argument("--space", choices=COLOR_SPACES, default=DEFAULT_COLOR_SPACE,
                     help=f"colour space to cluster in (default: {DEFAULT_COLOR_SPACE})")
    _add_run_options(sub)


def _add_run_options(sub: argparse.ArgumentParser, *,
                     force: str = "replace existing output files") -> None:
    """``--seed``, ``--max-pixels`` and ``--force``, shared by the image commands."""
    sub.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    sub.add_argument("--max-pixels", type=_positive_int, default=DEFAULT_MAX_PIXELS,
                     metavar="N", help="refuse larger images (default: 250000000)")
    sub.add_argument("--force", action="store_true", help=force)


def _add_cluster_options(sub: argparse.ArgumentParser) -> None:
    group = sub.add_mutually_exclusive_group()
    group.add_argument("--workers", type=_positive_int, metavar="N",
                       help="batches and tiled TIFFs: start a local Dask cluster with N worker "
                            "processes (needs the 'dask' extra)")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="batches and tiled TIFFs: run on the Dask cluster at ADDRESS "
                            "(e.g. tcp://10.0.0.5:8786)")


def _k_list(text: str) -> list[int]:
    return [_positive_int(part) for part in text.split(",") if part.strip()] or \
        _positive_int("")


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


def _load(args: argparse.Namespace):
    """The command's SOURCE (a path, URL or '-' for standard input) as an image."""
    return load_image(_source(args.source), max_pixels=args.max_pixels)


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


def _run_palette(args: argparse.Namespace) -> int:
    if is_batch(args.source):
        return _run_palette_batch(args)
    _check_output(args.swatch, args.force, image=True)
    _check_output(args.output, args.force, image=False)
    image = _load(args)
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
    return 0


def _run_palette_batch(args: argparse.Namespace) -> int:
    suffix = Path(args.output).suffix.lower() if args.output else ".jsonl"
    if suffix not in (".csv", ".jsonl"):
        msg = f"{args.output}: palettes of a batch are written as .csv or .jsonl"
        raise InvalidParameterError(msg)
    if args.swatch:
        msg = "--swatch takes a single image, not a folder or pattern"
        raise InvalidParameterError(msg)
    _check_output(args.output, args.force, image=False)
    paths, _ = find_images(args.source)
    bar = _ProgressBar("images")
    with open_runner(args.scheduler, args.workers) as runner:
        results = batch_palettes(paths, args.colors, runner=runner, color_space=args.space,
                                 random_state=args.seed, max_pixels=args.max_pixels,
                                 progress=bar)
    bar.close()
    text = palettes_to_csv(results) if suffix == ".csv" else palettes_to_jsonl(results)
    if args.output:
        write_atomically(args.output, lambda p: p.write_text(text), overwrite=args.force)
    else:
        sys.stdout.write(text)
    return _batch_summary(results, "palettes", runner.description)


def _batch_summary(results, done_what: str, where: str) -> int:
    """Report failures on stderr, one line each, and a summary; 2 if any failed."""
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"pixelmeans: error: {r.error}", file=sys.stderr)
    print(f"pixelmeans: {len(results)} images: {len(results) - len(failed)} {done_what}, "
          f"{len(failed)} failed ({where})", file=sys.stderr)
    return 2 if failed else 0


def _run_quantize(args: argparse.Namespace) -> int:
    if is_batch(args.source):
        return _run_quantize_batch(args)
    if Path(args.output).suffix.lower() in (".tif", ".tiff"):
        return _run_quantize_tiff(args)
    if args.shared_palette:
        msg = "--shared-palette needs a folder or glob pattern of images"
        raise InvalidParameterError(msg)
    save_format(args.output)
    _check_output(args.output, args.force, image=True)
    palette = _palette_from(args)
    image = _load(args)
    result = quantize(image, args.colors, color_space=args.space, dither=args.dither,
                      palette=palette, random_state=args.seed)
    path = result.save(args.output, overwrite=args.force)
    print(f"{path}: {len(result.palette)} colours, {path.stat().st_size:,} bytes")
    return 0


def _palette_from(args: argparse.Namespace):
    if not args.palette_from:
        return None
    return extract_palette(load_image(args.palette_from, max_pixels=args.max_pixels),
                           args.colors, color_space=args.space, random_state=args.seed)


def _run_quantize_batch(args: argparse.Namespace) -> int:
    folder = Path(args.output)
    if folder.suffix.lower() in SAVE_SUFFIXES or (folder.exists() and not folder.is_dir()):
        msg = f"{folder}: the output of a batch is a folder"
        raise InvalidParameterError(msg)
    if args.shared_palette and args.palette_from:
        msg = "give either --shared-palette or --palette-from, not both"
        raise InvalidParameterError(msg)
    paths, root = find_images(args.source)
    targets = output_paths(paths, root, folder)
    if not args.force:
        existing = [t for t in targets if t.exists()]
        if existing:
            msg = f"{existing[0]}: already exists; use --force to replace it"
            raise OutputExistsError(msg)
    palette, failed = _palette_from(args), []
    bar = _ProgressBar("images")
    with open_runner(args.scheduler, args.workers) as runner:
        if args.shared_palette:
            palette, failed = shared_palette(paths, args.colors, runner=runner,
                                             color_space=args.space, random_state=args.seed,
                                             max_pixels=args.max_pixels)
            print(f"shared palette of {palette.source}: {' '.join(palette.hex)}")
        bad = {r.path for r in failed}
        todo = [(p, t) for p, t in zip(paths, targets, strict=True) if str(p) not in bad]
        results = batch_quantize([p for p, _ in todo], [t for _, t in todo], args.colors,
                                 palette=palette, runner=runner, color_space=args.space,
                                 dither=args.dither, random_state=args.seed,
                                 max_pixels=args.max_pixels, overwrite=args.force,
                                 progress=bar)
    bar.close()
    for r in results:
        if r.ok:
            print(f"{r.output}: {len(r.palette)} colours, {r.output_bytes:,} bytes")
    return _batch_summary(failed + results, "written", runner.description)


def _run_quantize_tiff(args: argparse.Namespace) -> int:
    if args.dither:
        msg = "--dither is not available for tiled TIFFs (error diffusion crosses tiles)"
        raise InvalidParameterError(msg)
    _check_output(args.output, args.force, image=True)
    bar = _ProgressBar("tiles")
    with open_runner(args.scheduler, args.workers) as runner:
        result = quantize_tiff(args.source, args.output, args.colors,
                               palette=_palette_from(args), runner=runner,
                               color_space=args.space, random_state=args.seed,
                               overwrite=args.force, progress=bar)
    bar.close()
    layout = result.layout
    print(f"{result.path}: {len(result.palette)} colours, {layout.width}×{layout.height} in "
          f"{layout.n_tiles:,} tiles, {result.path.stat().st_size:,} bytes ({runner.description})")
    return 0


def _run_compress(args: argparse.Namespace) -> None:
    if args.output:
        if len(args.colors) != 1:
            msg = "-o/--output needs a single -k (one number of colours)"
            raise InvalidParameterError(msg)
        save_format(args.output)
        _check_output(args.output, args.force, image=True)
    image = _load(args)
    bar = _ProgressBar()
    if args.output:
        report, result = compress(image, args.colors[0], color_space=args.space,
                                  dither=args.dither, random_state=args.seed)
        result.save(args.output, overwrite=args.force)
        sweep = CompressionSweep((report,))
    else:
        sweep = compression_sweep(image, args.colors, color_space=args.space,
                                  dither=args.dither, random_state=args.seed, progress=bar)
    bar.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(sweep.to_dicts(), indent=2) + "\n")
    elif args.format == "csv":
        sys.stdout.write(sweep.to_csv())
    else:
        sys.stdout.write(sweep.to_table())


def _run_cluster(args: argparse.Namespace) -> None:
    _check_output(args.centroids, args.force, image=True)
    _check_output(args.report, args.force, image=False)
    train, test = load_dataset(args.dataset, args.labels, data_path=args.data_home,
                               download=args.download)
    bar = _ProgressBar()
    report = cluster_dataset(
        train.X, train.labels, args.clusters, method="minibatch" if args.minibatch else "kmeans",
        X_test=None if test is None else test.X, y_test=None if test is None else test.labels,
        random_state=args.seed, refine_steps=args.refine_steps, progress=bar)
    bar.close()
    if args.centroids:
        grid = centroid_grid(report.results[0], train.image_shape)
        write_atomically(args.centroids, lambda p: grid.save(p, format=_fmt(args.centroids)),
                         overwrite=args.force)
    if args.plots:
        _save_plots(Path(args.plots), report, train, args.force)
    if args.report:
        text = json.dumps({"dataset": train.name, **report.to_dict()}, indent=2)
        write_atomically(args.report, lambda p: p.write_text(text + "\n"), overwrite=args.force)
    sys.stdout.write(f"{train.name}: {len(train):,} images of {train.image_shape}, "
                     f"{report.method}, accuracy on {report.evaluated_on}\n")
    sys.stdout.write(report.to_table())


def _save_plots(folder: Path, report, train, force: bool) -> None:
    """Write the charts of a data set report as PNG files in ``folder``."""
    from . import plot

    folder.mkdir(parents=True, exist_ok=True)
    figures = {"k.png": plot.k_figure(report)}
    for r in report.results:
        figures[f"centroids-k{r.n_clusters}.png"] = plot.centroids_figure(r, train.image_shape)
        if r.confusion is not None:
            figures[f"confusion-k{r.n_clusters}.png"] = plot.confusion_figure(
                r, list(train.class_names) if train.class_names else None)
        figures[f"extremes-k{r.n_clusters}.png"] = plot.extremes_figure(r, train.X,
                                                                        train.image_shape)
    for name, figure in figures.items():
        write_atomically(folder / name, lambda p, f=figure: f.savefig(p, format="png", dpi=100),
                         overwrite=force)


def _run_segment(args: argparse.Namespace) -> None:
    target = Path(args.output)
    check_output_folder(target, overwrite=args.force)  # before any work
    image = _load(args)
    result = segment(image, args.segments, color_space=args.space,
                     spatial_weight=args.spatial, min_region=args.min_region,
                     random_state=args.seed)
    result.save(target, overwrite=args.force)
    summary = result.to_dict(max_regions=0)
    sys.stdout.write(f"{target}: {len(result)} segments, {summary['n_regions']:,} regions\n")
    for s in summary["segments"]:
        sys.stdout.write(f"{_color_block(s['rgb'])}{s['index']:>3}  {s['hex']}  "
                         f"{s['share']:>7.1%}  {s['regions']:>8,} regions\n")


def _run_plot(args: argparse.Namespace) -> None:
    from . import plot

    if Path(args.output).suffix.lower() not in PLOT_SUFFIXES:
        msg = f"{args.output}: charts are saved as {', '.join(PLOT_SUFFIXES)}"
        raise InvalidParameterError(msg)
    _check_output(args.output, args.force, image=False)
    plot.require_matplotlib()
    single = args.kind in ("palette", "colors")
    if single and args.colors and len(args.colors) != 1:
        msg = f"plot {args.kind} takes a single -k"
        raise InvalidParameterError(msg)
    image = _load(args)
    bar = _ProgressBar()
    if args.kind == "palette":
        k = args.colors[0] if args.colors else 8
        figure = plot.palette_figure(extract_palette(image, k, color_space=args.space,
                                                     random_state=args.seed))
    elif args.kind == "colors":
        k = args.colors[0] if args.colors else 8
        quantized = quantize(image, k, color_space=args.space, random_state=args.seed)
        figure = plot.color_cloud_figure(image, quantized, space=args.space,
                                         random_state=args.seed)
    elif args.kind == "elbow":
        curve = elbow_curve(image, args.colors or DEFAULT_KS, color_space=args.space,
                            random_state=args.seed, progress=bar)
        figure = plot.elbow_figure(curve)
        sys.stdout.write(f"elbow at k = {curve.chosen}\n")
    else:
        figure = plot.sweep_figure(compression_sweep(
            image, args.colors or list(DEFAULT_SWEEP), color_space=args.space,
            random_state=args.seed, progress=bar))
    bar.close()
    suffix = Path(args.output).suffix.lower().lstrip(".")
    write_atomically(args.output, lambda p: figure.savefig(p, format=suffix, dpi=110),
                     overwrite=args.force)


class _ProgressBar:
    """A one-line progress bar on a terminal's stderr, shown once work passes a second."""

    def __init__(self, unit: str = "") -> None:
        self.start = time.perf_counter()
        self.shown = False
        self.unit = unit

    def __call__(self, done: int, total: int, k: int) -> None:
        if not sys.stderr.isatty() or time.perf_counter() - self.start < 1.0:
            return
        filled = int(30 * done / total)
        what = f"{self.unit}  " if self.unit else f"k={k}  "
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}  {what}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


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
            status = args.run(args) or 0
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
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
