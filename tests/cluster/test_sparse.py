"""Sparse (SciPy CSR/CSC) input: the same clustering as the dense array, without densifying."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.cluster
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pixelmeans import KMeans, MiniBatchKMeans, kmeans_plusplus

CONTAINERS = [sp.csr_matrix, sp.csc_matrix, sp.csr_array]


def _sparse_blobs(seed, n=400, d=30, k=4, dtype=np.float64):
    """Rows with a few non-zero features each, grouped by which features they use."""
    rng = np.random.RandomState(seed)
    group = rng.randint(k, size=n)
    X = np.zeros((n, d), dtype=dtype)
    for i, g in enumerate(group):
        cols = rng.choice(np.arange(g * (d // k), (g + 1) * (d // k)), 3, replace=False)
        X[i, cols] = rng.uniform(0.5, 2.0, 3)
    return X, group


def _clear_nearest(X, centers):
    """Each row's nearest centre by brute force, or None when a row is (nearly) as close to
    another centre: then rounding may decide, and no two computations need agree."""
    sq = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    order = np.sort(sq, axis=1)
    scale = 1e-7 * (1.0 + (X**2).sum(axis=1).max() + (centers**2).sum(axis=1).max())
    if centers.shape[0] > 1 and np.any(order[:, 1] - order[:, 0] <= scale):
        return None
    return sq.argmin(axis=1)


@settings(max_examples=40, deadline=None)
@given(
    values=arrays(np.float64, st.tuples(st.integers(10, 60), st.integers(1, 12)),
                  elements=st.floats(-10, 10, allow_nan=False, allow_subnormal=False)),
    density=st.floats(0.05, 1.0),
    k=st.integers(1, 5),
    algorithm=st.sampled_from(["lloyd", "hamerly", "elkan"]),
    weighted=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
)
def test_sparse_and_dense_make_the_brute_force_lloyd_step(values, density, k, algorithm,
                                                          weighted, seed):
    """From the same centres, one Lloyd step (assign, move to the weighted means, assign)
    on the CSR matrix and on the dense array both give the step computed by brute force."""
    rng = np.random.RandomState(seed)
    dense = values * (rng.uniform(size=values.shape) < density)
    init = dense[rng.choice(len(dense), k, replace=False)]
    w = rng.uniform(0.1, 3.0, len(dense)) if weighted else np.ones(len(dense))
    first = _clear_nearest(dense, init)
    assume(first is not None and np.unique(first).size == k)  # no tie, no empty cluster
    means = np.array([np.average(dense[first == j], axis=0, weights=w[first == j])
                      for j in range(k)])
    second = _clear_nearest(dense, means)
    assume(second is not None)
    for X in (dense, sp.csr_matrix(dense)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # elkan with one cluster; clusters left empty
            km = KMeans(k, init=init, n_init=1, max_iter=1, algorithm=algorithm).fit(
                X, sample_weight=w if weighted else None)
        np.testing.assert_array_equal(km.labels_, second)
        np.testing.assert_allclose(km.cluster_centers_, means, rtol=1e-9, atol=1e-9)
        expected = float((((dense - means[second]) ** 2).sum(axis=1) * w).sum())
        assert km.inertia_ == pytest.approx(expected, rel=1e-7, abs=1e-7)


@pytest.mark.parametrize("container", CONTAINERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_predict_transform_score_match_dense(container, dtype):
    X, _ = _sparse_blobs(0, dtype=dtype)
    S = container(X)
    dense = KMeans(4, random_state=3).fit(X)
    sparse = KMeans(4, random_state=3).fit(S)
    assert sparse.cluster_centers_.dtype == dtype
    np.testing.assert_array_equal(dense.labels_, sparse.labels_)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(dense.cluster_centers_, sparse.cluster_centers_, rtol=tol,
                               atol=tol)
    np.testing.assert_array_equal(sparse.predict(S), sparse.predict(X))
    np.testing.assert_allclose(sparse.transform(S), sparse.transform(X), rtol=tol, atol=tol)
    assert sparse.score(S) == pytest.approx(sparse.score(X), rel=tol)
    # scikit-learn, on the same sparse matrix from the same centres, agrees
    init = X[[0, 1, 2, 3]]
    theirs = sklearn.cluster.KMeans(4, init=init, n_init=1).fit(S)
    ours = KMeans(4, init=init, n_init=1).fit(S)
    np.testing.assert_array_equal(theirs.labels_, ours.labels_)
    np.testing.assert_allclose(theirs.cluster_centers_, ours.cluster_centers_, rtol=tol,
                               atol=tol)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=tol)


@pytest.mark.parametrize("container", CONTAINERS, ids=lambda c: c.__name__)
def test_kmeans_plusplus_on_sparse_picks_the_same_rows(container):
    X, _ = _sparse_blobs(1)
    w = np.random.RandomState(0).uniform(0.5, 2, len(X))
    dense = kmeans_plusplus(X, 6, sample_weight=w, random_state=5)
    sparse = kmeans_plusplus(container(X), 6, sample_weight=w, random_state=5)
    np.testing.assert_array_equal(dense[1], sparse[1])
    np.testing.assert_array_equal(sparse[0], X[sparse[1]])
    assert isinstance(sparse[0], np.ndarray)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_minibatch_and_partial_fit_on_sparse_match_dense(dtype):
    X, _ = _sparse_blobs(2, n=600, dtype=dtype)
    S = sp.csr_matrix(X)
    w = np.random.RandomState(0).uniform(0.5, 2, len(X))
    a = MiniBatchKMeans(4, batch_size=64, random_state=1).fit(X, sample_weight=w)
    b = MiniBatchKMeans(4, batch_size=64, random_state=1).fit(S, sample_weight=w)
    assert b.cluster_centers_.dtype == dtype
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=1e-4, atol=1e-5)
    c, d = MiniBatchKMeans(4, random_state=1), MiniBatchKMeans(4, random_state=1)
    for start in range(0, 600, 100):
        c.partial_fit(X[start:start + 100])
        d.partial_fit(S[start:start + 100])
    np.testing.assert_allclose(c.cluster_centers_, d.cluster_centers_, rtol=1e-4, atol=1e-5)


def test_a_huge_sparse_matrix_is_never_densified():
    # 20,000 × 200,000 float32 would be 16 GB dense; it has 60,000 stored values.
    rng = np.random.RandomState(0)
    n, d = 20_000, 200_000
    rows = np.repeat(np.arange(n), 3)
    cols = (rng.randint(4, size=n)[:, None] * 50_000 + rng.randint(50_000, size=(n, 3)))
    S = sp.csr_matrix((rng.uniform(1, 2, 3 * n).astype(np.float32), (rows, cols.ravel())),
                      shape=(n, d))
    tracemalloc.start()
    try:
        km = KMeans(4, random_state=0, max_iter=10, algorithm="hamerly").fit(S)
        km.predict(S[:100])
        MiniBatchKMeans(4, random_state=0, max_iter=2).fit(S)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert km.cluster_centers_.shape == (4, d) and km.cluster_centers_.dtype == np.float32
    assert peak < 200 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_transform_of_sparse_rows_at_the_centres_stays_sparse():
    # 40,000 rows equal to the 2 centres, 200,000 features: every distance to the own
    # centre is "near zero" and computed again, over the stored values only.
    rng = np.random.RandomState(1)
    d = 200_000
    two = sp.csr_matrix((rng.uniform(1, 2, 6), ([0, 0, 0, 1, 1, 1], rng.choice(d, 6, False))),
                        shape=(2, d))
    S = sp.csr_matrix(sp.vstack([two] * 20_000))
    km = KMeans(2, init=two.toarray(), n_init=1, max_iter=1).fit(S)
    tracemalloc.start()
    try:
        distances = km.transform(S)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    expected = np.sqrt(((two.toarray()[:, None] - two.toarray()[None]) ** 2).sum(axis=2))
    np.testing.assert_allclose(distances, np.tile(expected, (20_000, 1)), atol=1e-6)
    assert peak < 100 * 2**20, f"peak {peak / 2**20:.0f} MiB"
