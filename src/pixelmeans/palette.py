"""The palette job: the k dominant colours of an image and their shares.

The image's exact colour histogram is clustered with the pixel counts as weights, which is
K-means on the pixels themselves at the cost of K-means on the distinct colours. Photos with
very many distinct colours are first merged into colour bins, whose weighted means are
clustered: the best of a few seedings on 5-bit bins, refined on 6-bit bins (never more than
4 levels apart).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .checks import check_color_space, check_int
from .cluster import KMeans
from .color import from_srgb, to_hex, to_srgb, to_uint8
from .errors import InvalidParameterError
from .histogram import ColorHistogram, color_histogram
from .io import as_image

# Above this many distinct colours, cluster colour bins instead of exact colours: seed on
# 5-bit bins (about 10k at most in photos), refine on 6-bit bins (at most 4 levels wide).
MAX_EXACT_COLORS = 20_000
BIN_BITS = 6
COARSE_SEEDINGS = 3
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
        return {
            "source": self.source,
            "colors": [
                {"hex": h, "rgb": [int(v) for v in rgb], "weight": round(float(w), 6)}
                for h, rgb, w in zip(self.hex, self.colors, self.weights, strict=True)
            ],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(), indent=indent)

    def to_css(self, prefix: str = "color") -> str:
        """CSS custom properties in a ``:root`` rule, one per colour with its share."""
        lines = [":root {"]
        lines += [f"  --{prefix}-{i}: {h}; /* {w:.1%} */"
                  for i, (h, w) in enumerate(zip(self.hex, self.weights, strict=True), 1)]
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_gpl(self, name: str | None = None) -> str:
        """A GIMP palette (``.gpl``) with one named entry per colour."""
        title = name or f"pixelmeans {self.source}"
        lines = ["GIMP Palette", f"Name: {title}", "Columns: 8", "#"]
        lines += [f"{r:3d} {g:3d} {b:3d}\t{h} ({w:.1%})"
                  for (r, g, b), h, w in zip(self.colors.tolist(), self.hex, self.weights,
                                             strict=True)]
        return "\n".join(lines) + "\n"

    def swatch(self, width: int = 600, height: int = 100, *, proportional: bool = True):
        """A PIL image of the colours side by side, as wide as their shares when proportional.

        Every colour gets at least one pixel column.
        """
        if width < len(self) or height < 1:
            msg = f"swatch of {width}×{height} is too small for {len(self)} colours"
            raise InvalidParameterError(msg)
        shares = self.weights if proportional else np.full(len(self), 1 / len(self))
        edges = np.rint(np.cumsum(np.concatenate([[0.0], shares])) * width).astype(int)
        edges = np.maximum(edges, np.arange(len(self) + 1))  # at least 1 px each
        edges = np.minimum(edges, width - (len(self) - np.arange(len(self) + 1)))
        edges[-1] = width
        columns = np.repeat(np.arange(len(self)), np.diff(edges))
        row = self.colors[columns]
        return Image.fromarray(np.ascontiguousarray(np.broadcast_to(row, (height, width, 3))))


def _check(n_colors, color_space):
    check_int("n_colors", n_colors, 1, 4096)
    check_color_space(color_space)


def _fit(points, weights, n_colors, color_space, random_state, *, init="k-means++",
         n_init="auto"):
    X = from_srgb(points / 255.0, color_space)
    return KMeans(n_colors, init=init, n_init=n_init, random_state=random_state).fit(
        X, sample_weight=weights)


def _from_histogram(hist: ColorHistogram, n_colors: int, color_space: str, random_state):
    """Cluster a histogram; return sRGB uint8 centres and their pixel counts (unsorted).

    Few distinct colours are clustered exactly. Many are first merged into 5-bit bins, where
    a few seedings are cheap and the best is kept, then refined on 6-bit bins.
    """
    if hist.n_colors <= n_colors:
        return hist.colors, hist.counts.astype(np.float64)
    if hist.n_colors <= MAX_EXACT_COLORS:
        points, weights = hist.colors.astype(np.float64), hist.counts
        km = _fit(points, weights, n_colors, color_space, random_state, n_init=COARSE_SEEDINGS)
    else:
        coarse, coarse_weights = hist.coarsen(BIN_BITS - 1)
        seeded = _fit(coarse, coarse_weights, n_colors, color_space, random_state,
                      n_init=COARSE_SEEDINGS) if len(coarse) >= n_colors else None
        points, weights = hist.coarsen(BIN_BITS)
        if seeded is None:
            km = _fit(points, weights, n_colors, color_space, random_state)
        else:
            km = _fit(points, weights, n_colors, color_space, random_state,
                      init=seeded.cluster_centers_)
    centers = to_uint8(np.clip(to_srgb(km.cluster_centers_, color_space), 0, 1))
    shares = np.bincount(km.labels_, weights=weights, minlength=n_colors)
    return centers, shares


def palette_from_histogram(hist: ColorHistogram, n_colors: int = 8, *,
                           color_space: str = DEFAULT_COLOR_SPACE, random_state=0,
                           source: str = "<histogram>") -> Palette:
    """The palette of a colour histogram (see :func:`extract_palette`).

    Examples
    --------
    >>> from pixelmeans.histogram import ColorHistogram
    >>> h = ColorHistogram(np.array([[0, 0, 0], [255, 255, 255]], np.uint8), np.array([3, 1]))
    >>> palette_from_histogram(h, 2).weights.tolist()
    [0.75, 0.25]
    """
    _check(n_colors, color_space)
    if hist.n_pixels == 0:
        msg = f"{source}: no opaque pixels to take colours from"
        raise InvalidParameterError(msg)
    if hist.n_colors < n_colors:
        warnings.warn(
            f"{source}: the image has only {hist.n_colors} distinct colours; "
            f"returning {hist.n_colors} instead of {n_colors}",
            PaletteWarning, stacklevel=3,
        )
    centers, shares = _from_histogram(hist, n_colors, color_space, random_state)
    # Centres that round to the same sRGB colour are one colour: merge their shares.
    distinct, inverse = np.unique(centers, axis=0, return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=shares, minlength=len(distinct))
    keep = merged > 0
    distinct, merged = distinct[keep], merged[keep]
    order = np.lexsort((distinct[:, 2], distinct[:, 1], distinct[:, 0], -merged))
    return Palette(distinct[order], merged[order] / merged.sum(), source, color_space)


def extract_palette(
    image,
    n_colors: int = 8,
    *,
    color_space: str = DEFAULT_COLOR_SPACE,
    random_state=0,
) -> Palette:
    """The ``n_colors`` dominant colours of an image, with their shares.

    Parameters
    ----------
    image : path, URL, bytes, file object, PIL image, array or RGBImage
        Anything :func:`pixelmeans.io.load_image` reads. Transparent pixels never count.
    n_colors : int, default 8
        Colours wanted. An image with fewer distinct colours gives that many (and a
        :class:`PaletteWarning`), never duplicates.
    color_space : {"rgb", "lab", "oklab"}, default "rgb"
        Space the colours are clustered in. Results are always sRGB. "rgb" is the default
        because it minimises the error people measure when they redraw the photo with the
        palette (RGB MSE and PSNR); "oklab" and "lab" weight differences as the eye sees them
        and give more distinct, more vivid accent colours at a slightly higher RGB error
        (figures in benchmarks/RESULTS.md).
    random_state : int, RandomState or None, default 0
        Seed; the same image and seed always give the same palette.

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
    _check(n_colors, color_space)
    img = as_image(image)
    return palette_from_histogram(color_histogram(img), n_colors, color_space=color_space,
                                  random_state=random_state, source=img.source)
