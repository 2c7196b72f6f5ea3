"""The compress job: what k colours cost and save, for one k or a sweep of k.

A report gives file sizes (original, raw RGB, indexed PNG), the compression ratio, bits per
pixel, and the error of the redrawn image: MSE and PSNR (over the counted pixels), SSIM
(scikit-image, over the whole picture) and mean ΔE2000 (CIELAB, scikit-image).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np

from ..image.colorspace import rgb_to_lab
from ..image.histogram import pack_rgb, unpack_rgb
from ..image.load import RGBImage, as_image
from ..params import Boolean, Constraints, Integral, Interval, SequenceOf, validated
from ..render.table import text_table
from .palette import DEFAULT_COLOR_SPACE, PALETTE_CONSTRAINTS
from .quantize import Quantized, pixel_colors, redraw

DEFAULT_SWEEP = (2, 4, 8, 16, 32, 64, 128, 256)


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
        Structural similarity (``None`` for images under 7 pixels a side).
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


def _errors(img: RGBImage, q: Quantized, codes: np.ndarray
            ) -> tuple[float, float, float | None, float]:
    """MSE, PSNR, SSIM and mean ΔE2000 of the redrawn image against the original, whose
    packed pixel colours are ``codes``."""
    from skimage.color import deltaE_ciede2000
    from skimage.metrics import structural_similarity

    new = q.image
    both = img.counted(codes.astype(np.int64) << 16 | q.labels.ravel().astype(np.int64))
    # Each distinct (colour, label) pair is measured once, weighted by its pixel count.
    pairs, counts = np.unique(both, return_counts=True)
    old = unpack_rgb(pairs >> 16).astype(np.float64)
    drawn = q.palette.colors[pairs & 0xFFFF].astype(np.float64)
    mse = float(((old - drawn) ** 2).sum(axis=1) @ counts) / float(counts.sum()) / 3
    psnr = math.inf if mse == 0 else 10 * math.log10(255**2 / mse)
    delta_e = deltaE_ciede2000(rgb_to_lab(old / 255), rgb_to_lab(drawn / 255))
    ssim = None
    if min(img.shape) >= 7:
        ssim = float(structural_similarity(img.pixels, new, channel_axis=2, data_range=255))
    return mse, psnr, ssim, float(delta_e @ counts) / float(counts.sum())


def report_for(img: RGBImage, q: Quantized, codes: np.ndarray | None = None
               ) -> CompressionReport:
    """The report of an already quantized image (``codes``: its packed pixel colours, when
    already known)."""
    png = len(q.encode("PNG"))
    h, w = img.shape
    mse, psnr, ssim, delta_e = _errors(img, q, pack_rgb(img.pixels) if codes is None else codes)
    return CompressionReport(img.source, len(q.palette), w, h, img.file_size, h * w * 3, png,
                             h * w * 3 / png, png * 8 / (h * w), mse, psnr, ssim, delta_e)


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
    q = redraw(img, n_colors, color_space=color_space, dither=dither, palette=None,
               random_state=random_state, colors=colors)
    return report_for(img, q, colors[0]), q


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

    ``progress(done, total, k)`` is called after each k, and ``on_report(report)`` with
    each report as it is made (to show rows as they finish).

    Examples
    --------
    >>> img = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    >>> sweep = compression_sweep(img, (2, 8))
    >>> [r.n_colors for r in sweep.reports], bool(sweep.reports[0].mse > sweep.reports[1].mse)
    ([2, 8], True)
    """
    ks = list(ks)
    img = as_image(image)
    colors = pixel_colors(img)  # once for every k
    reports = []
    for done, k in enumerate(ks, 1):
        q = redraw(img, k, color_space=color_space, dither=dither, palette=None,
                   random_state=random_state, colors=colors)
        reports.append(report_for(img, q, colors[0]))
        if on_report is not None:
            on_report(reports[-1])
        if progress is not None:
            progress(done, len(ks), k)
    return CompressionSweep(tuple(reports))
