"""K-means of a colour histogram: the centres of an image's colours, weighted by their pixel
counts, which is K-means on the pixels themselves at the cost of K-means on the distinct
colours.

Few distinct colours are clustered exactly. Photos with very many are first clustered as
colour bins (the best of a few seedings on 5-bit bins); in RGB the centres are then finished
by K-means on the exact distinct colours, elsewhere refined on 6-bit bins. The palette job
(:mod:`.palette`) turns the centres into a :class:`~pixelmeans.Palette`.
"""

from __future__ import annotations

import numpy as np

from ..cluster.core.fit import KMeansResult, fit_kmeans
from ..cluster.core.seeding import as_random_state
from ..image.colorspace import from_srgb, to_srgb, to_uint8
from ..image.histogram import ColorHistogram
from ..image.nearest import nearest_colors, nearest_rgb

# Above this many distinct colours, cluster colour bins instead of exact colours: seed on
# 5-bit bins (about 10k at most in photos), refine on 6-bit bins (at most 4 levels wide).
MAX_EXACT_COLORS = 20_000
BIN_BITS = 6
# Seedings tried on 5-bit bins for a small k, the largest k counted as small, and the
# seedings above it. At k = 64 three seedings left three of the seven benchmark photos
# 1.1-2.1% above scikit-learn's MSE (its K-means on every pixel, one run); eight brought
# every photo within 0.5% (`benchmarks/bench_jobs.py`), for about 0.2 s more at 12 MP.
# Above 64 the exact finish decides: at k = 256 one seeding instead of three cost 0.005 dB
# of PSNR on the 12 MP mosaic and 0.013 dB on the 4 MP photo, and saved 0.6 s at 12 MP.
COARSE_SEEDINGS = (8, 64, 1)
# The RGB fit is finished by K-means on the exact distinct colours (the engine's bound-based
# Lloyd, weighted by pixel counts, in float32: whole values), which is K-means on every
# pixel. The best coarse seedings are each finished for FINISH_STEPS steps, as many as
# FINISH_CANDIDATES_WORK (distinct colours × k) and FINISH_WORK (distinct colours × steps)
# allow; the best of them runs on until it settles or its steps reach FINISH_WORK / distinct
# colours (FINISH_STEPS at least, 300 at most, as scikit-learn's max_iter). The bin error
# ranks seedings poorly: on coffee at k = 16 the best seeding on bins ended 1.2% above
# scikit-learn, the best of five finished 0.5%, and so did the best of the first three
# (FINISH_MOST_TRIED; trying up to eight made no photo better and the palette of the bundled
# cat photo 0.16 s instead of 0.08 s). Photos of up to ~100k colours run to
# convergence; the 12 MP mosaic (579k colours) gets 10 steps (within 0.2% of its converged
# error at k = 64, for 1 s less). The engine's steps took 0.6× the time of the 8×8×8-cell
# Lloyd steps used before, from k = 16 to 256.
FINISH_STEPS = 10
FINISH_WORK = 6_000_000
FINISH_CANDIDATES_WORK = 8_000_000
FINISH_MOST_TRIED = 3
FINISH_TOL = 1e-4  # of the mean channel variance, as scikit-learn's KMeans


def _fit_centers(points, weights, n_colors, color_space, random_state, *, init="k-means++",
                 n_init=1, max_iter=300, algorithm="auto") -> KMeansResult:
    """K-means of sRGB ``points`` (0–255) with ``weights``, in ``color_space``."""
    X = np.ascontiguousarray(from_srgb(points / 255.0, color_space))
    return fit_kmeans(X, n_colors, sample_weight=np.asarray(weights, dtype=np.float64),
                      init=init, n_init=n_init, max_iter=max_iter, algorithm=algorithm,
                      random_state=random_state)


def _seedings(n_colors: int) -> int:
    many, up_to, few = COARSE_SEEDINGS
    return many if n_colors <= up_to else few


def coarse_seedings(hist: ColorHistogram, n_colors: int, color_space: str, random_state
                    ) -> list[np.ndarray]:
    """Centres (in ``color_space``) of a few K-means fits on 5-bit colour bins, each from
    its own k-means++ seeding, the lowest bin error first.

    Examples
    --------
    >>> from pixelmeans.image.histogram import color_histogram
    >>> pixels = np.random.default_rng(0).integers(0, 256, (100, 100, 3), dtype=np.uint8)
    >>> seedings = coarse_seedings(color_histogram(pixels), 4, "rgb", 0)
    >>> len(seedings), seedings[0].shape
    (8, (4, 3))
    """
    coarse, coarse_weights = hist.coarsen(BIN_BITS - 1)
    if len(coarse) < n_colors:
        points, weights = hist.coarsen(BIN_BITS)
        return [_fit_centers(points, weights, n_colors, color_space, random_state).centers]
    rng = as_random_state(random_state)
    # Plain Lloyd (the same steps and centres as the bound-based one): on ~11k bins its few
    # whole passes cost less than keeping bounds, 0.74 against 1.03 s for the sweep's k = 2-64.
    fits = [_fit_centers(coarse, coarse_weights, n_colors, color_space, rng, algorithm="lloyd")
            for _ in range(_seedings(n_colors))]
    return [fit.centers for fit in sorted(fits, key=lambda fit: fit.inertia)]


def _binned_centers(hist: ColorHistogram, n_colors: int, color_space: str, random_state
                    ) -> np.ndarray:
    """Centres (in ``color_space``, not RGB) fitted on colour bins: the best of a few
    seedings on 5-bit bins, refined on 6-bit bins."""
    best = coarse_seedings(hist, n_colors, color_space, random_state)[0]
    points, weights = hist.coarsen(BIN_BITS)
    return _fit_centers(points, weights, n_colors, color_space, random_state, init=best).centers


def _finish_rgb(hist: ColorHistogram, seedings: list[np.ndarray]
                ) -> tuple[np.ndarray, np.ndarray]:
    """K-means on the exact distinct colours (weighted by their pixel counts, so K-means on
    every pixel) from the best of ``seedings`` (RGB centres, 0–255, best first); the palette
    rounded to sRGB and each colour's nearest entry in it.

    The first seedings are each run for ``FINISH_STEPS`` steps, as many as the budget
    allows (see the settings above), and the lowest error is run on until it settles.
    """
    X = hist.colors.astype(np.float32)
    weights = hist.counts.astype(np.float64)
    m, k = X.shape[0], len(seedings[0])
    tried = int(np.clip(min(FINISH_CANDIDATES_WORK // (m * k), FINISH_WORK // (m * FINISH_STEPS)),
                        1, min(FINISH_MOST_TRIED, len(seedings))))
    max_steps = int(np.clip(FINISH_WORK // m, FINISH_STEPS, 300))

    def run(centers, steps) -> KMeansResult:
        return fit_kmeans(X, k, sample_weight=weights, init=centers, max_iter=steps,
                          tol=FINISH_TOL)

    best = min((run(centers, FINISH_STEPS) for centers in seedings[:tried]),
               key=lambda fit: fit.inertia)
    if best.n_iter >= FINISH_STEPS and max_steps > FINISH_STEPS:
        best = run(best.centers, max_steps - FINISH_STEPS)
    palette = to_uint8(np.clip(best.centers / 255.0, 0, 1))
    return palette, nearest_rgb(hist.colors, palette)


def cluster_histogram(hist: ColorHistogram, n_colors: int, color_space: str, random_state
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Cluster a histogram; return sRGB uint8 centres, their pixel counts (unsorted) and,
    when known, the index of each histogram colour's nearest centre.

    Few distinct colours are clustered exactly. Many are first clustered as colour bins
    (see :func:`coarse_seedings`); in RGB the result is then finished on the exact colours,
    so it is K-means on every pixel.

    Examples
    --------
    >>> from pixelmeans.image.histogram import color_histogram
    >>> pixels = np.array([[[0, 0, 0], [0, 0, 2], [250, 250, 250]]], np.uint8)
    >>> centers, counts, _ = cluster_histogram(color_histogram(pixels), 2, "rgb", 0)
    >>> sorted(map(tuple, centers.tolist())), sorted(counts.tolist())
    ([(0, 0, 1), (250, 250, 250)], [1.0, 2.0])
    """
    if hist.n_colors <= n_colors:
        return hist.colors, hist.counts.astype(np.float64), np.arange(hist.n_colors)
    if hist.n_colors <= MAX_EXACT_COLORS:
        fit = _fit_centers(hist.colors.astype(np.float64), hist.counts, n_colors,
                           color_space, random_state, n_init=_seedings(n_colors))
        centers = to_uint8(np.clip(to_srgb(fit.centers, color_space), 0, 1))
        shares = np.bincount(fit.labels, weights=hist.counts, minlength=n_colors)
        return centers, shares, None
    if color_space != "rgb":
        binned = _binned_centers(hist, n_colors, color_space, random_state)
        centers = to_uint8(np.clip(to_srgb(binned, color_space), 0, 1))
        nearest = nearest_colors(hist.colors, centers, color_space)
        return centers, np.bincount(nearest, weights=hist.counts, minlength=n_colors), nearest
    seedings = coarse_seedings(hist, n_colors, color_space, random_state)
    centers, nearest = _finish_rgb(hist, [np.clip(c, 0, 1) * 255.0 for c in seedings])
    return centers, np.bincount(nearest, weights=hist.counts, minlength=n_colors), nearest
