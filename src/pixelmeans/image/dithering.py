"""Where dithering pays: the pixels whose nearest palette colours are wrong on average.

Error diffusion spends bytes on noise wherever it runs. Where the nearest colours already
average out to the picture seen from a little distance (texture, grain, edges, areas close to
a palette colour), that noise buys almost nothing; where they are wrong in the same direction
over an area (a smooth gradient that bands), it removes the banding. pngquant's library,
libimagequant, dithers selectively too, weighting its error diffusion by a map of edges and
noise measured on the picture. This mask measures instead the error that dithering exists to
remove: the nearest colours' error averaged over about ten pixels.
"""

from __future__ import annotations

import numpy as np

# Settings, measured on the 12 MP benchmark mosaic (benchmarks/bench_jobs.py) at k = 16, 64
# and 256 and on scikit-image's photos and the 4 MP photo at k = 16, against `pngquant K`
# (its default, dithered) on file size and mean CIEDE2000 after a σ = 1 px blur:
# - The average is a box of WINDOW pixels a side over every second pixel each way (about 10
#   pixels of the picture; about 0.15 s at 12 MP). Boxes of 3 and 9 full-resolution pixels
#   gave the same size against error trade-off; the half-resolution grid costs a quarter.
# - A pixel is dithered where the averaged error (RGB, Euclidean) exceeds a fraction of the
#   RMS error of the nearest colours over the image, that fraction being RMS / ERROR_SCALE and
#   at most MAX_FRACTION. One fixed fraction could not serve k = 16 and k = 256 at once: at
#   pngquant's size the mosaic needed 0.5 × RMS at k = 16 (RMS 25) and 0.2 × RMS at k = 256
#   (RMS 7.7), and 0.35 at k = 64 (RMS 13.5), which the ratio follows. With the palette fit
#   of main at e4dce78, ERROR_SCALE 40 / 44 / 48 gave files 0.980 / 0.993 / 1.004 × pngquant's
#   on the mosaic at k = 64 with blurred error 0.999 / 0.978 / 0.961 × its, and on rocket at
#   k = 16 0.981 / 0.990 / 0.996 × with 0.986 / 0.977 / 0.971 ×; 44 leaves a margin on both,
#   and holds both at or under pngquant's on the mosaic at k = 16 and 256 and on astronaut.
#   The cap keeps coarse palettes (a few colours, or another picture's) dithered: without it a
#   palette with an RMS error above 44 would hardly be dithered at all.
# - Sampling every second pixel sees a pattern of one-pixel period (an already dithered
#   picture) as flat, so such areas are dithered again, as plain Floyd–Steinberg would.
# - A mask from the picture's local contrast (libimagequant's kind: the largest second
#   difference of a channel, widened by 3-5 px) was measured too: at equal size it left an
#   8-21% higher blurred error than this one (k = 16, 64, 256). Weakening the diffusion
#   everywhere instead (Floyd–Steinberg towards the nearest colour plus a fraction of the
#   error) was worse still.
WINDOW = 5
ERROR_SCALE = 44.0
MAX_FRACTION = 0.5


def _box_sums(grid: np.ndarray, size: int) -> np.ndarray:
    """Sums over ``size × size`` boxes of an ``h × w × c`` array, mirrored at its edges
    (``d c b | a b c d``), as ``size`` shifted slices each way: at this one small box, numpy
    alone is as fast as scipy.ndimage's filter, without its 0.17 s import."""
    h, w = grid.shape[:2]
    r = size // 2
    padded = np.pad(grid, ((r, r), (r, r), (0, 0)), mode="reflect")
    rows = padded[:h].copy()
    for i in range(1, size):
        rows += padded[i:i + h]
    sums = rows[:, :w].copy()
    for j in range(1, size):
        sums += rows[:, j:j + w]
    return sums


def dither_mask(error_of_color: np.ndarray, counts: np.ndarray, index: np.ndarray,
                shape: tuple[int, int]) -> np.ndarray:
    """Pixels where the nearest colours are wrong on average, so dithering them pays.

    Parameters
    ----------
    error_of_color : ndarray of shape (m, 3)
        For each distinct colour of the image, that colour minus its nearest palette colour
        (sRGB units).
    counts : ndarray of shape (m,)
        Pixels of each distinct colour (those that count: the threshold's mean is over them).
    index : ndarray of shape (H·W,)
        Each pixel's row in ``error_of_color``.
    shape : (H, W)

    Returns
    -------
    ndarray of shape (H, W), bool

    Examples
    --------
    A grey ramp from 0 to 64 drawn with the palette {0, 64}: where the ramp is well away from
    both palette colours it is dithered; close to a palette colour it is not.

    >>> values = np.arange(65)
    >>> error = np.stack([values - np.where(values < 32, 0, 64)] * 3, axis=1)
    >>> mask = dither_mask(error, np.ones(65), np.tile(values, 4), (4, 65))
    >>> mask[0, [2, 16, 48, 62]].tolist()
    [False, True, True, False]
    """
    h, w = shape
    error = np.asarray(error_of_color, dtype=np.float32)
    squared = np.einsum("ij,ij->i", error, error)
    total = float(np.sum(counts))
    mean_squared = float(np.dot(counts, squared)) / total if total > 0 else 0.0
    if mean_squared == 0:
        return np.zeros(shape, dtype=bool)
    grid = error[index.reshape(h, w)[::2, ::2]]
    local = _box_sums(grid, WINDOW)
    rms = mean_squared ** 0.5
    threshold = rms * min(rms / ERROR_SCALE, MAX_FRACTION) * WINDOW * WINDOW  # of sums
    wrong = np.einsum("ijk,ijk->ij", local, local) > threshold * threshold
    return wrong.repeat(2, axis=0).repeat(2, axis=1)[:h, :w]
