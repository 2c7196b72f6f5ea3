import numpy as np
import pytest

from pixelmeans import InvalidParameterError, extract_palette
from pixelmeans.tasks.elbow import elbow_curve, knee


def test_knee_is_the_point_farthest_below_the_chord():
    assert knee([1, 2, 3, 4, 5, 6], [100, 40, 12, 10, 9, 8]) == 3
    assert knee([2, 4], [5, 1]) == 2  # too few points: the first
    assert knee([2, 4, 8], [3, 3, 3]) == 2  # flat: the first


def test_inertia_is_the_palette_error_over_all_pixels():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    curve = elbow_curve(img, [4, 2, 4, 6])
    assert curve.ks == (2, 4, 6)
    palette = extract_palette(img, 4)
    pixels = img.reshape(-1, 3).astype(float)
    d = ((pixels[:, None] - palette.colors[None].astype(float)) ** 2).sum(axis=2)
    assert curve.inertia[1] == pytest.approx(d.min(axis=1).mean())
    assert (np.diff(curve.inertia) < 0).all()


def test_more_colours_than_distinct_ones_is_lossless():
    img = np.zeros((4, 4, 3), np.uint8)
    img[:, 2:] = 255
    curve = elbow_curve(img, [1, 2, 5])
    assert curve.inertia[1:].tolist() == [0.0, 0.0]
    assert curve.inertia[0] == pytest.approx(3 * (127**2 + 128**2) / 2)  # centre: 127 or 128
    assert curve.chosen == 2


def test_progress_and_errors():
    seen = []
    elbow_curve(np.zeros((3, 3, 3), np.uint8), [1, 2], progress=lambda *a: seen.append(a))
    assert seen == [(1, 2, 1), (2, 2, 2)]
    with pytest.raises(InvalidParameterError, match="at least one"):
        elbow_curve(np.zeros((3, 3, 3), np.uint8), [])
    with pytest.raises(InvalidParameterError, match="ks"):
        elbow_curve(np.zeros((3, 3, 3), np.uint8), [0, 2])
