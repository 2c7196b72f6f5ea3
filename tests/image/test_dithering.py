"""Where dithering pays: the mask against a brute-force reference, and its edge cases."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from pixelmeans.image.dithering import ERROR_SCALE, MAX_FRACTION, WINDOW, dither_mask


def _mask_by_brute_force(error, counts, index, shape):
    """The definition, written out: every second pixel each way, the mean error over a
    WINDOW × WINDOW box of those (mirrored at the edges), compared with the threshold; each grid
    pixel stands for the 2 × 2 pixels it starts."""
    h, w = shape
    error = error.astype(float)
    squared = (error**2).sum(axis=1)
    rms = np.sqrt((counts * squared).sum() / counts.sum())
    threshold = rms * min(rms / ERROR_SCALE, MAX_FRACTION)
    grid = error[index.reshape(h, w)[::2, ::2]]
    gh, gw = grid.shape[:2]
    out = np.zeros(shape, dtype=bool)
    for i in range(gh):
        for j in range(gw):
            box = [grid[_mirrored(a, gh), _mirrored(b, gw)]
                   for a in range(i - WINDOW // 2, i + WINDOW // 2 + 1)
                   for b in range(j - WINDOW // 2, j + WINDOW // 2 + 1)]
            mean = np.mean(box, axis=0)
            out[2 * i:2 * i + 2, 2 * j:2 * j + 2] = np.sqrt((mean**2).sum()) > threshold
    return out


def _mirrored(i, n):
    """Index i of a row of n mirrored about its first and last entries (d c b | a b c d)."""
    if n == 1:
        return 0
    i %= 2 * (n - 1)
    return i if i < n else 2 * (n - 1) - i


@given(st.integers(1, 19), st.integers(1, 19), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_mask_matches_its_definition(h, w, n_colors, seed):
    rng = np.random.default_rng(seed)
    error = rng.normal(0, rng.uniform(1, 60), (n_colors, 3)).astype(np.float32)
    error[rng.random(n_colors) < 0.3] = 0  # some colours exactly in the palette
    counts = rng.integers(1, 50, n_colors)
    index = rng.integers(0, n_colors, h * w)
    got = dither_mask(error, counts, index, (h, w))
    expected = _mask_by_brute_force(error, counts, index, (h, w))
    # Ties at the threshold can go either way in float32; none are drawn here in practice.
    assert got.shape == (h, w) and got.dtype == bool
    assert np.array_equal(got, expected)


def test_no_error_no_dithering():
    error = np.zeros((3, 3), np.float32)
    assert not dither_mask(error, np.array([4, 0, 2]), np.zeros(12, int), (3, 4)).any()
    assert not dither_mask(error, np.zeros(3), np.zeros(12, int), (3, 4)).any()


def test_a_systematic_error_is_dithered_and_a_balanced_one_is_not():
    """Every pixel off by the same amount (a flat colour between two palette colours) is
    dithered; stripes whose errors alternate in sign, same size, are not."""
    flat = np.array([[20.0, 20.0, 20.0]], np.float32)
    assert dither_mask(flat, np.array([1]), np.zeros(40 * 40, int), (40, 40)).all()
    stripes = np.array([[20.0, 20.0, 20.0], [-20.0, -20.0, -20.0]], np.float32)
    index = np.tile(np.arange(40) // 2 % 2, 40)  # columns 0 0 1 1 0 0 1 1 ...
    assert not dither_mask(stripes, np.array([1, 1]), index, (40, 40)).any()
