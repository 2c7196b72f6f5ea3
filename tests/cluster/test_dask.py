"""The Dask engine on a real dask.distributed LocalCluster (2 worker processes), checked
against the in-memory engine."""

from __future__ import annotations

import numpy as np
import pytest

from pixelmeans import InvalidParameterError, KMeans

da = pytest.importorskip("dask.array", reason="the 'dask' extra is not installed")
distributed = pytest.importorskip("distributed", reason="the 'dask' extra is not installed")


# Dask before 2025.4 warns that a local scheduler runs while a distributed client exists:
# here that is the point of the test.
@pytest.mark.filterwarnings(
    "ignore:Running on a single-machine scheduler when a distributed client:UserWarning")
def test_threaded_scheduler_without_a_client_gives_the_same_result():
    import dask

    X = blobs(n=2000)
    init = X[:5]
    with dask.config.set(scheduler="threads"):  # even when a distributed client exists
        a = KMeans(5, init=init).fit(da.from_array(X, chunks=300))
    b = KMeans(5, init=init, algorithm="lloyd").fit(X)
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=1e-10)


@pytest.fixture
def client(dask_client):
    return dask_client


def blobs(n=6000, d=5, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-10, 10, (6, d))
    X = centers[rng.integers(0, 6, n)] + rng.normal(0, 1.5, (n, d))
    return X.astype(dtype)


@pytest.mark.parametrize("algorithm", ["hamerly", "lloyd"])
@pytest.mark.parametrize("tol", [0.0, 1e-4])
def test_same_centres_labels_and_iterations_as_in_memory_from_the_same_start(client, tol,
                                                                              algorithm):
    """The same kernels and the same convergence rule: the same iteration count, whether
    the run stops on the centre shift (tol > 0) or because no label changed (tol = 0)."""
    X = blobs()
    rng = np.random.default_rng(1)
    w = rng.uniform(0.1, 3, len(X))
    init = X[rng.choice(len(X), 8, replace=False)]
    mem = KMeans(8, init=init, tol=tol, algorithm="lloyd").fit(X, sample_weight=w)
    Xd = da.from_array(X, chunks=(700, 5))
    wd = da.from_array(w, chunks=1000)  # different chunks: rechunked to the rows of X
    dist = KMeans(8, init=init, tol=tol, algorithm=algorithm).fit(Xd, sample_weight=wd)
    np.testing.assert_allclose(dist.cluster_centers_, mem.cluster_centers_, rtol=1e-10)
    assert dist.inertia_ == pytest.approx(mem.inertia_, rel=1e-10)
    assert isinstance(dist.labels_, da.Array)
    assert (dist.labels_.compute() == mem.labels_).all()
    assert (dist.predict(Xd).compute() == mem.predict(X)).all()
    np.testing.assert_allclose(dist.transform(Xd).compute(), mem.transform(X), rtol=1e-9)
    assert dist.n_iter_ == mem.n_iter_
    assert 1 < mem.n_iter_ < 300  # stopped by the rule, not by max_iter


def test_float32_stays_float32_and_matches_closely(client):
    X = blobs(dtype=np.float32)
    init = X[:6]
    mem = KMeans(6, init=init, max_iter=10).fit(X)
    dist = KMeans(6, init=init, max_iter=10).fit(da.from_array(X, chunks=1000))
    assert dist.cluster_centers_.dtype == np.float32
    np.testing.assert_allclose(dist.cluster_centers_, mem.cluster_centers_, atol=1e-3)


@pytest.mark.parametrize("init", ["k-means||", "k-means++", "random"])
def test_seedings_reach_the_in_memory_inertia(client, init):
    X = blobs(n=8000, seed=2)
    best_memory = min(KMeans(6, n_init=1, random_state=s).fit(X).inertia_ for s in range(3))
    km = KMeans(6, init=init, n_init=3 if init == "random" else 1, random_state=0).fit(
        da.from_array(X, chunks=1500))
    assert km.inertia_ <= best_memory * 1.01
    again = KMeans(6, init=init, n_init=3 if init == "random" else 1, random_state=0).fit(
        da.from_array(X, chunks=1500))
    # Seeded: the same optimum again. (Not always the same bits: BLAS rounding can depend on
    # how a block's memory is aligned in each worker, which can flip a borderline draw.)
    assert again.inertia_ == pytest.approx(km.inertia_, rel=1e-6)


def test_empty_cluster_is_relocated_like_in_memory(client):
    X = np.array([[0.0], [0.1], [0.2], [10.0], [10.1], [30.0]])
    init = np.array([[0.1], [10.0], [100.0]])  # the last centre attracts nothing
    mem = KMeans(3, init=init, algorithm="lloyd").fit(X)
    dist = KMeans(3, init=init).fit(da.from_array(X, chunks=2))
    np.testing.assert_allclose(dist.cluster_centers_, mem.cluster_centers_)
    assert sorted(dist.cluster_centers_.ravel().tolist()) == pytest.approx([0.1, 10.05, 30.0])


def test_errors_are_clear(client):
    X = da.from_array(blobs(n=100), chunks=50)
    with pytest.raises(InvalidParameterError,
                       match="algorithm='elkan' keeps 3 bounds per row; Dask arrays use 'auto'"):
        KMeans(3, algorithm="elkan").fit(X)
    with pytest.raises(InvalidParameterError, match="n_samples=100 should be >= n_clusters"):
        KMeans(101).fit(X)
    bad = blobs(n=100)
    bad[3, 2] = np.nan
    with pytest.raises(InvalidParameterError, match="NaN"):
        KMeans(3).fit(da.from_array(bad, chunks=50))
    with pytest.raises(InvalidParameterError, match="sample_weight"):
        KMeans(3).fit(X, sample_weight=-np.ones(100))
    with pytest.raises(InvalidParameterError, match="blocks of a Dask array"):
        KMeans(3, init="k-means||").fit(blobs(n=100))


def test_repeated_rows_collapsed_across_blocks_give_the_in_memory_result(client):
    """Pixel-like data (few distinct rows, many repeats) take the collapse-and-shuffle path."""
    rng = np.random.default_rng(5)
    palette = rng.integers(0, 256, (300, 3)).astype(np.float64)
    X = palette[rng.integers(0, 300, 180_000)] + rng.integers(0, 3, (180_000, 3))
    init = X[:7]
    mem = KMeans(7, init=init, tol=0).fit(X)
    Xd = da.from_array(X, chunks=(60_000, 3))  # blocks big enough to collapse
    dist = KMeans(7, init=init, tol=0).fit(Xd)
    np.testing.assert_allclose(dist.cluster_centers_, mem.cluster_centers_, rtol=1e-9)
    assert dist.inertia_ == pytest.approx(mem.inertia_, rel=1e-9)
    assert (dist.labels_.compute() == mem.labels_).all()
    import pixelmeans.cluster.dask.blocks as backend

    data = backend.DaskData(Xd, None)
    distinct = sum(len(p[0]) for p in data.dask.compute(*data.pairs))
    assert distinct == len(np.unique(X, axis=0))  # merged within and across blocks


def test_blocks_without_repeats_keep_their_rows(client):
    """Low-dimensional data without repeats: blocks stay as they are, results unchanged."""
    X = np.random.default_rng(8).normal(size=(120_000, 3))
    init = X[:4]
    mem = KMeans(4, init=init, max_iter=20, algorithm="lloyd").fit(X)
    Xd = da.from_array(X, chunks=(60_000, 3))
    dist = KMeans(4, init=init, max_iter=20).fit(Xd)
    np.testing.assert_allclose(dist.cluster_centers_, mem.cluster_centers_, rtol=1e-9)
    import pixelmeans.cluster.dask.blocks as backend

    data = backend.DaskData(Xd, None)
    blocks = data.dask.compute(*data.pairs)
    assert [len(b[0]) for b in blocks] == [60_000, 60_000]


def test_data_too_big_to_keep_are_streamed_with_the_same_result(client, monkeypatch):
    """Above half the workers' memory, blocks are read again at every pass (plain Lloyd)."""
    import pixelmeans.cluster.dask.blocks as backend

    monkeypatch.setattr(backend, "fits_in_memory", lambda nbytes: False)
    X = blobs(n=5000, seed=4)
    w = np.random.default_rng(2).uniform(0.5, 2, len(X))
    init = X[:6]
    mem = KMeans(6, init=init, tol=0, algorithm="lloyd").fit(X, sample_weight=w)
    data = backend.DaskData(da.from_array(X, chunks=900), da.from_array(w, chunks=900))
    assert not data.in_memory and len(data.pairs) == 6
    dist = KMeans(6, init=init, tol=0).fit(da.from_array(X, chunks=900),
                                           sample_weight=da.from_array(w, chunks=900))
    np.testing.assert_allclose(dist.cluster_centers_, mem.cluster_centers_, rtol=1e-10)
    assert (dist.labels_.compute() == mem.labels_).all()
    assert dist.n_iter_ == mem.n_iter_  # label fingerprints stop it where labels settle
    for init_name in ("k-means||", "k-means++"):
        km = KMeans(6, init=init_name, random_state=0).fit(da.from_array(X, chunks=900))
        assert km.inertia_ <= KMeans(6, random_state=0).fit(X).inertia_ * 1.01
