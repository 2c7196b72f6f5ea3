"""The KMeans estimator against hand-computed cases and scikit-learn."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.cluster import KMeans as SKKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score

from pixelmeans import InvalidParameterError, KMeans, MiniBatchKMeans, kmeans_plusplus
from pixelmeans.cluster.core import kernels

ALGORITHMS = ["lloyd", "hamerly", "elkan"]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_hand_computed_toy_case(algorithm):
    X = np.array([[0, 0], [0, 2], [10, 0], [10, 2], [10, 4]], dtype=float)
    init = np.array([[0, 1], [10, 1]], dtype=float)
    km = KMeans(2, init=init, algorithm=algorithm).fit(X)
    np.testing.assert_array_equal(km.labels_, [0, 0, 1, 1, 1])
    np.testing.assert_allclose(km.cluster_centers_, [[0, 1], [10, 2]])
    # (1 + 1) + (4 + 0 + 4)
    assert km.inertia_ == pytest.approx(10.0)
    np.testing.assert_allclose(km.transform([[0, 1]]), [[0.0, np.sqrt(101.0)]])
    assert km.score(X) == pytest.approx(-10.0)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_same_labels_as_scikit_learn_from_same_centres(algorithm, dtype, rng):
    X = rng.normal(size=(3000, 5)).astype(dtype)
    init = X[rng.choice(3000, 12, replace=False)]
    ours = KMeans(12, init=init, algorithm=algorithm, tol=0).fit(X)
    ref = SKKMeans(12, init=init, n_init=1, tol=0, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=rtol,
                               atol=rtol)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=rtol)
    assert ours.n_iter_ == ref.n_iter_


@pytest.mark.parametrize("accelerated", ["hamerly", "elkan"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_accelerated_equals_lloyd_exactly(accelerated, dtype, rng):
    X = np.concatenate([rng.normal(c, 1.5, (700, 3)) for c in range(0, 40, 5)]).astype(dtype)
    init = X[rng.choice(len(X), 10, replace=False)]
    a = KMeans(10, init=init, algorithm="lloyd").fit(X)
    b = KMeans(10, init=init, algorithm=accelerated).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.n_iter_ == b.n_iter_


# scikit-learn's warning for algorithm="elkan" with one cluster (the results are the same).
@pytest.mark.filterwarnings("ignore:algorithm='elkan' doesn't make sense:RuntimeWarning")
@settings(max_examples=25, deadline=None)
@given(
    X=arrays(np.float64, st.tuples(st.integers(12, 80), st.integers(1, 4)),
             elements=st.floats(-100, 100, allow_nan=False).map(lambda v: round(v, 1))),
    k=st.integers(1, 6),
    seed=st.integers(0, 2**31 - 1),
)
def test_accelerated_equals_lloyd_property(X, k, seed):
    """Any data, any seed: the accelerated variants follow Lloyd label for label."""
    init = X[np.random.default_rng(seed).choice(len(X), k, replace=False)]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = KMeans(k, init=init, algorithm="lloyd").fit(X)
        b = KMeans(k, init=init, algorithm="hamerly").fit(X)
        c = KMeans(k, init=init, algorithm="elkan").fit(X)
    for other in (b, c):
        np.testing.assert_array_equal(a.labels_, other.labels_)
        np.testing.assert_array_equal(a.cluster_centers_, other.cluster_centers_)


def test_centres_that_meet_again_break_ties_like_lloyd():
    """Found by hypothesis: two centres land on one point; a row at distance 0 from both
    must take the first, as Lloyd's argmin does (a bound equal to its threshold proves
    nothing)."""
    X = np.zeros((25, 2))
    X[[1, 2, 6, 16, 22, 23, 24]] = [[0, 1], [0, 10], [-1.5, 0], [-1, 0], [-32, 0], [-46, 0],
                                    [0, -34]]
    init = X[[6, 0, 3, 2, 16]]  # two of them the same point
    lloyd = KMeans(5, init=init, algorithm="lloyd").fit(X)
    for algorithm in ("hamerly", "elkan"):
        other = KMeans(5, init=init, algorithm=algorithm).fit(X)
        np.testing.assert_array_equal(other.labels_, lloyd.labels_)
        np.testing.assert_array_equal(other.cluster_centers_, lloyd.cluster_centers_)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_integer_weight_equals_repeated_rows(algorithm, rng):
    X = rng.normal(size=(300, 3))
    repeats = rng.integers(1, 5, 300)
    init = X[:6]
    weighted = KMeans(6, init=init, algorithm=algorithm).fit(X, sample_weight=repeats)
    repeated = KMeans(6, init=init, algorithm=algorithm).fit(np.repeat(X, repeats, axis=0))
    np.testing.assert_allclose(weighted.cluster_centers_, repeated.cluster_centers_,
                               rtol=1e-10)
    assert weighted.inertia_ == pytest.approx(repeated.inertia_, rel=1e-10)
    np.testing.assert_array_equal(np.repeat(weighted.labels_, repeats), repeated.labels_)


def test_unit_weights_equal_no_weights(rng):
    X = rng.normal(size=(500, 2))
    a = KMeans(4, random_state=3).fit(X)
    b = KMeans(4, random_state=3).fit(X, sample_weight=np.ones(500))
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept(dtype, blobs):
    X = blobs[0].astype(dtype)
    km = KMeans(3, random_state=0).fit(X)
    assert km.cluster_centers_.dtype == dtype
    assert km.transform(X).dtype == dtype
    assert km.labels_.dtype == np.int32


def test_integer_input_is_computed_in_float64():
    km = KMeans(2, random_state=0).fit(np.array([[0, 0], [1, 1], [9, 9], [10, 10]]))
    assert km.cluster_centers_.dtype == np.float64


def test_inputs_never_modified(blobs):
    X = blobs[0].copy()
    w = np.linspace(1, 2, len(X))
    init = X[:3].copy()
    X0, w0, init0 = X.copy(), w.copy(), init.copy()
    X.setflags(write=False)
    KMeans(3, init=init).fit(X, sample_weight=w)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(init, init0)


def test_recovers_well_separated_groups(blobs):
    X, truth = blobs
    km = KMeans(3, random_state=0).fit(X)
    assert adjusted_rand_score(truth, km.labels_) == 1.0
    np.testing.assert_array_equal(km.predict(X), km.labels_)


def test_same_seed_same_result_bit_for_bit(blobs):
    a = KMeans(5, random_state=7, n_init=3).fit(blobs[0])
    b = KMeans(5, random_state=7, n_init=3).fit(blobs[0])
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    np.testing.assert_array_equal(a.labels_, b.labels_)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_chunk_size_does_not_change_labels(algorithm, monkeypatch, rng):
    X = rng.normal(size=(5000, 4))
    big = KMeans(8, random_state=0, algorithm=algorithm).fit(X)
    monkeypatch.setattr(kernels, "CHUNK_BYTES", 4096)
    assert kernels.chunk_rows(8, 4, 8) < 100
    small = KMeans(8, random_state=0, algorithm=algorithm).fit(X)
    np.testing.assert_array_equal(big.labels_, small.labels_)
    np.testing.assert_allclose(big.cluster_centers_, small.cluster_centers_, rtol=1e-12)


def test_thread_count_does_not_change_result(rng):
    from threadpoolctl import threadpool_limits

    X = rng.normal(size=(4000, 20))
    with threadpool_limits(1):
        one = KMeans(10, random_state=0).fit(X)
    with threadpool_limits(2):
        two = KMeans(10, random_state=0).fit(X)
    np.testing.assert_array_equal(one.labels_, two.labels_)
    np.testing.assert_allclose(one.cluster_centers_, two.cluster_centers_, rtol=1e-12)


def test_empty_cluster_is_relocated_not_clamped():
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]])
    # The third centre is far from everything: its cluster is empty after the first step.
    init = np.array([[1.0], [11.0], [1000.0]])
    km = KMeans(3, init=init, algorithm="lloyd").fit(X)
    assert set(km.labels_) == {0, 1, 2}
    assert np.all(km.cluster_centers_ < 100)
    assert km.inertia_ < 4.0 + 1e-9


def test_fewer_distinct_points_than_clusters_warns():
    X = np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5)
    match = (r"Number of distinct clusters \(2\) found smaller than n_clusters \(3\)\. "
             r"Possibly due to duplicate points in X\.")
    with pytest.warns(ConvergenceWarning, match=match):
        KMeans(3, random_state=0).fit(X)


def test_random_init_and_n_init(blobs):
    X, truth = blobs
    km = KMeans(3, init="random", random_state=0).fit(X)
    assert adjusted_rand_score(truth, km.labels_) == 1.0
    many = KMeans(6, n_init=5, random_state=0).fit(X)
    one = KMeans(6, n_init=1, random_state=0).fit(X)
    assert many.inertia_ <= one.inertia_


@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        ({"n_clusters": 0},
         "The 'n_clusters' parameter of KMeans must be an int in the range [1, inf). Got 0"),
        ({"max_iter": -1}, "'max_iter' parameter"),
        ({"tol": -1.0}, "'tol' parameter"),
        ({"algorithm": "elkan2"}, "The 'algorithm' parameter of KMeans must be one of"),
        ({"init": "kmeans"}, "'init' parameter"),
        ({"n_init": 0}, "'n_init' parameter"),
    ],
)
def test_bad_parameters_have_clear_messages(params, pattern):
    with pytest.raises(InvalidParameterError, match=re.escape(pattern)):
        KMeans(**params).fit(np.zeros((10, 2)))


def test_too_few_samples_and_bad_init_shape():
    with pytest.raises(ValueError, match=r"n_samples=3 should be >= n_clusters=5"):
        KMeans(5).fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"The shape of the initial centers \(2, 2\) does not "
                                         r"match the number of clusters 3\."):
        KMeans(3, init=np.zeros((2, 2))).fit(np.zeros((10, 2)))
    with pytest.raises(ValueError, match=r"The shape of the initial centers \(3, 1\) does not "
                                         r"match the number of features of the data 2\."):
        KMeans(3, init=np.zeros((3, 1))).fit(np.zeros((10, 2)))
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        KMeans(2).fit(np.zeros((10, 2)), sample_weight=-np.ones(10))


def test_kmeans_plusplus_picks_spread_rows(blobs):
    X, truth = blobs
    centers, indices = kmeans_plusplus(X, 3, random_state=0)
    np.testing.assert_array_equal(centers, X[indices])
    assert sorted(truth[indices]) == [0, 1, 2]


def test_kmeans_plusplus_never_picks_zero_weight_rows(rng):
    X = rng.normal(size=(200, 2))
    w = np.zeros(200)
    w[:50] = 1.0
    _, indices = kmeans_plusplus(X, 10, sample_weight=w, random_state=1)
    assert np.all(indices < 50)


def _exact_seeding_law(X, w, steps):
    """Probability of each ordered sequence of ``steps`` picks of plain k-means++."""
    laws = {(): 1.0}
    for _ in range(steps):
        grown = {}
        for picks, p in laws.items():
            d2 = np.full(len(X), np.inf) if not picks else np.min(
                [((X - X[i]) ** 2).sum(axis=1) for i in picks], axis=0)
            mass = w * (np.ones(len(X)) if not picks else d2)
            for i in np.flatnonzero(mass):
                grown[(*picks, i)] = p * mass[i] / mass.sum()
        laws = grown
    return laws


@pytest.mark.parametrize("path", ["ahead", "one_by_one"])  # four steps per product, or one
def test_kmeans_plusplus_draws_follow_the_exact_law(path, monkeypatch):
    """With one trial per step, picks follow k-means++'s law: D² sampling at every step,
    including the steps whose candidates come by rejection from an earlier product."""
    from pixelmeans.cluster.core import seeding as init

    if path == "one_by_one":
        monkeypatch.setattr(init, "CHUNK_BYTES", 0)
    else:  # several steps per product even on so few, narrow rows
        monkeypatch.setattr(init, "WIDE_ROW_BYTES", 0)
        monkeypatch.setattr(init, "CACHED_BYTES", 0)
    X = np.array([[0.0], [1.0], [3.0], [7.0], [7.5], [12.0]])
    w = np.array([1.0, 2.0, 1.0, 1.0, 3.0, 0.5])
    law = _exact_seeding_law(X, w, 4)
    runs = 2000
    counts = {}
    for seed in range(runs):
        _, idx = kmeans_plusplus(X, 4, sample_weight=w, random_state=seed, n_local_trials=1)
        counts[tuple(idx)] = counts.get(tuple(idx), 0) + 1
    assert set(counts) <= set(law)  # never a repeated row
    for position in (1, 2, 3):
        for row in range(len(X)):
            exact = sum(p for seq, p in law.items() if seq[position] == row)
            seen = sum(c for seq, c in counts.items() if seq[position] == row) / runs
            # 4.5 standard errors: a sampler off by a few percent fails.
            assert abs(seen - exact) <= 4.5 * np.sqrt(exact * (1 - exact) / runs) + 1e-9


def test_minibatch_close_to_full_kmeans_and_sklearn(blobs, rng):
    from sklearn.cluster import MiniBatchKMeans as SKMiniBatch


    X = np.concatenate([rng.normal(c, 1.0, (2000, 2)) for c in range(0, 50, 10)])
    full = KMeans(5, random_state=0).fit(X)
    ours = MiniBatchKMeans(5, batch_size=256, random_state=0).fit(X)
    ref = SKMiniBatch(5, batch_size=256, random_state=0).fit(X)
    assert ours.inertia_ <= 1.02 * full.inertia_
    assert ours.inertia_ <= 1.02 * ref.inertia_
    np.testing.assert_array_equal(ours.predict(X), ours.labels_)


def test_minibatch_draws_batches_in_proportion_to_weight(rng):
    # Two groups: the light one has many rows but almost no weight.
    X = np.concatenate([rng.normal(0, 1, (5000, 2)), rng.normal(20, 1, (50, 2))])
    w = np.concatenate([np.full(5000, 1e-6), np.full(50, 100.0)])
    mbk = MiniBatchKMeans(1, batch_size=100, random_state=0).fit(X, sample_weight=w)
    np.testing.assert_allclose(mbk.cluster_centers_[0], [20, 20], atol=0.5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_minibatch_refine_steps_are_lloyd_steps(dtype, rng):
    """Each refine step is one full-batch Lloyd step from the mini-batch centres: the same
    centres as KMeans started there, and the inertia never rises."""
    X = rng.normal(size=(3000, 5)).astype(dtype)
    w = rng.uniform(0.5, 2.0, 3000)
    plain = MiniBatchKMeans(12, batch_size=256, random_state=3).fit(X, sample_weight=w)
    previous = plain.inertia_
    for steps in (1, 2, 3):
        refined = MiniBatchKMeans(12, batch_size=256, random_state=3, refine_steps=steps)
        refined.fit(X, sample_weight=w)
        lloyd = KMeans(12, init=plain.cluster_centers_, max_iter=steps, tol=0,
                       algorithm="lloyd").fit(X, sample_weight=w)
        np.testing.assert_allclose(refined.cluster_centers_, lloyd.cluster_centers_,
                                   rtol=1e-5 if dtype == np.float32 else 1e-12)
        assert refined.inertia_ <= previous * (1 + 1e-6)
        previous = refined.inertia_
    assert previous < plain.inertia_


def test_minibatch_partial_fit_converges(rng):
    X = np.concatenate([rng.normal(c, 0.5, (3000, 2)) for c in (0, 10)])
    rng.shuffle(X)
    mbk = MiniBatchKMeans(2, random_state=0)
    for batch in np.array_split(X, 30):
        mbk.partial_fit(batch)
    assert sorted(np.round(mbk.cluster_centers_[:, 0]).tolist()) == [0.0, 10.0]
    assert mbk.n_steps_ == 30


@pytest.mark.parametrize("accelerated", ["hamerly", "elkan"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_accelerated_equals_lloyd_on_many_chunks(accelerated, dtype, monkeypatch, rng):
    """Both paths (gathered suspects and full passes) sum in the same order as Lloyd."""
    monkeypatch.setattr(kernels, "CHUNK_BYTES", 1 << 14)
    X = np.concatenate([rng.normal(c, 2.0, (3000, 6)) for c in range(0, 60, 6)]).astype(dtype)
    init = X[rng.choice(len(X), 25, replace=False)]
    a = KMeans(25, init=init, algorithm="lloyd", tol=0).fit(X)
    b = KMeans(25, init=init, algorithm=accelerated, tol=0).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.n_iter_ == b.n_iter_


def test_duplicate_rows_are_clustered_once_with_the_same_result(rng):
    """Pixel-like data (many repeats) takes the collapsed path; results equal Lloyd on all."""
    from pixelmeans.cluster.core.duplicates import collapse_duplicates

    X = rng.integers(0, 12, (60_000, 3)).astype(np.float64)
    assert collapse_duplicates(X, np.ones(len(X))) is not None
    init = rng.uniform(0, 12, (5, 3))  # off the grid: no exact ties between centres
    ours = KMeans(5, init=init).fit(X)
    ref = SKKMeans(5, init=init, n_init=1, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-9)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-9)


def test_hash_path_of_duplicate_collapse_is_exact(rng):
    from pixelmeans.cluster.core.duplicates import collapse_duplicates

    base = rng.normal(size=(500, 2))
    X = base[rng.integers(0, 500, 80_000)]
    w = rng.random(80_000)
    rows, weights, inverse = collapse_duplicates(X, w)
    assert rows.shape == (500, 2)
    np.testing.assert_array_equal(rows[inverse], X)
    assert weights.sum() == pytest.approx(w.sum())
    assert collapse_duplicates(rng.normal(size=(80_000, 2)), np.ones(80_000)) is None


@pytest.mark.parametrize("accelerated", ["hamerly", "elkan"])
def test_accelerated_with_duplicate_initial_centres(accelerated):
    """Found by hypothesis: loosened lower bounds below zero must prove nothing."""
    X = np.zeros((68, 3))
    X[0, 2], X[20, 2], X[25, 2] = 8, 4, 5
    init = np.zeros((2, 3))
    a = KMeans(2, init=init, algorithm="lloyd").fit(X)
    b = KMeans(2, init=init, algorithm=accelerated).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.labels_[[0, 20, 25]], [1, 1, 1])


def test_kmeans_plusplus_float32_picks_the_same_rows_as_float64(rng):
    X = rng.normal(size=(3000, 20))
    _, i64 = kmeans_plusplus(X, 30, random_state=5)
    _, i32 = kmeans_plusplus(X.astype(np.float32), 30, random_state=5)
    np.testing.assert_array_equal(i32, i64)
