"""Connected regions against scikit-image's regionprops (an independent implementation)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage.measure import label, regionprops

from pixelmeans.image.regions import region_table


@settings(max_examples=30)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 6))
def test_region_table_matches_regionprops(seed, k, min_area):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, (12, 15))
    labels[rng.random((12, 15)) < 0.1] = -1  # transparent pixels belong to no region
    pixels = rng.integers(0, 256, (12, 15, 3), dtype=np.uint8)
    ids = label(labels + 1, background=0, connectivity=1)
    expected = []
    for prop in regionprops(ids):
        rows, cols = prop.coords[:, 0], prop.coords[:, 1]
        mean = np.rint(pixels[rows, cols].mean(axis=0))  # halves to even, as documented
        expected.append((-prop.area, rows[0] * 15 + cols[0], int(labels[rows[0], cols[0]]),
                         int(prop.area), tuple(int(v) for v in prop.bbox),
                         tuple(int(v) for v in mean)))
    expected.sort()  # largest first, then reading order of the first pixel
    table = region_table(labels, pixels)
    got = [(r.segment, r.area, r.bbox, r.color) for r in table.regions(min_area=min_area)]
    assert got == [e[2:] for e in expected if e[3] >= min_area]
    assert len(table) == len(expected)
    assert [(r.segment, r.area) for r in table.regions(3)] == [e[2:4] for e in expected[:3]]
