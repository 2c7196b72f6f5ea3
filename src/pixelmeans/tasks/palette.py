"""The palette job: the k dominant colours of an image and their shares.

The image's exact colour histogram is clustered with the pixel counts as weights (see
:mod:`.color_fit`), which is K-means on the pixels themselves; a palette is the centres,
rounded to sRGB, with the share of the pixels nearest to each, heaviest first. It can also
be given (hex codes, a palette file), keep locked colours, and leave named colours out.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from ..cluster.core.fixed import fit_kmeans_fixed
from ..errors import InvalidParameterError
from ..files.atomic import write_atomically
from ..files.read import read_regular_file
from ..image.alpha import LOADER_ALPHA, with_alpha_threshold
from ..image.colorspace import COLOR_SPACES, from_srgb, parse_hex, to_hex, to_srgb, to_uint8
from ..image.cylindrical import rgb_to_oklch
from ..image.exclusion import DEFAULT_WITHIN, excluded_colors, without_colors
from ..image.histogram import ColorHistogram, color_histogram
from ..image.load import DEFAULT_MAX_PIXELS, ImageContentWarning, RGBImage, as_image
from ..image.ranking import heaviest_first
from ..params import (
    Boolean,
    Constraints,
    InstanceOf,
    Integral,
    Interval,
    Options,
    RandomStates,
    Real,
    validated,
)
from ..render import palette_formats
from ..render.cards import palette_card
from ..render.palette_files import BINARY_FORMATS, palette_bytes, read_palette
from ..render.pictures import swatch
from .color_fit import BIN_BITS, MAX_EXACT_COLORS, cluster_histogram

# A JPEG is decoded at the smallest DCT scale (1/2, 1/4, 1/8) keeping this many pixels: on
# the 12 MP benchmark photo (decoded at 1/4) the palette's error over every pixel of the full
# image was within 0.6% of the full decode's in RGB for k = 8 to 256 (-6% to +2% in OKLab,
# the spread between random seeds), at a quarter of the decoding and counting time.
PALETTE_DECODE_PIXELS = 500_000
DEFAULT_COLOR_SPACE = "rgb"
SORT_KEYS = ("share", "lightness", "hue")
LOCKED_SEEDINGS = 3  # seedings of a fit around locked colours (the best is kept)
# Suffix of a palette file, and the format it is saved in.
FILE_FORMATS = {".json": "json", ".css": "css", ".gpl": "gpl", ".txt": "hex", ".hex": "hex",
                ".scss": "scss", **{suffix: fmt for fmt, suffix in BINARY_FORMATS.items()}}


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
    locked: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.colors.shape[0])

    @property
    def shares(self) -> np.ndarray:
        """Share of the counted pixels nearest to each colour (the same as ``weights``)."""
        return self.weights

    def sorted(self, by: str = "share") -> Palette:
        """The palette reordered: by ``"share"`` (heaviest first), ``"lightness"`` (OKLCH
        lightness, lightest first) or ``"hue"`` (OKLCH hue angle from red, greys last, then
        lightest first).

        Examples
        --------
        >>> p = Palette(np.array([[0, 0, 0], [255, 255, 255]], np.uint8), np.array([0.6, 0.4]))
        >>> p.sorted("lightness").hex
        ['#ffffff', '#000000']
        """
        if by not in SORT_KEYS:
            msg = f"sort by one of {', '.join(SORT_KEYS)}; got {by!r}"
            raise InvalidParameterError(msg)
        lch = rgb_to_oklch(self.colors)
        if by == "share":
            order = np.lexsort((-lch[:, 0], -self.weights))
        elif by == "lightness":
            order = np.lexsort((-self.weights, -lch[:, 0]))
        else:
            grey = lch[:, 1] < 0.02
            order = np.lexsort((-lch[:, 0], np.where(grey, 999.0, lch[:, 2])))
        locked = None if self.locked is None else self.locked[order]
        return Palette(self.colors[order], self.weights[order], self.source, self.color_space,
                       locked)

    @property
    def hex(self) -> list[str]:
        """Colours as ``#rrggbb``."""
        return to_hex(self.colors)

    def to_dict(self) -> dict:
        """``{"source": ..., "colors": [{"hex", "rgb", "share", "weight"}, ...]}`` ("weight"
        repeats "share" for older readers); locked colours carry ``"locked": true``."""
        out = palette_formats.palette_dict(self.hex, self.colors, self.weights, self.source)
        if self.locked is not None:
            for entry, locked in zip(out["colors"], self.locked, strict=True):
                entry["locked"] = bool(locked)
        return out

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
        colour with ``color_blocks``), ``"json"``, ``"css"``, ``"gpl"``, ``"hex"``,
        ``"scss"`` or ``"tailwind"`` (v4 ``@theme`` variables with 50–950 shades)."""
        if fmt in BINARY_FORMATS:
            msg = f"{fmt} is a binary format: use Palette.to_bytes({fmt!r}) or Palette.save"
            raise InvalidParameterError(msg)
        if fmt == "json":
            return json.dumps(self.to_dict(), indent=2) + "\n"
        return palette_formats.format_palette(fmt, self.hex, self.colors, self.weights,
                                              self.source, color_blocks=color_blocks)

    def to_bytes(self, fmt: str) -> bytes:
        """The palette as a file's bytes: any text format of :meth:`format` (UTF-8), or
        ``"ase"`` (Adobe Swatch Exchange), ``"swatches"`` (Procreate, at most 30 colours),
        ``"sketch"`` (Sketch's ``.sketchpalette``)."""
        if fmt in BINARY_FORMATS:
            names = [f"{h} ({w:.1%})" for h, w in zip(self.hex, self.weights, strict=True)]
            return palette_bytes(fmt, self.colors, names, f"pixelmeans {self.source}")
        return self.format(fmt).encode()

    def save(self, path: str | os.PathLike, fmt: str | None = None, *,
             overwrite: bool = False) -> Path:
        """Write the palette to ``path`` atomically, in ``fmt`` or the format its suffix
        names (.json, .css, .gpl, .txt/.hex, .scss, .ase, .swatches, .sketchpalette).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> p = Palette(np.array([[255, 102, 0]], np.uint8), np.array([1.0]))
        >>> path = p.save(pathlib.Path(tempfile.mkdtemp()) / "brand.ase")
        >>> as_palette(path).hex
        ['#ff6600']
        """
        fmt = fmt or palette_file_format(path)
        data = self.to_bytes(fmt)
        return write_atomically(path, lambda tmp: tmp.write_bytes(data), overwrite=overwrite)

    def swatch(self, width: int = 600, height: int = 100, *,
               proportional: bool = True) -> Image.Image:
        """A PIL image of the colours side by side, as wide as their shares when proportional.

        Every colour gets at least one pixel column.
        """
        shares = self.weights if proportional else np.full(len(self), 1 / len(self))
        return swatch(self.colors, shares, width, height)

    # In notebooks (render/notebook.py draws them).
    def _repr_html_(self) -> str:
        from ..render import notebook

        return notebook.palette_html(self.hex, self.colors, self.weights, self.source)

    def _repr_png_(self) -> bytes:
        from ..render import notebook

        return notebook.png_bytes(self.swatch())

    def to_pandas(self):
        """The colours as a ``pandas.DataFrame``: hex, r, g, b, share (needs pandas)."""
        from ..render import notebook

        return notebook.data_frame(notebook.palette_rows(self.hex, self.colors, self.weights))
    def card(self, width: int = 720) -> Image.Image:
        """A palette card: one tile per colour (in this palette's order) with its hex code
        and share written in a text colour that reads on it (WCAG contrast ≥ 4.5), and a
        strip of the shares underneath. Locked colours are marked with a lock sign."""
        return palette_card(self.colors, self.weights, width=width, title=self.source,
                            locked=self.locked)


def palette_file_format(path: str | os.PathLike) -> str:
    """The palette format a file's suffix names, or a clear error.

    Examples
    --------
    >>> palette_file_format("brand.ase"), palette_file_format("colors.txt")
    ('ase', 'hex')
    """
    fmt = FILE_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        msg = f"{path}: palette files are {', '.join(sorted(FILE_FORMATS))}"
        raise InvalidParameterError(msg)
    return fmt


MAX_PALETTE_COLORS = 4096  # asked for (n_colors) or given (a palette file, hex codes)
MAX_PALETTE_FILE_BYTES = 1 << 24


def given_colors(value, *, name: str = "palette") -> np.ndarray:
    """Colours given by a person, as an ``(m, 3)`` uint8 array with duplicates removed
    (first kept, order kept): the one reader of "a palette given by the user".

    ``value`` may be a :class:`Palette`; a path to a palette file (.gpl, .json, .txt/.hex,
    .css, .scss, .ase, .swatches, .sketchpalette); hex codes (a list, or one string with
    codes separated by commas or spaces); or an array of RGB triples (integers 0–255, or
    floats in [0, 1]).

    Examples
    --------
    >>> given_colors(["#000000", "#fff", "#000"]).tolist()
    [[0, 0, 0], [255, 255, 255]]
    >>> given_colors("#ff6600,#003366").tolist()
    [[255, 102, 0], [0, 51, 102]]
    """
    if isinstance(value, Palette):
        colors = value.colors
    elif isinstance(value, str) and not value.strip():  # Path("") would be the folder "."
        msg = f"{name}: no colours given (an empty string)"
        raise InvalidParameterError(msg)
    elif isinstance(value, str) and "#" in value and not Path(value).exists():
        colors = np.array([parse_hex(t) for t in value.replace(",", " ").split()], np.uint8)
    elif isinstance(value, str | os.PathLike):
        if not Path(value).exists():
            msg = f"{name}: {str(value)!r} is neither hex codes (#rrggbb) nor a palette file"
            raise InvalidParameterError(msg)
        data = read_regular_file(value, max_bytes=MAX_PALETTE_FILE_BYTES,
                                 error=InvalidParameterError)
        colors = read_palette(data, str(value))
    elif isinstance(value, Sequence) and value and all(isinstance(v, str) for v in value):
        colors = np.array([parse_hex(v) for v in value], dtype=np.uint8)
    else:
        colors = _color_array(value, name)
    colors = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)
    if colors.shape[0] == 0:
        msg = f"{name}: no colours given"
        raise InvalidParameterError(msg)
    _, first = np.unique(colors, axis=0, return_index=True)
    if len(first) > MAX_PALETTE_COLORS:
        where = str(value) if isinstance(value, str | os.PathLike) and len(str(value)) < 200 \
            else name
        msg = (f"{where}: {len(first):,} colours; a palette holds at most "
               f"{MAX_PALETTE_COLORS}")
        raise InvalidParameterError(msg)
    return colors[np.sort(first)]


def _color_array(value, name: str) -> np.ndarray:
    a = np.asarray(value)
    if a.ndim != 2 or a.shape[1] != 3 or a.shape[0] == 0 or a.dtype.kind not in "uif":
        msg = (f"{name}: expected hex codes, a palette file or an (m, 3) array of RGB values; "
               f"got {type(value).__name__}")
        raise InvalidParameterError(msg)
    if a.dtype.kind == "f":
        if not np.all(np.isfinite(a)) or a.min() < 0 or a.max() > 1:
            msg = f"{name}: float colours must lie in [0, 1]"
            raise InvalidParameterError(msg)
        return to_uint8(a)
    if a.min() < 0 or a.max() > 255:
        msg = f"{name}: integer colours must lie in [0, 255]"
        raise InvalidParameterError(msg)
    return a.astype(np.uint8)


def as_palette(value, *, source: str = "<given palette>") -> Palette:
    """A palette given by a person (see :func:`given_colors`) as a :class:`Palette` of
    equal shares; a :class:`Palette` is returned as it is.

    Examples
    --------
    >>> as_palette(["#000000", "#ffffff"]).hex
    ['#000000', '#ffffff']
    """
    if isinstance(value, Palette):
        return value
    colors = given_colors(value)
    if isinstance(value, str | os.PathLike) and Path(value).exists():
        source = str(value)
    return Palette(colors, np.full(len(colors), 1 / len(colors)), source)


PALETTE_CONSTRAINTS: Constraints = {
    "n_colors": [Interval(Integral, 1, MAX_PALETTE_COLORS)],
    "color_space": [Options(COLOR_SPACES)],
    "random_state": [RandomStates()],
}


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
    centers, shares, nearest = cluster_histogram(hist, n_colors, color_space, random_state)
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
                source: str, fixed_colors: np.ndarray | None = None) -> Palette:
    """The palette of a histogram with pixels, on clean parameters (see
    :func:`palette_from_histogram`); ``fixed_colors`` an ``(m, 3)`` uint8 array or None."""
    if fixed_colors is not None and len(fixed_colors):
        return _fit_with_fixed(hist, n_colors, color_space, random_state, source, fixed_colors)
    return fit_with_nearest(hist, n_colors, color_space, random_state, source)[0]


# -- locked colours: fixed centres in the engine ---------------------------------------------
def _fit_with_fixed(hist: ColorHistogram, n_colors: int, color_space: str, random_state,
                    source: str, fixed: np.ndarray) -> Palette:
    """The palette with ``fixed`` colours kept exactly and the others fitted around them."""
    hist.require_pixels(source)
    if n_colors < len(fixed):
        msg = f"n_colors={n_colors} is fewer than the {len(fixed)} locked colours"
        raise InvalidParameterError(msg)
    if hist.n_colors <= MAX_EXACT_COLORS:
        points, weights = hist.colors.astype(np.float64), hist.counts.astype(np.float64)
    else:
        points, weights = hist.coarsen(BIN_BITS)
        weights = weights.astype(np.float64)
    X = np.ascontiguousarray(from_srgb(points / 255.0, color_space))
    F = np.ascontiguousarray(from_srgb(fixed / 255.0, color_space), dtype=X.dtype)
    n_free = min(n_colors - len(fixed), X.shape[0])
    fit = fit_kmeans_fixed(X, F, len(fixed) + n_free, sample_weight=weights,
                           n_init=LOCKED_SEEDINGS, random_state=random_state)
    free = to_uint8(np.clip(to_srgb(fit.centers[len(fixed):], color_space), 0, 1))
    centers = np.concatenate([fixed, free])
    shares = np.bincount(fit.labels, weights=weights, minlength=len(centers))
    # A free centre that rounds to a locked colour (or to another free one) is that colour.
    distinct, first, inverse = np.unique(centers, axis=0, return_index=True,
                                         return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=shares, minlength=len(distinct))
    locked = first < len(fixed)
    keep = (merged > 0) | locked
    distinct, merged, locked = distinct[keep], merged[keep], locked[keep]
    order, _ = heaviest_first(merged, distinct[:, 0], distinct[:, 1], distinct[:, 2])
    return Palette(distinct[order], merged[order] / merged.sum(), source, color_space,
                   locked[order])


# -- filtering: what counts -------------------------------------------------------------------
def filtered(hist: ColorHistogram, exclude: Sequence[str] | None, within: float,
             source: str) -> ColorHistogram:
    """The histogram without the colours near those named in ``exclude`` ("white", "black",
    hex codes); the whole histogram, with a warning, when nothing else is left."""
    if not exclude:
        return hist
    kept = without_colors(hist, excluded_colors(exclude), within)
    if kept.n_pixels == 0 and hist.n_pixels > 0:
        warnings.warn(f"{source}: every pixel is within ΔE2000 {within:g} of "
                      f"{', '.join(exclude)}; nothing excluded", PaletteWarning, stacklevel=3)
        return hist
    return kept


@validated({**PALETTE_CONSTRAINTS, "hist": [InstanceOf(ColorHistogram)]})
def palette_from_histogram(hist: ColorHistogram, n_colors: int = 8, *,
                           color_space: str = DEFAULT_COLOR_SPACE, random_state=0,
                           source: str = "<histogram>", fixed_colors=None) -> Palette:
    """The palette of a colour histogram (see :func:`extract_palette`).

    Examples
    --------
    >>> from pixelmeans.image.histogram import ColorHistogram
    >>> h = ColorHistogram(np.array([[0, 0, 0], [255, 255, 255]], np.uint8), np.array([3, 1]))
    >>> palette_from_histogram(h, 2).weights.tolist()
    [0.75, 0.25]
    """
    fixed = None if fixed_colors is None else given_colors(fixed_colors, name="fixed_colors")
    return fit_palette(hist, n_colors, color_space, random_state, source, fixed)


def load_for_palette(image, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                     full_decode: bool = False, min_alpha: int = LOADER_ALPHA) -> RGBImage:
    """The image a palette is taken from: a large JPEG file, bytes or download decoded at
    reduced size (see ``PALETTE_DECODE_PIXELS``) unless ``full_decode``; pixels with alpha
    of at least ``min_alpha`` count (a palette writes no pixels, so the loader's warning
    that partial transparency is written as on or off does not apply)."""
    draft = None if full_decode else PALETTE_DECODE_PIXELS
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*partly transparent", ImageContentWarning)
        if min_alpha != LOADER_ALPHA:
            return with_alpha_threshold(image, min_alpha, max_pixels=max_pixels,
                                        draft_pixels=draft)
        return as_image(image, max_pixels=max_pixels, draft_pixels=draft)


@validated({**PALETTE_CONSTRAINTS, "max_pixels": [Interval(Integral, 1, None)],
            "full_decode": [Boolean()], "exclude_within": [Interval(Real, 0, 100)],
            "min_alpha": [Interval(Integral, 0, 255)]})
def extract_palette(
    image,
    n_colors: int = 8,
    *,
    color_space: str = DEFAULT_COLOR_SPACE,
    random_state=0,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    full_decode: bool = False,
    fixed_colors=None,
    exclude: Sequence[str] | None = None,
    exclude_within: float = DEFAULT_WITHIN,
    min_alpha: int = LOADER_ALPHA,
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
    fixed_colors : hex codes, array of RGB triples or palette file, optional
        Locked (brand) colours: they are in the palette exactly, and K-means fits the other
        ``n_colors - len(fixed_colors)`` colours around them (fixed centres in every
        assignment step, not a swap after the fit). Marked in ``Palette.locked``.
    exclude : list of "white", "black" or hex codes, optional
        Leave out pixels within ΔE2000 ``exclude_within`` of these colours (a white
        backdrop, a black border). Off by default: the palette is of the whole image. If
        nothing would be left, nothing is excluded (with a :class:`PaletteWarning`).
    exclude_within : float, default 10
        The CIEDE2000 distance that counts as "near" for ``exclude``.
    min_alpha : int, default 128
        Pixels with at least this opacity (0-255) count; 255 counts only fully opaque
        pixels, 0 every pixel.

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
    fixed = None if fixed_colors is None else given_colors(fixed_colors, name="fixed_colors")
    img = load_for_palette(image, max_pixels=max_pixels, full_decode=full_decode,
                           min_alpha=min_alpha)
    hist = filtered(color_histogram(img), exclude, exclude_within, img.source)
    return fit_palette(hist, n_colors, color_space, random_state, img.source, fixed)
