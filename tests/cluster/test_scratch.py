"""Kernels keep small temporaries between calls (per thread): results must not notice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from pixelmeans.cluster.core.kernels import assign, row_norms_sq


def _brute_force(X, centers):
    sq = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    return sq.argmin(axis=1), sq.min(axis=1)


def test_assignments_in_many_threads_equal_brute_force():
    rng = np.random.default_rng(0)
    problems = []
    for i in range(24):  # different sizes and dtypes, so kept buffers are reshaped and grown
        X = rng.normal(size=(50 + 37 * i, 3 + i % 5)).astype([np.float64, np.float32][i % 2])
        problems.append((X, X[rng.choice(len(X), 2 + i % 7, replace=False)]))

    def solve(problem):
        X, centers = problem
        result = assign(X, row_norms_sq(X), centers, second=True, weights=np.ones(len(X)))
        return result.labels, result.best

    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(solve, problems * 3))
    for (X, centers), (labels, best) in zip(problems * 3, threaded, strict=True):
        expected_labels, expected_best = _brute_force(X.astype(np.float64),
                                                      centers.astype(np.float64))
        np.testing.assert_array_equal(labels, expected_labels)
        np.testing.assert_allclose(best, expected_best, rtol=1e-3, atol=1e-3)
