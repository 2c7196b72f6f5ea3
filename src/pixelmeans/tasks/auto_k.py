"""k chosen for you: the fewest colours that meet a quality target or a file-size budget.

``max_delta_e``: the smallest k whose palette, with every pixel mapped to its nearest
palette colour, has a mean CIEDE2000 error of at most the target (the 95th percentile is
reported too). ``max_bytes`` (quantize): the largest k whose indexed PNG still fits in the
budget — more colours never make the error larger, so that is the smallest error that fits.

The image is counted once (one colour histogram), and k is searched, never swept. The
error falls with k roughly as a power law, so each probe goes where the line through the
two nearest probes in log-log coordinates meets the target (:func:`interpolated_search`):
4 to 8 probes. The probes are cheap: they fit the colours merged into 5-bit bins (at most
32,768 points, one seeding) and measure the error on those bins. The k found is then fitted
once on the whole histogram, as :func:`pixelmeans.extract_palette` does, and its error
measured on every distinct colour; when that misses the target (the bins hide some error),
k grows along the fitted power law and is fitted again.

``max_bytes`` doubles and bisects instead (:func:`smallest_k`): a PNG's size is not smooth
in k.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..cluster.core.fit import fit_kmeans
from ..cluster.core.kernels import assign, row_norms_sq
from ..cluster.core.seeding import as_random_state
from ..errors import InvalidParameterError
from ..image.colorspace import from_srgb, to_srgb, to_uint8
from ..image.difference import delta_e_2000, delta_e_2000_lab, lab_of
from ..image.histogram import ColorHistogram, color_histogram
from ..image.load import as_image
from ..image.nearest import nearest_colors
from ..params import Integral, Interval, Options, Real, validated
from .palette import (
    DEFAULT_COLOR_SPACE,
    PALETTE_CONSTRAINTS,
    Palette,
    fit_palette,
    load_for_palette,
)
from .quantize import Quantized, pixel_colors, redraw

PROBE_BITS = 5
PROBE_EXACT_COLORS = 4096  # fewer distinct colours are probed as they are
DEFAULT_MAX_K = 256
MAX_EXACT_FITS = 4
DEFAULT_SLOPE = 0.45  # error ≈ a·k^-0.45: the bundled photos' curves have 0.3 to 0.5
SAMPLE_PIXELS = 30_000
PROBE_ITERATIONS = 60
BRACKET_SHARE = 0.04
AIM = 0.98  # probes aim a little under the target, so the bracket closes from both sides
# A miss within 1 % of the target is within the noise of one probe's fit (its single seeding
# moves the error by about that much): k is not resolved further.
NOISE_SHARE = 0.01


@dataclass(frozen=True)
class ColorError:
    """CIEDE2000 error of redrawing an image with a palette, over its counted pixels."""

    mean: float
    p95: float


@dataclass(frozen=True)
class AutoK:
    """The k chosen and how it was found.

    Attributes
    ----------
    k : int
        Colours chosen.
    error : ColorError
        Mean and 95th-percentile CIEDE2000 of the image redrawn with the chosen palette.
    target : str
        What was asked, e.g. "mean ΔE2000 ≤ 3" or "PNG ≤ 20,000 bytes".
    met : bool
        False when even the largest k allowed misses the target (the largest is returned).
    probes : list of (k, value)
        Every k tried and what it measured (probe ΔE on bins, or PNG bytes).
    size : int or None
        Bytes of the indexed PNG (``max_bytes`` only).
    """

    k: int
    error: ColorError
    target: str
    met: bool
    probes: list[tuple[int, float]]
    size: int | None = None

    def describe(self) -> str:
        size = "" if self.size is None else f", {self.size:,} bytes"
        verdict = "" if self.met else " (target not reached: the largest k allowed)"
        return (f"k = {self.k} for {self.target}: mean ΔE2000 {self.error.mean:.2f}, "
                f"p95 {self.error.p95:.2f}{size}, {len(self.probes)} k tried{verdict}")


def mapping_error(points: np.ndarray, counts: np.ndarray, palette: np.ndarray,
                  color_space: str) -> ColorError:
    """Mean and 95th percentile (weighted by ``counts``) CIEDE2000 between each colour and
    its nearest palette colour (nearest in ``color_space``, as quantize maps pixels).

    Examples
    --------
    >>> pts = np.array([[0, 0, 0], [255, 255, 255]], np.uint8)
    >>> e = mapping_error(pts, np.array([1, 1]), pts[:1], "rgb")
    >>> round(e.mean, 1), round(e.p95, 1)
    (50.0, 100.0)
    """
    points8 = np.asarray(points, dtype=np.uint8)
    nearest = nearest_colors(points8, palette, color_space)
    delta = delta_e_2000(points8, palette[nearest])
    w = np.asarray(counts, dtype=np.float64)
    order = np.argsort(delta, kind="stable")
    cumulative = np.cumsum(w[order])
    p95 = float(delta[order][np.searchsorted(cumulative, 0.95 * cumulative[-1])])
    return ColorError(float(delta @ w / w.sum()), p95)


def smallest_k(meets: Callable[[int], bool], k_max: int, start: int = 2) -> tuple[int, bool]:
    """The smallest k in ``[1, k_max]`` with ``meets(k)``, for a ``meets`` that stays true
    once true: doubling from ``start``, then bisection. Returns ``(k, met)``; ``(k_max,
    False)`` when no k meets it.

    Examples
    --------
    >>> calls = []
    >>> smallest_k(lambda k: calls.append(k) or k >= 37, 256), len(calls) < 12
    ((37, True), True)
    """
    low, k = 0, min(start, k_max)  # low: largest k known to miss
    while not meets(k):
        low = k
        if k == k_max:
            return k_max, False
        k = min(2 * k, k_max)
    high = k  # smallest k known to meet
    while high - low > 1:
        mid = (low + high) // 2
        if meets(mid):
            high = mid
        else:
            low = mid
    return high, True


def _probe_space(hist: ColorHistogram) -> ColorHistogram:
    """The histogram's colours merged into 5-bit bins (rounded means), for cheap probes."""
    if hist.n_colors <= PROBE_EXACT_COLORS:
        return hist
    means, counts = hist.coarsen(PROBE_BITS)
    return ColorHistogram(np.clip(np.rint(means), 0, 255).astype(np.uint8), counts)


def _pixel_sample(hist: ColorHistogram, random_state) -> tuple[np.ndarray, np.ndarray]:
    """Colours of ``SAMPLE_PIXELS`` pixels drawn at random (as distinct colours with their
    counts), or the whole histogram when it is smaller: an unbiased estimate of the mean
    error over every pixel at a fraction of its cost (standard error about 0.02 ΔE)."""
    if hist.n_colors <= SAMPLE_PIXELS:
        return hist.colors, hist.counts
    rng = as_random_state(random_state)
    cumulative = np.cumsum(hist.counts)
    drawn = np.searchsorted(cumulative, rng.randint(0, cumulative[-1], SAMPLE_PIXELS),
                            side="right")
    rows, counts = np.unique(drawn, return_counts=True)
    return hist.colors[rows], counts


class _Prober:
    """Mean ΔE2000 of a k-colour fit of the probe bins (one seeding), measured on a sample
    of the image's pixels; remembered per k."""

    def __init__(self, hist: ColorHistogram, color_space: str, random_state):
        probe = _probe_space(hist)
        self.n_points, self.space, self.seed = probe.n_colors, color_space, random_state
        self.X = np.ascontiguousarray(from_srgb(probe.colors / 255.0, color_space))
        self.w = probe.counts.astype(np.float64)
        colors, counts = _pixel_sample(hist, random_state)
        self.sample_X = np.ascontiguousarray(from_srgb(colors / 255.0, color_space))
        self.sample_sq = row_norms_sq(self.sample_X)
        self.sample_lab = lab_of(colors)
        self.sample_w = counts / counts.sum()
        self.seen: dict[int, float] = {}

    def __call__(self, k: int) -> float:
        if k not in self.seen:
            fit = fit_kmeans(self.X, min(k, self.n_points), sample_weight=self.w,
                             max_iter=PROBE_ITERATIONS, random_state=self.seed)
            centers = to_uint8(np.clip(to_srgb(fit.centers, self.space), 0, 1))
            C = np.ascontiguousarray(from_srgb(centers / 255.0, self.space),
                                     dtype=self.sample_X.dtype)
            nearest = assign(self.sample_X, self.sample_sq, C).labels
            delta = delta_e_2000_lab(self.sample_lab, lab_of(centers)[nearest])
            self.seen[k] = float(delta @ self.sample_w)
        return self.seen[k]

    def slope(self) -> float:
        """The exponent b of error ≈ a·k^(-b) through the probes (DEFAULT_SLOPE with too few)."""
        ks = np.array([k for k, e in self.seen.items() if e > 0], dtype=np.float64)
        if ks.size < 2:
            return DEFAULT_SLOPE
        errors = np.array([self.seen[int(k)] for k in ks])
        b = -np.polyfit(np.log(ks), np.log(errors), 1)[0]
        return float(np.clip(b, 0.1, 2.0))


def _toward(k_a: int, e_a: float, k_b: int, e_b: float, target: float) -> float:
    """Where error = target on the line through two probes in log-log coordinates."""
    if e_a <= 0 or e_b <= 0 or e_a == e_b or k_a == k_b:
        return (k_a + k_b) / 2
    slope = (np.log(e_b) - np.log(e_a)) / (np.log(k_b) - np.log(k_a))
    return float(np.exp(np.log(k_a) + (np.log(target) - np.log(e_a)) / slope))


def interpolated_search(error: Callable[[int], float], target: float, k_max: int,
                        start: int = 8, max_probes: int = 12) -> tuple[int, bool]:
    """The smallest k in ``[1, k_max]`` with ``error(k) <= target`` for an error that falls
    with k roughly as a power law: each probe is placed where the line through the two
    nearest probes in log-log coordinates meets the target (bisection when that falls
    outside the bracket; from the first probe alone, along the typical slope
    ``DEFAULT_SLOPE``), so a few probes find it, not log2(k_max). Stops when the bracket
    is one k wide or within ``BRACKET_SHARE`` of k, or when the miss below it is within
    ``NOISE_SHARE`` of the target (the fits' own noise is larger than that; then the k
    where the line through the bracket meets the target, for the caller to check).
    Returns ``(k, met)``.

    Examples
    --------
    >>> calls = []
    >>> f = lambda k: calls.append(k) or 40 * k ** -0.6
    >>> interpolated_search(f, 3.0, 256), calls  # 40·k^-0.6 <= 3 from k = 74.99
    ((75, True), [8, 166, 78, 43, 60, 69, 73, 75])
    """
    low, high = 0, None  # largest k known to miss, smallest k known to meet
    points: dict[int, float] = {}
    k = min(start, k_max)
    sides: list[bool] = []
    for _ in range(4 * max_probes):
        points[k] = e = error(k)
        sides.append(e <= target)
        if sides[-1]:
            high = k
        else:
            low = k
            if k == k_max:
                return k_max, False
        if high is not None and high - low <= max(1.0, BRACKET_SHARE * high):
            return high, True
        if high is not None and low > 0 and points[low] <= (1 + NOISE_SHARE) * target:
            # Within the noise: where the two probes' line meets the target, unprobed.
            k = np.ceil(_toward(low, points[low], high, points[high], target))
            return int(np.clip(k, low + 1, high)), True
        # Interpolation creeps up on one side of a curved error; after two probes on the
        # same side of a bracket, bisect instead.
        creeping = high is not None and low > 0 and len(sides) > 2 and \
            sides[-1] == sides[-2] == sides[-3]
        k = (low + high) // 2 if creeping and high is not None else \
            _next_probe(points, low, high, AIM * target, k_max)
    return (high, True) if high is not None else (k_max, False)


def _next_probe(points: dict[int, float], low: int, high: int | None, target: float,
                k_max: int) -> int:
    if high is None:  # no hit yet: extrapolate upwards, at least +50%
        ks = sorted(points)
        if len(ks) > 1:
            guess = _toward(ks[-2], points[ks[-2]], ks[-1], points[ks[-1]], target)
        else:  # one probe: the typical slope of photos' error curves
            guess = ks[-1] * (points[ks[-1]] / target) ** (1 / DEFAULT_SLOPE)
        return int(min(k_max, max(np.ceil(1.5 * low), np.ceil(guess))))
    if low == 0:  # every probe met it: extrapolate downwards
        ks = sorted(points)
        if len(ks) > 1:
            guess = _toward(ks[0], points[ks[0]], ks[1], points[ks[1]], target)
        else:
            guess = ks[0] * (points[ks[0]] / target) ** (1 / DEFAULT_SLOPE)
        return int(max(1, min(high - 1, np.floor(guess))))
    k = int(np.ceil(_toward(low, points[low], high, points[high], target)))
    return k if low < k < high else (low + high) // 2


def _delta_e_search(hist: ColorHistogram, max_delta_e: float, k_max: int, color_space: str,
                    random_state, source: str) -> tuple[Palette, AutoK]:
    prober = _Prober(hist, color_space, random_state)
    k_max = min(k_max, hist.n_colors)
    k, _ = interpolated_search(prober, max_delta_e, k_max)
    probes: list[tuple[int, float]] = list(prober.seen.items())
    for _ in range(MAX_EXACT_FITS):  # the exact fit; grown along the power law if it misses
        palette = fit_palette(hist, k, color_space, random_state, source)
        error = mapping_error(hist.colors, hist.counts, palette.colors, color_space)
        probes.append((k, error.mean))
        met = error.mean <= max_delta_e
        if met or k >= k_max:
            break
        grown = k * (error.mean / max_delta_e) ** (1 / prober.slope()) * 1.02
        k = int(min(k_max, max(k + 1, np.ceil(grown))))
    return palette, AutoK(len(palette), error, f"mean ΔE2000 ≤ {max_delta_e:g}", met, probes)


def _check_targets(max_delta_e, max_bytes) -> None:
    if (max_delta_e is None) == (max_bytes is None):
        msg = "k auto needs exactly one target: max_delta_e (--max-delta-e) or max_bytes " \
              "(--max-bytes)"
        raise InvalidParameterError(msg)


@validated({"max_delta_e": [Interval(Real, 0, 100, closed="neither")],
            "k_max": [Interval(Integral, 1, 4096)],
            "color_space": PALETTE_CONSTRAINTS["color_space"],
            "random_state": PALETTE_CONSTRAINTS["random_state"]})
def auto_palette(image, max_delta_e: float = 3.0, *, k_max: int = DEFAULT_MAX_K,
                 color_space: str = DEFAULT_COLOR_SPACE, random_state=0,
                 **load_options) -> tuple[Palette, AutoK]:
    """The palette with the fewest colours whose mean CIEDE2000 error is at most
    ``max_delta_e`` when every pixel is mapped to its nearest palette colour.

    Parameters
    ----------
    image : anything :func:`pixelmeans.extract_palette` reads
    max_delta_e : float, default 3
        The target mean CIEDE2000 (about 1 is a just-noticeable difference, 2–3 a close
        match, 5–6 a visible one).
    k_max : int, default 256
        The most colours to try.
    **load_options
        ``max_pixels``, ``full_decode`` (see :func:`pixelmeans.extract_palette`).

    Returns
    -------
    palette : Palette
    report : AutoK
        The k, its mean and 95th-percentile ΔE2000, and the k tried.

    Examples
    --------
    >>> img = np.zeros((8, 8, 3), np.uint8); img[:, 4:] = (200, 30, 30); img[:2] = 90
    >>> palette, report = auto_palette(img, 1.0)
    >>> report.k, report.met, report.error.mean
    (3, True, 0.0)
    """
    img = load_for_palette(image, **load_options)
    hist = color_histogram(img)
    hist.require_pixels(img.source)
    return _delta_e_search(hist, max_delta_e, k_max, color_space, random_state, img.source)


@validated({"max_delta_e": [Interval(Real, 0, 100, closed="neither"), Options((None,))],
            "max_bytes": [Interval(Integral, 1, None), Options((None,))],
            "k_max": [Interval(Integral, 1, 256)],
            "color_space": PALETTE_CONSTRAINTS["color_space"],
            "random_state": PALETTE_CONSTRAINTS["random_state"]})
def auto_quantize(image, *, max_delta_e: float | None = None, max_bytes: int | None = None,
                  k_max: int = DEFAULT_MAX_K, color_space: str = DEFAULT_COLOR_SPACE,
                  random_state=0) -> tuple[Quantized, AutoK]:
    """Quantize with k chosen for a target: the fewest colours with mean CIEDE2000 at
    most ``max_delta_e``, or the most colours (the smallest error) whose indexed PNG fits
    in ``max_bytes``. Give exactly one.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> img = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    >>> q, report = auto_quantize(img, max_bytes=3000)
    >>> len(q.encode()) <= 3000, report.k == len(q.palette)
    (True, True)
    """
    _check_targets(max_delta_e, max_bytes)
    img = as_image(image)
    colors = pixel_colors(img)
    hist = colors.hist
    hist.require_pixels(img.source)
    if max_delta_e is not None:
        palette, report = _delta_e_search(hist, max_delta_e, k_max, color_space,
                                          random_state, img.source)
        return redraw(img, len(palette), color_space=color_space, dither=False,
                      palette=palette, random_state=random_state, colors=colors), report
    return _bytes_search(img, colors, int(max_bytes), min(k_max, hist.n_colors),  # type: ignore[arg-type]
                         color_space, random_state)


def _bytes_search(img, colors, max_bytes: int, k_max: int, color_space: str,
                  random_state) -> tuple[Quantized, AutoK]:
    probes: list[tuple[int, float]] = []
    drawn: dict[int, tuple[Quantized, int]] = {}

    def too_big(k: int) -> bool:  # true from some k on: find the first, keep the one before
        q = redraw(img, k, color_space=color_space, dither=False, palette=None,
                   random_state=random_state, colors=colors)
        size = len(q.encode())
        drawn[k] = (q, size)
        probes.append((k, float(size)))
        return size > max_bytes

    first_too_big, any_too_big = smallest_k(too_big, k_max)
    k = first_too_big - 1 if any_too_big else k_max
    if k < 1:
        size = drawn[1][1]
        msg = (f"{img.source}: even 1 colour takes {size:,} bytes as a PNG, over "
               f"max_bytes={max_bytes:,}")
        raise InvalidParameterError(msg)
    if k not in drawn:
        too_big(k)
    q, size = drawn[k]
    hist = colors.hist
    error = mapping_error(hist.colors, hist.counts, q.palette.colors, color_space)
    return q, AutoK(len(q.palette), error, f"PNG ≤ {max_bytes:,} bytes", True, probes, size)
