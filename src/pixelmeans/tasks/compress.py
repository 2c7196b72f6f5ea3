"""The compress job: what k colours cost and save, for one k or a sweep of k.

A report gives file sizes (original, raw RGB, indexed PNG), the compression ratio, bits per
pixel, and the error of the redrawn image: MSE and PSNR (over the counted pixels), SSIM
(scikit-image, over the whole picture) and mean ΔE2000 (CIELAB, scikit-image).

MSE and ΔE2000 are exact and measured once per distinct (original colour, label) pair,
weighted by its pixel count; undithered, a colour has one label, so that is once per
distinct colour, with no pass over the pixels. SSIM is computed as the reference
implementation of its authors does (Wang et al., ``ssim.m``): on the pictures averaged in
f×f blocks, f = max(1, round(min(H, W) / 256)); pictures up to 383 pixels on their short side
are taken whole (f = 1), a 12 MP photo in blocks of 12×12; the block means of a redrawn
picture are summed from its labels, without drawing it.

A sweep reads the image, counts its colours and converts them to CIELAB once for every k, then
works on two k at once (each fit, PNG encoding and measures in its own thread; numpy, zlib and
scikit-image let go of the GIL on large arrays), the largest k first, with BLAS held to one
thread; the reports come in the order of ``ks``, each exactly what :func:`compress` reports
for its k (every k starts from the same ``random_state``; a ``RandomState`` object, which
each k would draw from in turn, makes the sweep go one k at a time).
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np

from ..image.colorspace import rgb_to_lab
from ..image.load import RGBImage, as_image
from ..params import Boolean, Constraints, Integral, Interval, SequenceOf, validated
from ..render.table import text_table
from .palette import DEFAULT_COLOR_SPACE, PALETTE_CONSTRAINTS, PaletteWarning
from .quantize import PixelColors, Quantized, Redrawn, pixel_colors, redraw_with_colors

DEFAULT_SWEEP = (2, 4, 8, 16, 32, 64, 128, 256)
SSIM_SIDE = 256  # SSIM on pictures averaged down to about this short side (see ssim_scale)
# The sweep's settings, measured on the default sweep of a 12 MP JPEG, whole processes on 2
# cores (medians of 4, side by side with `quantize -k 16`, 1.69-1.80 s): k worked on at once
# 1: 10.85 s, 2: 7.65 s, 3: 8.11 s; the largest k first: 7.65 s, in the order of ks: 8.11 s
# (then k = 256 runs alone at the end). One BLAS thread: 7.60 s and 14.2 s of CPU, against
# 8.93 s and 16.7 s with OpenBLAS's two (its second thread spins through the engine's many
# small products of 3-wide colours). The reports do not change with it: the weighted means
# are summed by numpy, not by BLAS, and the fits came out the same (checked at every k of
# the sweep on that photo, and by the tests against `compress`).
SWEEP_WORKERS = 2
SWEEP_BLAS_THREADS = 1
BAND_BLOCKS = 8  # rows of blocks summed at a time (see _redrawn_block_means)
PAIR_TABLE = 1 << 23  # the most (colour, label) codes counted in a table (see _distinct)


@dataclass(frozen=True)
class CompressionReport:
    """What one number of colours costs and saves.

    Attributes
    ----------
    n_colors : int
        Colours in the palette.
    original_bytes : int or None
        Size of the source file, when the image came from a file, URL or bytes.
    raw_bytes : int
        Uncompressed RGB size, ``H·W·3``.
    png_bytes : int
        Size of the indexed PNG.
    ratio : float
        ``raw_bytes / png_bytes``.
    bits_per_pixel : float
        PNG bits per pixel.
    mse, psnr : float
        Mean squared error per channel over the counted pixels, and PSNR in dB
        (``inf`` when lossless).
    ssim : float or None
        Structural similarity of the pictures averaged in f×f blocks (see
        :func:`ssim_scale`; ``None`` when fewer than 7 blocks a side).
    delta_e : float
        Mean CIEDE2000 colour difference over the counted pixels.
    """

    source: str
    n_colors: int
    width: int
    height: int
    original_bytes: int | None
    raw_bytes: int
    png_bytes: int
    ratio: float
    bits_per_pixel: float
    mse: float
    psnr: float
    ssim: float | None
    delta_e: float

    def to_dict(self) -> dict:
        """The report as a plain dict (JSON-ready: a lossless PSNR is ``None``)."""
        out = asdict(self)
        if math.isinf(self.psnr):
            out["psnr"] = None
        return out

    # In notebooks (render/notebook.py draws them).
    def _repr_html_(self) -> str:
        from ..render import notebook

        return notebook.compression_html([self.to_dict()])

    def to_pandas(self):
        """The report as a one-row ``pandas.DataFrame`` (needs pandas)."""
        from ..render import notebook

        return notebook.data_frame([self.to_dict()])


@dataclass(frozen=True)
class CompressionSweep:
    """Reports for several numbers of colours, as a table, dicts or CSV."""

    reports: tuple[CompressionReport, ...]

    COLUMNS: ClassVar = ("n_colors", "png_bytes", "ratio", "bits_per_pixel", "mse", "psnr", "ssim",
               "delta_e")

    def to_dicts(self) -> list[dict]:
        """One dict per report."""
        return [r.to_dict() for r in self.reports]

    def to_csv(self) -> str:
        """CSV text with a header row."""
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(self.reports[0].to_dict()),
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.to_dicts())
        return buf.getvalue()

    def to_table(self) -> str:
        """An aligned text table, with the sizes of the source on the first line."""
        first = self.reports[0]
        original = f", original file {first.original_bytes:,} bytes" \
            if first.original_bytes else ""
        title = (f"{first.source}: {first.width}×{first.height}, raw RGB "
                 f"{first.raw_bytes:,} bytes{original}")
        header = ["colours", "PNG bytes", "ratio", "bits/px", "MSE", "PSNR dB", "SSIM",
                  "ΔE2000"]
        rows = [[str(r.n_colors), f"{r.png_bytes:,}", f"{r.ratio:.1f}×",
                 f"{r.bits_per_pixel:.2f}", f"{r.mse:.2f}",
                 "inf" if math.isinf(r.psnr) else f"{r.psnr:.2f}",
                 "-" if r.ssim is None else f"{r.ssim:.4f}", f"{r.delta_e:.2f}"]
                for r in self.reports]
        return title + "\n" + text_table(header, rows)

    # In notebooks (render/notebook.py draws them).
    def _repr_html_(self) -> str:
        from ..render import notebook

        return notebook.compression_html(self.to_dicts())

    def to_pandas(self):
        """One row per k as a ``pandas.DataFrame`` (needs pandas)."""
        from ..render import notebook

        return notebook.data_frame(self.to_dicts())


def ssim_scale(height: int, width: int) -> int:
    """The block size the pictures are averaged in before SSIM, as in the reference
    implementation of SSIM's authors: ``max(1, round(min(H, W) / 256))``.

    Examples
    --------
    >>> ssim_scale(300, 451), ssim_scale(3000, 4000)
    (1, 12)
    """
    return max(1, round(min(height, width) / SSIM_SIDE))


def _block_means(pixels: np.ndarray, f: int) -> np.ndarray:
    """The picture averaged in ``f×f`` blocks (rows and columns past the last whole block
    dropped); the picture itself when ``f`` is 1."""
    if f == 1:
        return pixels
    h, w = pixels.shape[0] // f * f, pixels.shape[1] // f * f
    blocks = pixels[:h, :w].reshape(h // f, f, w // f, f, 3)
    # whole sums, over rows first: 8 times faster than one float sum over both axes
    return blocks.sum(axis=1, dtype=np.uint32).sum(axis=2) / (f * f)


def _redrawn_block_means(labels: np.ndarray, colors: np.ndarray, f: int) -> np.ndarray:
    """``_block_means(colors[labels], f)`` for ``f`` > 1, the same numbers, without the
    ``H×W×3`` picture.

    Each palette colour becomes one 64-bit word with its channels 21 bits apart, so one
    gather and one sum a pixel add all three channels at once (a block's sum per channel,
    at most ``255·f²``, fits in 21 bits up to f = 90; above, a channel a word), and the
    rows go ``BAND_BLOCKS`` blocks at a time so that the words stay in cache. The sums are
    whole numbers, so the means are exactly those of the expanded picture. On the 12 MP
    photo: 0.015 s against 0.12–0.16 s for expanding the picture and averaging it.
    """
    height, width = labels.shape[0] // f, labels.shape[1] // f
    shift = max(int(255 * f * f).bit_length(), 1)
    groups = [(0, 1, 2)] if 3 * shift <= 64 else [(0,), (1,), (2,)]
    sums = np.empty((height, width, 3), dtype=np.uint64)
    low = np.uint64((1 << shift) - 1)
    for group in groups:
        words = np.zeros(len(colors), dtype=np.uint64)
        for place, channel in enumerate(group):
            words |= colors[:, channel].astype(np.uint64) << np.uint64(shift * place)
        for top in range(0, height, BAND_BLOCKS):
            end = min(height, top + BAND_BLOCKS)
            band = np.take(words, labels[top * f:end * f, :width * f])
            total = band.reshape(end - top, f, width, f).sum(axis=1).sum(axis=2)
            for place, channel in enumerate(group):
                sums[top:end, :, channel] = (total >> np.uint64(shift * place)) & low
    return sums / (f * f)


@dataclass(frozen=True)
class _Original:
    """What the error measures need from the original image, computed once for all k."""

    img: RGBImage
    colors: PixelColors
    rgb: np.ndarray  # each histogram colour, float64
    lab: np.ndarray  # CIELAB of each histogram colour
    small: np.ndarray  # the picture for SSIM (see ssim_scale)

    @classmethod
    def of(cls, img: RGBImage, colors: PixelColors) -> _Original:
        return cls(img, colors, colors.hist.colors.astype(np.float64),
                   rgb_to_lab(colors.hist.colors / 255.0),
                   _block_means(img.pixels, ssim_scale(*img.shape)))


def _pairs(original: _Original, redrawn: Redrawn
           ) -> tuple[np.ndarray | slice, np.ndarray, np.ndarray]:
    """Each distinct (original colour, label) pair of the counted pixels, as a row of the
    histogram, a label and a pixel count. Undithered, the label is a function of the
    colour: one pair per distinct colour (the rows are then all of them, ``slice(None)``),
    with no pass over the pixels."""
    hist = original.colors.hist
    if redrawn.labels_of_colors is not None:
        return slice(None), redrawn.labels_of_colors, hist.counts
    k = len(redrawn.quantized.palette)
    n_codes = hist.n_colors * k
    code = np.dtype(np.uint32 if n_codes <= 1 << 32 else np.int64)  # uint32 sorts in half the time
    both = original.colors.index.astype(code) * np.array(k, code) + \
        redrawn.quantized.labels.ravel()
    pairs, counts = _distinct(original.img.counted(both), n_codes)
    return pairs // k, pairs % k, counts


def _distinct(codes: np.ndarray, n_codes: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``codes`` (whole numbers below ``n_codes``), ascending, and
    how many times each occurs, as ``np.unique(codes, return_counts=True)``: counted in a
    table of ``n_codes`` when that is at most ``PAIR_TABLE`` long (12 MP dithered, k = 8:
    0.03 s against 0.5 s for sorting), else sorted."""
    if n_codes <= PAIR_TABLE:
        table = np.bincount(codes, minlength=n_codes)
        present = np.flatnonzero(table)
        return present, table[present]
    return np.unique(codes, return_counts=True)


def _mean(values: np.ndarray, counts: np.ndarray) -> float:
    """The mean of ``values`` weighted by ``counts``, summed by numpy, not by BLAS (whose dot
    product adds in an order that depends on its number of threads)."""
    return float((values * counts).sum()) / float(counts.sum())


def _errors(original: _Original, redrawn: Redrawn) -> tuple[float, float, float | None, float]:
    """MSE, PSNR, SSIM and mean ΔE2000 of the redrawn image against the original."""
    from skimage.color import deltaE_ciede2000
    from skimage.metrics import structural_similarity

    q = redrawn.quantized
    rows, labels, counts = _pairs(original, redrawn)
    drawn = q.palette.colors.astype(np.float64)[labels]
    mse = _mean(((original.rgb[rows] - drawn) ** 2).sum(axis=1), counts) / 3
    psnr = math.inf if mse == 0 else 10 * math.log10(255**2 / mse)
    palette_lab = rgb_to_lab(q.palette.colors / 255.0)
    delta_e = _mean(deltaE_ciede2000(original.lab[rows], palette_lab[labels]), counts)
    ssim = None
    small = original.small
    if min(small.shape[:2]) >= 7:
        f = ssim_scale(*original.img.shape)
        new = q.image if f == 1 else _redrawn_block_means(q.labels, q.palette.colors, f)
        ssim = float(structural_similarity(small, new, channel_axis=2, data_range=255))
    return mse, psnr, ssim, delta_e


def _report(original: _Original, redrawn: Redrawn) -> CompressionReport:
    img, q = original.img, redrawn.quantized
    png = len(q.encode("PNG"))
    h, w = img.shape
    mse, psnr, ssim, delta_e = _errors(original, redrawn)
    return CompressionReport(img.source, len(q.palette), w, h, img.file_size, h * w * 3, png,
                             h * w * 3 / png, png * 8 / (h * w), mse, psnr, ssim, delta_e)


def report_for(img: RGBImage, q: Quantized, colors: PixelColors | None = None
               ) -> CompressionReport:
    """The report of an already quantized image (``colors``: the image's
    :func:`~pixelmeans.tasks.quantize.pixel_colors` when already known)."""
    colors = pixel_colors(img) if colors is None else colors
    return _report(_Original.of(img, colors), Redrawn(q, None))


def _in_order(make: Callable[[int], CompressionReport], ks: list[int], workers: int
              ) -> Iterator[CompressionReport]:
    """``make(k)`` for each k, ``workers`` at a time, yielded in the order of ``ks`` as soon
    as each and all before it are done. The largest k, the slowest, starts first, so that
    it does not run alone at the end."""
    if workers <= 1 or len(ks) <= 1:
        yield from map(make, ks)
        return
    largest = ks.index(max(ks))
    pool = ThreadPoolExecutor(min(workers, len(ks)))
    try:
        started = {largest: pool.submit(make, ks[largest])}
        started.update((i, pool.submit(make, k)) for i, k in enumerate(ks) if i != largest)
        for i in range(len(ks)):
            yield started[i].result()
    finally:  # on an error (or a consumer that stops early), start no further k
        pool.shutdown(wait=True, cancel_futures=True)


SWEEP_CONSTRAINTS: Constraints = {
    **PALETTE_CONSTRAINTS,
    "dither": [Boolean()],
    "ks": [SequenceOf(Interval(Integral, 1, 4096))],
}


@validated({k: v for k, v in SWEEP_CONSTRAINTS.items() if k != "ks"})
def compress(
    image,
    n_colors: int = 16,
    *,
    color_space: str = DEFAULT_COLOR_SPACE,
    dither: bool = False,
    random_state=0,
) -> tuple[CompressionReport, Quantized]:
    """Quantize an image to ``n_colors`` and report what it costs and saves.

    Returns the report and the :class:`~pixelmeans.Quantized` image (save it with
    ``.save(path)``).

    Examples
    --------
    >>> img = np.zeros((8, 8, 3), dtype=np.uint8)
    >>> img[:, 4:] = (200, 100, 0)
    >>> report, _ = compress(img, 2)
    >>> report.mse, report.psnr, report.ssim
    (0.0, inf, 1.0)
    """
    img = as_image(image)
    colors = pixel_colors(img)
    redrawn = redraw_with_colors(img, n_colors, color_space=color_space, dither=dither,
                                 palette=None, random_state=random_state, colors=colors)
    return _report(_Original.of(img, colors), redrawn), redrawn.quantized


@validated({k: v for k, v in SWEEP_CONSTRAINTS.items() if k != "n_colors"})
def compression_sweep(
    image,
    ks: Iterable[int] = DEFAULT_SWEEP,
    *,
    color_space: str = DEFAULT_COLOR_SPACE,
    dither: bool = False,
    random_state=0,
    progress: Callable[[int, int, int], None] | None = None,
    on_report: Callable[[CompressionReport], None] | None = None,
) -> CompressionSweep:
    """Reports for each number of colours in ``ks`` (the image is read once).

    Several k are worked on at once (see the module's notes); the reports, each the one
    :func:`compress` gives for its k, come in the order of ``ks``. ``progress(done, total,
    k)`` is called after each k, and ``on_report(report)`` with each report as soon as it
    and those before it are made (to show rows as they finish), both from the calling thread.

    Examples
    --------
    >>> img = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    >>> sweep = compression_sweep(img, (2, 8))
    >>> [r.n_colors for r in sweep.reports], bool(sweep.reports[0].mse > sweep.reports[1].mse)
    ([2, 8], True)
    """
    from threadpoolctl import threadpool_limits

    ks = list(ks)
    img = as_image(image)
    colors = pixel_colors(img)  # one histogram and one pixel lookup for every k
    colors.hist.require_pixels(img.source)
    n_distinct = colors.hist.n_colors
    todo = list(dict.fromkeys(min(k, n_distinct) for k in ks))  # in order, once each
    over = [k for k in ks if k > n_distinct]
    if over:
        warnings.warn(f"{img.source}: the image has only {n_distinct} distinct colours; "
                      f"k = {', '.join(map(str, over))} give the image itself "
                      f"(one row, {n_distinct} colours)", PaletteWarning, stacklevel=3)
    original = _Original.of(img, colors)

    def report_of(k: int) -> CompressionReport:
        return _report(original, redraw_with_colors(
            img, k, color_space=color_space, dither=dither, palette=None,
            random_state=random_state, colors=colors))

    # A shared RandomState gives each k the draws after the previous k's: one at a time.
    workers = 1 if isinstance(random_state, np.random.RandomState) else SWEEP_WORKERS
    reports = []
    with threadpool_limits(SWEEP_BLAS_THREADS, user_api="blas"):
        for done, report in enumerate(_in_order(report_of, todo, workers), 1):
            reports.append(report)
            if on_report is not None:
                on_report(report)
            if progress is not None:
                progress(done, len(todo), todo[done - 1])
    return CompressionSweep(tuple(reports))
