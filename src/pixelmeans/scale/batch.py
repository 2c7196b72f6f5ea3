"""Batches of images: one palette per image, or one shared palette for a whole series.

The work runs on a :class:`~pixelmeans.scale.runner.Runner` (this process or a Dask
cluster). Each image is read and reduced on a worker; only palettes, colour histograms
(merged pairwise on the workers) and short result records travel. A file that cannot be read
or written is recorded with its error and never stops the others.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..errors import InvalidParameterError, OutputExistsError, PixelmeansError
from ..image.alpha import LOADER_ALPHA
from ..image.exclusion import DEFAULT_WITHIN
from ..image.formats import READABLE_SUFFIXES
from ..image.histogram import ColorHistogram, color_histogram, empty_histogram
from ..image.load import DEFAULT_MAX_PIXELS, load_image
from ..params import Boolean, InstanceOf, Options, validated
from ..tasks.palette import (
    DEFAULT_COLOR_SPACE,
    PALETTE_CONSTRAINTS,
    Palette,
    filtered,
    fit_palette,
    given_colors,
    load_for_palette,
)
from ..tasks.quantize import redraw
from .runner import Runner

Progress = Callable[[int, int, int], None]
HistogramPart = tuple[ColorHistogram, tuple[tuple[str, str], ...]]  # and the failed files


@dataclass(frozen=True)
class BatchResult:
    """What happened to one image of a batch."""

    path: str
    palette: Palette | None = None
    output: str | None = None
    output_bytes: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def with_palette(self, palette: Palette) -> BatchResult:
        """The same result with ``palette`` (e.g. reordered)."""
        return BatchResult(self.path, palette, self.output, self.output_bytes, self.error)


def find_images(spec: str) -> tuple[list[Path], Path]:
    """The image files a folder (searched recursively) or glob pattern names, sorted, and
    the folder their output names are relative to.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "a.png").touch(); (d / "b.txt").touch()
    >>> [p.name for p in find_images(str(d))[0]]
    ['a.png']
    """
    folder = Path(spec)
    if folder.is_dir():
        files = [f for f in folder.rglob("*")
                 if f.is_file() and f.suffix.lower() in READABLE_SUFFIXES
                 and not any(part.startswith(".") for part in f.relative_to(folder).parts)]
        root = folder
    else:
        files = [Path(f) for f in glob.glob(spec, recursive=True) if Path(f).is_file()]
        root = Path(os.path.commonpath([f.parent for f in files])) if files else Path(".")
    if not files:
        msg = f"{spec}: no images found (looked for {', '.join(READABLE_SUFFIXES)})"
        raise InvalidParameterError(msg)
    return sorted(files), root


def _failure(path, exc: Exception) -> str:
    if isinstance(exc, PixelmeansError):
        return str(exc)
    return f"{path}: {type(exc).__name__}: {exc}"


# -- jobs: module-level so that Dask can send them to workers ---------------------------------
def palette_job(path, n_colors, color_space, random_state, max_pixels,
                full_decode, filters=None) -> BatchResult:
    """Read one image and extract its palette; errors become a result, never an exception.

    ``filters``: ``fixed_colors`` (checked colours), ``exclude`` and ``exclude_within``."""
    filters = filters or {}
    try:
        image = load_for_palette(path, max_pixels=max_pixels, full_decode=full_decode,
                                 min_alpha=filters.get("min_alpha", LOADER_ALPHA))
        hist = filtered(color_histogram(image), filters.get("exclude"),
                        filters.get("exclude_within", 0.0), image.source)
        palette = fit_palette(hist, n_colors, color_space, random_state, image.source,
                              filters.get("fixed_colors"))
        return BatchResult(str(path), palette=palette)
    except Exception as exc:  # one bad file must not stop the batch
        return BatchResult(str(path), error=_failure(path, exc))


def histogram_job(path, max_pixels) -> HistogramPart:
    """The colour histogram of one image, or an empty one and the failure."""
    try:
        return color_histogram(load_image(path, max_pixels=max_pixels)), ()
    except Exception as exc:  # one bad file must not stop the batch
        return empty_histogram(), ((str(path), _failure(path, exc)),)


def merge_parts(a: HistogramPart, b: HistogramPart) -> HistogramPart:
    """Two images' (or groups') histograms merged, and their failures together."""
    return a[0].merge(b[0]), a[1] + b[1]


def quantize_job(task, n_colors, palette, options) -> BatchResult:
    """Quantize one image (with ``palette`` when given) and save it; errors become a result."""
    source, target = task
    try:
        image = load_image(source, max_pixels=options["max_pixels"])
        result = redraw(image, n_colors, palette=palette, dither=options["dither"],
                        color_space=options["color_space"],
                        random_state=options["random_state"])
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        path = result.save(target, overwrite=options["overwrite"])
        return BatchResult(str(source), palette=result.palette, output=str(path),
                           output_bytes=path.stat().st_size)
    except Exception as exc:  # one bad file must not stop the batch
        return BatchResult(str(source), error=_failure(source, exc))


# -- batch entry points ------------------------------------------------------------------------
def _in_order(runner: Runner, fn, items, args, progress) -> list[BatchResult]:
    results: list = [None] * len(items)
    for done, (i, result) in enumerate(runner.map_unordered(fn, items, *args), 1):
        results[i] = result
        if progress is not None:
            progress(done, len(items), 0)
    return results


@validated({**PALETTE_CONSTRAINTS, "full_decode": [Boolean()]})
def batch_palettes(paths: Sequence, n_colors: int = 8, *, runner: Runner | None = None,
                   color_space: str = DEFAULT_COLOR_SPACE, random_state=0,
                   max_pixels: int = DEFAULT_MAX_PIXELS, full_decode: bool = False,
                   progress: Progress | None = None, fixed_colors=None,
                   exclude: Sequence[str] | None = None,
                   exclude_within: float = DEFAULT_WITHIN,
                   min_alpha: int = LOADER_ALPHA) -> list[BatchResult]:
    """One palette per image, extracted where the image is read (large JPEGs decoded at
    reduced size unless ``full_decode``, as :func:`pixelmeans.extract_palette` does, with
    its ``fixed_colors``, ``exclude``, ``exclude_within`` and ``min_alpha``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> Image.new("RGB", (4, 4), (255, 0, 0)).save(d / "red.png")
    >>> (d / "bad.png").write_bytes(b"not a png")
    9
    >>> [(r.ok, r.palette.hex if r.ok else None) for r in batch_palettes(
    ...     [d / "bad.png", d / "red.png"], 1)]
    [(False, None), (True, ['#ff0000'])]
    """
    runner = runner or Runner()
    filters = {"exclude": exclude, "exclude_within": exclude_within, "min_alpha": min_alpha,
               "fixed_colors": None if fixed_colors is None
               else given_colors(fixed_colors, name="fixed_colors")}
    return _in_order(runner, palette_job, [str(p) for p in paths],
                     (n_colors, color_space, random_state, max_pixels, full_decode, filters),
                     progress)


@validated(PALETTE_CONSTRAINTS)
def shared_palette(paths: Sequence, n_colors: int = 16, *, runner: Runner | None = None,
                   color_space: str = DEFAULT_COLOR_SPACE, random_state=0,
                   max_pixels: int = DEFAULT_MAX_PIXELS
                   ) -> tuple[Palette, list[BatchResult]]:
    """One palette for all the images together (their colour histograms summed), and the
    images that could not be read."""
    if len(paths) == 0:
        msg = "shared_palette needs at least one image; got none"
        raise InvalidParameterError(msg)
    runner = runner or Runner()
    total, failures = runner.tree_reduce(partial(histogram_job, max_pixels=max_pixels),
                                         [str(p) for p in paths], merge_parts)
    failed = [BatchResult(p, error=e) for p, e in failures]
    if len(failed) == len(paths):
        msg = f"none of the {len(paths)} images could be read"
        raise InvalidParameterError(msg)
    palette = fit_palette(total, n_colors, color_space, random_state,
                          f"{len(paths) - len(failed)} images")
    return palette, failed


def output_paths(paths: Sequence[Path], root: Path, folder: Path, suffix: str = ".png"
                 ) -> list[Path]:
    """Where each input's quantized image goes: its path under ``root``, moved to ``folder``,
    with ``suffix``. Names that would collide keep their old suffix too (``a.jpg.png``); any
    name still taken after that (``a.png.png`` from ``a.png`` beside an input of that name)
    gets a number (``a.png-2.png``). Two inputs never share an output.

    Examples
    --------
    >>> [str(p) for p in output_paths([Path("in/a.jpg"), Path("in/a.png"), Path("in/s/b.gif")],
    ...                               Path("in"), Path("out"))]
    ['out/a.jpg.png', 'out/a.png.png', 'out/s/b.png']
    >>> [str(p) for p in output_paths([Path("a.jpg"), Path("a.png"), Path("a.png.png")],
    ...                               Path("."), Path("out"))]
    ['out/a.jpg.png', 'out/a.png.png', 'out/a.png-2.png']
    """
    relative = [Path(p).relative_to(root) for p in paths]
    plain = [r.with_suffix(suffix) for r in relative]
    counts = Counter(plain)
    names = [r.parent / (r.name + suffix) if counts[p] > 1 else p
             for r, p in zip(relative, plain, strict=True)]
    reserved, given, unique = set(names), set(), []
    for name in names:
        number = 1
        candidate = name
        while candidate in given or (candidate != name and candidate in reserved):
            number += 1
            candidate = name.with_name(f"{name.stem}-{number}{suffix}")
        given.add(candidate)
        unique.append(folder / candidate)
    return unique


def plan_quantize_batch(spec: str, folder: str | os.PathLike, *, overwrite: bool
                        ) -> tuple[list[Path], list[Path]]:
    """The images a folder or pattern names and the output path of each in ``folder``;
    refuses, before any work, a folder that is a file or outputs that exist already."""
    target = Path(folder)
    if target.suffix.lower() in READABLE_SUFFIXES or (target.exists() and not target.is_dir()):
        msg = f"{target}: the output of a batch is a folder"
        raise InvalidParameterError(msg)
    paths, root = find_images(spec)
    targets = output_paths(paths, root, target)
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        msg = f"{existing[0]}: already exists; use --force to replace it"
        raise OutputExistsError(msg)
    return paths, targets


@validated({**PALETTE_CONSTRAINTS, "dither": [Boolean()],
            "palette": [InstanceOf(Palette), Options((None,))]})
def batch_quantize(paths: Sequence, targets: Sequence, n_colors: int = 16, *,
                   palette: Palette | None = None, runner: Runner | None = None,
                   color_space: str = DEFAULT_COLOR_SPACE, dither: bool = False,
                   random_state=0, max_pixels: int = DEFAULT_MAX_PIXELS,
                   overwrite: bool = False, progress: Progress | None = None
                   ) -> list[BatchResult]:
    """Quantize every image to its target path: each with its own ``n_colors`` palette, or
    all with ``palette`` (see :func:`shared_palette`)."""
    runner = runner or Runner()
    options = {"max_pixels": max_pixels, "dither": dither, "color_space": color_space,
               "random_state": random_state, "overwrite": overwrite}
    tasks = [(str(p), str(t)) for p, t in zip(paths, targets, strict=True)]
    return _in_order(runner, quantize_job, tasks, (n_colors, palette, options), progress)


def palettes_to_csv(results: Sequence[BatchResult]) -> str:
    """One row per image: path, error, then hex and share of each colour."""
    width = max((len(r.palette) for r in results if r.palette is not None), default=0)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["path", "error", "n_colors"]
                    + [f"{f}_{i}" for i in range(1, width + 1) for f in ("hex", "share")])
    for r in results:
        p = r.palette
        cells = [] if p is None else [v for h, w in zip(p.hex, p.weights, strict=True)
                                      for v in (h, f"{w:.6f}")]
        writer.writerow([r.path, r.error or "", "" if p is None else len(p), *cells])
    return buf.getvalue()


def palettes_to_jsonl(results: Sequence[BatchResult]) -> str:
    """One JSON object per line: ``{"path", "error", "colors"}``."""
    lines = [json.dumps({"path": r.path, "error": r.error,
                         "colors": None if r.palette is None else r.palette.to_dict()["colors"]})
             for r in results]
    return "\n".join(lines) + "\n"
