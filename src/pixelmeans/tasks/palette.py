"""The palette job: the k dominant colours of an image and their shares.

The image's exact colour histogram is clustered with the pixel counts as weights, which is
K-means on the pixels themselves at the cost of K-means on the distinct colours. Photos with
very many distinct colours are first merged into colour bins, whose weighted means are
clustered (the best of a few seedings on 5-bit bins); in RGB the centres are then finished
by K-means steps on the exact distinct colours, elsewhere refined on 6-bit bins.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from ..cluster.core.fit import KMeansResult, fit_kmeans
from ..image.colorspace import COLOR_SPACES, from_srgb, to_hex, to_srgb, to_uint8
from ..image.histogram import ColorHistogram, color_histogram
from ..image.load import DEFAULT_MAX_PIXELS, RGBImage, as_image
from ..image.nearest import RGBCells, nearest_colors
from ..image.ranking import heaviest_first
from ..params import (
    Boolean,
    Constraints,
    InstanceOf,
    Integral,
    Interval,
    Options,
    RandomStates,
    validated,
)
from ..render import palette_formats
from ..render.pictures import swatch

# Above this many distinct colours, cluster colour bins instead of exact colours: seed on
# 5-bit bins (about 10k at most in photos), refine on 6-bit bins (at most 4 levels wide).
MAX_EXACT_COLORS = 20_000
# A JPEG is decoded at the smallest DCT scale (1/2, 1/4, 1/8) keeping this many pixels: on
# the 12 MP benchmark photo (decoded at 1/4) the palette's error over every pixel of the full
# image was within 0.6% of the full decode's in RGB for k = 8 to 256 (-6% to +2% in OKLab,
# the spread between random seeds), at a quarter of the decoding and counting time.
PALETTE_DECODE_PIXELS = 500_000
BIN_BITS = 6
# Seedings tried (the best kept) for a small k, the largest k counted as small, and the
# seedings above it: at k = 8 one of three seedings left two bundled photos 2-4% above
# scikit-learn's MSE and eight brought them within 0.3%; at k = 16 eight seedings were no
# better than three (and cost 0.3-0.5 s more at 12 MP).
COARSE_SEEDINGS = (8, 8, 3)
# Lloyd steps on the exact colours after the binned fit (RGB), which start from the best
# seeding on 5-bit bins: on the benchmark photos at k = 8 to 256 this matched or beat a
# refinement on 6-bit bins followed by 5 exact steps (MSE within ±0.5%, 25% less time at
# k = 256); running on to convergence took up to 50 steps for a further 0.1-0.7%.
FINISH_STEPS = 10
FINISH_TOL = 1e-4  # of the mean channel variance, as scikit-learn's KMeans
DEFAULT_COLOR_SPACE = "rgb"


class PaletteWarning(UserWarning):
    """The palette has fewer colours than asked (the image has fewer distinct colours)."""


@dataclass(frozen=True)
class Palette:
    """Colours with their shares of the image, heaviest first.

    Attributes
    ----------
    colors : ndarray of shape (k, 3), uint8
        sRGB colours, all distinct.
    weights : ndarray of shape (k,), float64
        Share of the counted pixels nearest to each colour; sums to 1, descending.
    source : str
        Where the image came from.

    Examples
    --------
    >>> p = Palette(np.array([[255, 0, 0], [0, 0, 255]], dtype=np.uint8), np.array([0.75, 0.25]))
    >>> p.hex
    ['#ff0000', '#0000ff']
    >>> p.to_css().splitlines()[1]
    '  --color-1: #ff0000; /* 75.0% */'
    """

    colors: np.ndarray
    weights: np.ndarray
    source: str = "<array>"
    color_space: str = field(default=DEFAULT_COLOR_SPACE)

    def __len__(self) -> int:
        return int(self.colors.shape[0])

    @property
    def hex(self) -> list[str]:
        """Colours as ``#rrggbb``."""
        return to_hex(self.colors)

    def to_dict(self) -> dict:
        """``{"source": ..., "colors": [{"hex", "rgb", "weight"}, ...]}``."""
        return palette_formats.palette_dict(self.hex, self.colors, self.weights, self.source)

    def to_json(self, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(), indent=indent)

    def to_css(self, prefix: str = "color") -> str:
        """CSS custom properties in a ``:root`` rule, one per colour with its share."""
        return palette_formats.palette_css(self.hex, self.weights, prefix)

    def to_gpl(self, name: str | None = None) -> str:
        """A GIMP palette (``.gpl``) with one named entry per colour."""
        return palette_formats.palette_gpl(self.hex, self.colors, self.weights,
                                           name or f"pixelmeans {self.source}")

    def format(self, fmt: str = "text", *, color_blocks: bool = False) -> str:
        """The palette as text in one of ``"text"`` (an aligned table, led by a block of each
        colour with ``color_blocks``), ``"json"``, ``"css"``, ``"gpl"`` or ``"hex"``."""
        return palette_formats.format_palette(fmt, self.hex, self.colors, self.weights,
                                              self.source, color_blocks=color_blocks)

    def swatch(self, width: int = 600, height: int = 100, *,
               proportional: bool = True) -> Image.Image:
        """A PIL image of the colours side by side, as wide as their shares when proportional.

        Every colour gets at least one pixel column.
        """
        shares = self.weights if proportional else np.full(len(self), 1 / len(self))
        return swatch(self.colors, shares, width, height)


PALETTE_CONSTRAINTS: Constraints = {
    "n_colors": [Interval(Integral, 1, 4096)],
    "color_space": [Options(COLOR_SPACES)],
    "random_state": [RandomStates()],
}


def _fit(points, weights, n_colors, color_space, random_state, *, init="k-means++",
         n_init=1, max_iter=300) -> KMeansResult:
    X = np.ascontiguousarray(from_srgb(points / 255.0, color_space))
    return fit_kmeans(X, n_colors, sample_weight=np.asarray(weights, dtype=np.float64),
                      init=init, n_init=n_init, max_iter=max_iter, random_state=random_state)


def _seedings(n_colors: int) -> int:
    many, up_to, few = COARSE_SEEDINGS
    return many if n_colors <= up_to else few


def _binned_centers(hist: ColorHistogram, n_colors: int, color_space: str, random_state
                    ) -> np.ndarray:
    """Centres (in ``color_space``) fitted on colour bins: the best of a few seedings on
    5-bit bins, refined on 6-bit bins outside RGB (in RGB the exact finish refines them)."""
    coarse, coarse_weights = hist.coarsen(BIN_BITS - 1)
    if len(coarse) < n_colors:
        points, weights = hist.coarsen(BIN_BITS)
        return _fit(points, weights, n_colors, color_space, random_state).centers
    seeded = _fit(coarse, coarse_weights, n_colors, color_space, random_state,
                  n_init=_seedings(n_colors))
    if color_space == "rgb":
        return seeded.centers
    points, weights = hist.coarsen(BIN_BITS)
    return _fit(points, weights, n_colors, color_space, random_state,
                init=seeded.centers).centers


def _finish_rgb(hist: ColorHistogram, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd steps on the exact distinct colours, from ``centers`` (RGB, 0–255) until they
    settle (scikit-learn's tolerance) or ``FINISH_STEPS``; the palette rounded to sRGB and
    each colour's nearest entry in it.

    Each step assigns every distinct colour to its nearest centre and moves each centre to
    the weighted mean of its colours: K-means on every pixel, finishing what the bins began.
    The colours are grouped in 8×8×8 cells once; a cell whose colours can only have one
    nearest centre adds its precomputed sums at once, so a step works colour by colour only
    in the cells that straddle a boundary.
    """
    counts = hist.counts.astype(np.float64)
    colors = hist.colors.astype(np.float64)
    weighted = colors * counts[:, None]
    mean = weighted.sum(axis=0) / counts.sum()
    tol = FINISH_TOL * float(counts @ ((colors - mean) ** 2).sum(axis=1)) / counts.sum() / 3
    cells = RGBCells.of(hist.colors)
    n_cells, k = cells.cells.size, len(centers)
    cell_mass = np.bincount(cells.row, weights=counts, minlength=n_cells)
    cell_sums = np.stack([np.bincount(cells.row, weights=weighted[:, j], minlength=n_cells)
                          for j in range(3)], axis=1)
    for _ in range(FINISH_STEPS):
        table, n_candidates = cells.candidates(centers)
        settled = n_candidates == 1
        owner = table[settled, 0]
        mass = np.bincount(owner, weights=cell_mass[settled], minlength=k)
        sums = np.stack([np.bincount(owner, weights=cell_sums[settled, j], minlength=k)
                         for j in range(3)], axis=1)
        open_colors = np.flatnonzero(~settled[cells.row])
        nearest = cells.resolve(open_colors, table, n_candidates, centers)
        mass += np.bincount(nearest, weights=counts[open_colors], minlength=k)
        sums += np.stack([np.bincount(nearest, weights=weighted[open_colors, j], minlength=k)
                          for j in range(3)], axis=1)
        filled = mass > 0  # an emptied centre stays where it was
        moved = centers.copy()
        moved[filled] = sums[filled] / mass[filled, None]
        shift = float(((moved - centers) ** 2).sum())
        centers = moved
        if shift <= tol:
            break
    palette = to_uint8(np.clip(centers / 255.0, 0, 1))
    return palette, cells.nearest(palette)


def _cluster_histogram(hist: ColorHistogram, n_colors: int, color_space: str, random_state
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Cluster a histogram; return sRGB uint8 centres, their pixel counts (unsorted) and,
    when known, the index of each histogram colour's nearest centre.

    Few distinct colours are clustered exactly. Many are first clustered as colour bins
    (see :func:`_binned_centers`); in RGB the result is then finished on the exact colours
    (see :func:`_finish_rgb`), so it is K-means on every pixel.
    """
    if hist.n_colors <= n_colors:
        return hist.colors, hist.counts.astype(np.float64), np.arange(hist.n_colors)
    if hist.n_colors <= MAX_EXACT_COLORS:
        fit = _fit(hist.colors.astype(np.float64), hist.counts, n_colors, color_space,
                   random_state, n_init=_seedings(n_colors))
        centers = to_uint8(np.clip(to_srgb(fit.centers, color_space), 0, 1))
        shares = np.bincount(fit.labels, weights=hist.counts, minlength=n_colors)
        return centers, shares, None
    binned = _binned_centers(hist, n_colors, color_space, random_state)
    centers = to_uint8(np.clip(to_srgb(binned, color_space), 0, 1))
    if color_space != "rgb":
        nearest = nearest_colors(hist.colors, centers, color_space)
        return centers, np.bincount(nearest, weights=hist.counts, minlength=n_colors), nearest
    centers, nearest = _finish_rgb(hist, np.clip(binned, 0, 1) * 255.0)
    return centers, np.bincount(nearest, weights=hist.counts, minlength=n_colors), nearest


def fit_with_nearest(hist: ColorHistogram, n_colors: int, color_space: str, random_state,
                     source: str) -> tuple[Palette, np.ndarray | None]:
    """:func:`fit_palette`, and the index into the palette of each histogram colour's
    nearest palette colour when the fit found it (else ``None``)."""
    hist.require_pixels(source)
    if hist.n_colors < n_colors:
        warnings.warn(
            f"{source}: the image has only {hist.n_colors} distinct colours; "
            f"returning {hist.n_colors} instead of {n_colors}",
            PaletteWarning, stacklevel=5,
        )
    centers, shares, nearest = _cluster_histogram(hist, n_colors, color_space, random_state)
    # Centres that round to the same sRGB colour are one colour: merge their shares.
    distinct, inverse = np.unique(centers, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    merged = np.bincount(inverse, weights=shares, minlength=len(distinct))
    keep = merged > 0
    order, _ = heaviest_first(merged[keep], *distinct[keep].T)
    # position in the final palette of each centre (centres with no pixels are dropped)
    final = np.full(len(distinct), -1)
    final[np.flatnonzero(keep)[order]] = np.arange(order.size)
    palette = Palette(distinct[keep][order], merged[keep][order] / merged.sum(), source,
                      color_space)
    return palette, None if nearest is None else final[inverse[nearest]]


def fit_palette(hist: ColorHistogram, n_colors: int, color_space: str, random_state,
                source: str) -> Palette:
    """The palette of a histogram with pixels, on clean parameters (see
    :func:`palette_from_histogram`)."""
    return fit_with_nearest(hist, n_colors, color_space, random_state, source)[0]


@validated({**PALETTE_CONSTRAINTS, "hist": [InstanceOf(ColorHistogram)]})
def palette_from_histogram(hist: ColorHistogram, n_colors: int = 8, *,
                           color_space: str = DEFAULT_COLOR_SPACE, random_state=0,
                           source: str = "<histogram>") -> Palette:
    """The palette of a colour histogram (see :func:`extract_palette`).

    Examples
    --------
    >>> from pixelmeans.image.histogram import ColorHistogram
    >>> h = ColorHistogram(np.array([[0, 0, 0], [255, 255, 255]], np.uint8), np.array([3, 1]))
    >>> palette_from_histogram(h, 2).weights.tolist()
    [0.75, 0.25]
    """
    return fit_palette(hist, n_colors, color_space, random_state, source)


def load_for_palette(image, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                     full_decode: bool = False) -> RGBImage:
    """The image a palette is taken from: a large JPEG file, bytes or download decoded at
    reduced size (see ``PALETTE_DECODE_PIXELS``) unless ``full_decode``."""
    return as_image(image, max_pixels=max_pixels,
                    draft_pixels=None if full_decode else PALETTE_DECODE_PIXELS)


@validated({**PALETTE_CONSTRAINTS, "max_pixels": [Interval(Integral, 1, None)],
            "full_decode": [Boolean()]})
def extract_palette(
    image,
    n_colors: int = 8,
    *,
    color_space: str = DEFAULT_COLOR_SPACE,
    random_state=0,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    full_decode: bool = False,
) -> Palette:
    """The ``n_colors`` dominant colours of an image, with their shares.

    Parameters
    ----------
    image : path, URL, bytes, file object, PIL image, array or RGBImage
        Anything :func:`pixelmeans.load_image` reads. Transparent pixels never count.
    n_colors : int, default 8
        Colours wanted, 1 to 4096. An image with fewer distinct colours gives that many (and
        a :class:`PaletteWarning`), never duplicates.
    color_space : {"rgb", "lab", "oklab"}, default "rgb"
        Space the colours are clustered in. Results are always sRGB. "rgb" is the default
        because it minimises the error people measure when they redraw the photo with the
        palette (RGB MSE and PSNR); "oklab" and "lab" weight differences as the eye sees them
        and give more distinct, more vivid accent colours at a slightly higher RGB error
        (figures in benchmarks/RESULTS.md).
    random_state : int, RandomState or None, default 0
        Seed; the same image and seed always give the same palette.
    max_pixels : int, default 250 million
        Refuse larger images (see :func:`pixelmeans.load_image`).
    full_decode : bool, default False
        A JPEG (file, bytes or URL) of 2 MP or more is decoded at reduced size by default —
        libjpeg's DCT scaling by 1/2, 1/4 or 1/8, keeping at least 0.5 MP — which is several
        times faster, at a palette whose error over every pixel of the full image stays
        within about 1% of the full decode's (``PALETTE_DECODE_PIXELS``). True decodes every
        pixel.
        Arrays, PIL images and other formats are always taken whole.

    Returns
    -------
    Palette

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((10, 10, 3), dtype=np.uint8)
    >>> img[:, :3] = (255, 0, 0)
    >>> p = extract_palette(img, 2)
    >>> p.hex, np.round(p.weights, 2).tolist()
    (['#000000', '#ff0000'], [0.7, 0.3])
    """
    img = load_for_palette(image, max_pixels=max_pixels, full_decode=full_decode)
    return fit_palette(color_histogram(img), n_colors, color_space, random_state, img.source)
