"""K-means with fixed centres: the fixed ones stay exactly, the free ones reach the optimum
found by brute force on small problems."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pixelmeans.cluster.core.fixed import fit_kmeans_fixed


def brute_force_one_free(x: np.ndarray, w: np.ndarray, fixed: float) -> float:
    """The least weighted inertia of 1-D points with one fixed and one free centre.

    The free centre's cluster is a run of the sorted points on one side of the fixed centre
    or around it; try every run and keep the best labelling consistent with it."""
    order = np.argsort(x)
    x, w = x[order], w[order]
    best = float(w @ (x - fixed) ** 2)
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n + 1):
            inside = np.zeros(n, dtype=bool)
            inside[i:j] = True
            c = float(w[inside] @ x[inside] / w[inside].sum())
            cost = float(w @ np.minimum((x - fixed) ** 2, (x - c) ** 2))
            best = min(best, cost)
    return best


@settings(max_examples=40)
@given(st.lists(st.integers(0, 100), min_size=3, max_size=12), st.integers(0, 100))
def test_result_is_a_lloyd_fixed_point_with_the_fixed_centre_in_place(values, fixed):
    x = np.array(values, dtype=np.float64)[:, None]
    result = fit_kmeans_fixed(x, np.array([[float(fixed)]]), 2, n_init=2, random_state=0)
    assert result.centers[0, 0] == fixed
    distances = (x - result.centers[:, 0]) ** 2
    assert np.all(distances[np.arange(len(x)), result.labels] <= distances.min(axis=1))
    free = result.labels == 1
    if free.any():
        assert result.centers[1, 0] == pytest.approx(x[free, 0].mean())
    assert result.inertia == pytest.approx(float(distances.min(axis=1).sum()))
    assert result.inertia >= brute_force_one_free(x[:, 0], np.ones(len(x)), fixed) - 1e-9


@pytest.mark.parametrize(("values", "fixed"), [
    ([0, 1, 2, 50, 51, 52], 1), ([0, 1, 2, 50, 51, 52], 51), ([10, 11, 90, 91, 95], 0),
    ([3, 3, 4, 20, 21, 22, 23], 12),
])
def test_one_free_centre_reaches_the_brute_force_optimum(values, fixed):
    x = np.array(values, dtype=np.float64)[:, None]
    result = fit_kmeans_fixed(x, np.array([[float(fixed)]]), 2, n_init=4, random_state=0)
    assert result.inertia == pytest.approx(
        brute_force_one_free(x[:, 0], np.ones(len(x)), fixed), rel=1e-12, abs=1e-12)


def test_fixed_centres_are_kept_bit_for_bit_and_the_others_find_the_blobs(blobs):
    X, truth = blobs
    fixed = np.array([[0.1234567, -0.3, 0.0, 0.2]])
    result = fit_kmeans_fixed(np.ascontiguousarray(X), fixed, 3, random_state=0)
    assert result.centers[0].tobytes() == fixed[0].tobytes()
    true_means = np.array([X[truth == g].mean(axis=0) for g in (1, 2)])
    found = result.centers[1:]
    assert np.abs(np.sort(found, axis=0) - np.sort(true_means, axis=0)).max() < 1e-9
    # Free centres are the means of their clusters (a fixed point of Lloyd's update).
    for c in (1, 2):
        np.testing.assert_allclose(result.centers[c], X[result.labels == c].mean(axis=0))


def test_a_fixed_centre_far_from_everything_keeps_its_place(blobs):
    X, _ = blobs
    far = np.full((1, 4), 1000.0)
    result = fit_kmeans_fixed(np.ascontiguousarray(X), far, 4, random_state=0)
    assert result.centers[0].tolist() == far[0].tolist()
    assert not np.any(result.labels == 0)
    assert len(np.unique(result.labels)) == 3  # the free ones share the data


def test_same_seed_same_result(blobs):
    X = np.ascontiguousarray(blobs[0])
    fixed = np.zeros((1, 4))
    a = fit_kmeans_fixed(X, fixed, 4, random_state=7, n_init=2)
    b = fit_kmeans_fixed(X, fixed, 4, random_state=7, n_init=2)
    assert a.centers.tobytes() == b.centers.tobytes() and a.labels.tolist() == b.labels.tolist()


def test_all_fixed_is_one_assignment():
    X = np.array([[0.0], [1.0], [5.0]])
    result = fit_kmeans_fixed(X, np.array([[0.0], [4.0]]), 2)
    assert result.labels.tolist() == [0, 0, 1] and result.inertia == pytest.approx(2.0)
