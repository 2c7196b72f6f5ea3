"""Behaviours a scikit-learn user relies on, each checked against an independent reference
(scikit-learn itself, SciPy's distances, counted calls) rather than against our own code."""

from __future__ import annotations

import itertools
import re
import warnings

import numpy as np
import pytest
import sklearn.cluster
from scipy.spatial.distance import cdist
from sklearn.exceptions import ConvergenceWarning

import pixelmeans
from pixelmeans import KMeans, MiniBatchKMeans, k_means, kmeans_plusplus
from pixelmeans.cluster.core import fit as core_fit
from pixelmeans.cluster.core.fit import fit_kmeans
from pixelmeans.errors import InvalidDataError, InvalidParameterError, PixelmeansError


def test_k_means_function_is_exported_and_equals_the_estimator(blobs):
    X, _ = blobs
    assert "k_means" in pixelmeans.__all__ and pixelmeans.k_means is k_means
    centers, labels, inertia, n_iter = k_means(X, 3, random_state=4, return_n_iter=True)
    km = KMeans(3, random_state=4).fit(X)
    np.testing.assert_array_equal(centers, km.cluster_centers_)
    np.testing.assert_array_equal(labels, km.labels_)
    assert inertia == km.inertia_ and n_iter == km.n_iter_
    # and it answers like scikit-learn's function on the same problem
    theirs = sklearn.cluster.k_means(X, 3, init=centers, n_init=1)
    np.testing.assert_allclose(theirs[0], centers)
    assert len(k_means(X, 3, random_state=4)) == 3


@pytest.mark.parametrize("algorithm", ["lloyd", "hamerly", "elkan"])
@pytest.mark.parametrize("tol", [1e-2, 0.0])
def test_kmeans_verbose_prints_scikit_learn_lines(algorithm, tol, capsys):
    X = np.random.RandomState(0).normal(size=(2000, 5))
    km = KMeans(4, init="random", n_init=1, tol=tol, algorithm=algorithm, verbose=1,
                random_state=0).fit(X)
    out = capsys.readouterr().out
    assert out.startswith("Initialization complete\n")
    iterations = re.findall(r"^Iteration (\d+), inertia ([0-9.e+-]+)$", out, re.M)
    assert [int(i) for i, _ in iterations] == list(range(km.n_iter_))
    inertias = [float(v) for _, v in iterations]
    assert all(b <= a * (1 + 1e-12) for a, b in itertools.pairwise(inertias))
    stop = "strict convergence" if tol == 0 else "center shift .* within tolerance"
    assert re.search(rf"Converged at iteration {km.n_iter_ - 1}: {stop}", out)
    KMeans(4, n_init=1, random_state=0).fit(X)
    assert capsys.readouterr().out == ""  # quiet by default


def test_minibatch_verbose_reports_seeding_steps_and_why_it_stopped(capsys):
    X = np.random.RandomState(0).normal(size=(1000, 3))
    km = MiniBatchKMeans(3, batch_size=50, verbose=1, random_state=0, n_init=2,
                         init="random").fit(X)
    out = capsys.readouterr().out
    assert "Init 1/2 with method random" in out and "Init 2/2 with method random" in out
    assert len(re.findall(r"^Minibatch step \d+/\d+: mean batch inertia", out, re.M)) == \
        km.n_steps_
    assert re.search(r"Converged \(lack of improvement in inertia\) at step", out)
    # 20 centres on 50 rows per batch: under-used centres are moved, and said to be
    MiniBatchKMeans(20, batch_size=50, verbose=1, random_state=0).fit(X)
    assert re.search(r"^\[MiniBatchKMeans\] Reassigning \d+ cluster centers\.$",
                     capsys.readouterr().out, re.M)


def test_copy_x_false_leaves_x_untouched_and_changes_nothing(blobs):
    X, _ = blobs
    before = X.copy()
    a = KMeans(3, copy_x=False, random_state=0).fit(X)
    np.testing.assert_array_equal(X, before)  # bit for bit, not "nearly" as scikit-learn
    b = KMeans(3, copy_x=True, random_state=0).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


def test_kmeans_plusplus_takes_precomputed_norms(blobs):
    X, _ = blobs
    given = kmeans_plusplus(X, 4, x_squared_norms=(X**2).sum(axis=1), random_state=1)
    computed = kmeans_plusplus(X, 4, random_state=1)
    np.testing.assert_array_equal(given[1], computed[1])
    with pytest.raises(ValueError, match="The length of x_squared_norms 3 should be equal "
                                         "to the length of n_samples 600"):
        kmeans_plusplus(X, 4, x_squared_norms=np.ones(3))


def _count_runs(monkeypatch):
    calls = []
    lloyd = core_fit.ALGORITHMS["lloyd"]

    def counting(*args, **kwargs):
        calls.append(1)
        return lloyd(*args, **kwargs)

    monkeypatch.setitem(core_fit.ALGORITHMS, "lloyd", counting)
    return calls


def test_explicit_init_with_n_init_runs_once_with_scikit_learns_warning(blobs, monkeypatch):
    X, _ = blobs
    init = X[:3].copy()
    calls = _count_runs(monkeypatch)
    with pytest.warns(RuntimeWarning, match="Explicit initial center position passed: "
                                            "performing only one init in KMeans instead of "
                                            "n_init=10"):
        km = KMeans(3, init=init, n_init=10, algorithm="lloyd").fit(X)
    assert len(calls) == 1 and km._n_init == 1
    calls.clear()
    fit_kmeans(X, 3, init=init, n_init=7, algorithm="lloyd")  # the core, for the tasks
    assert len(calls) == 1
    with pytest.warns(RuntimeWarning, match="only one init in MiniBatchKMeans"):
        assert MiniBatchKMeans(3, init=init, n_init=4).fit(X)._n_init == 1


@pytest.mark.parametrize(("Estimator", "expected"), [(KMeans, 10), (MiniBatchKMeans, 3)])
def test_n_init_auto_runs_a_callable_init_as_often_as_scikit_learn(Estimator, expected, blobs):
    X, _ = blobs
    seen = []

    def init(data, k, random_state):
        seen.append(1)
        return data[random_state.choice(len(data), k, replace=False)]

    ours = Estimator(3, init=init, random_state=0).fit(X)
    theirs = getattr(sklearn.cluster, Estimator.__name__)(3, init=init, random_state=0)
    seen_by_us, seen[:] = len(seen), []
    theirs.fit(X)
    assert seen_by_us == len(seen) == expected == ours._n_init == theirs._n_init


def test_small_init_size_warns_and_seeds_on_three_rows_per_cluster(blobs):
    X, _ = blobs
    with pytest.warns(RuntimeWarning, match=r"init_size=10 should be larger than "
                                            r"n_clusters=20\. Setting it to"):
        ours = MiniBatchKMeans(20, init_size=10, random_state=0).fit(X)
    with pytest.warns(RuntimeWarning, match="init_size=10 should be larger"):
        theirs = sklearn.cluster.MiniBatchKMeans(20, init_size=10, random_state=0).fit(X)
    assert ours._init_size == theirs._init_size == 60
    rows_seen = []

    def init(data, k, random_state):  # sees the rows the seeding is drawn from
        rows_seen.append(data.shape[0])
        return data[:k]

    with pytest.warns(RuntimeWarning, match="init_size=10 should be larger"):
        MiniBatchKMeans(20, init=init, n_init=1, init_size=10, random_state=0).fit(X)
    assert rows_seen == [60]


def test_transform_puts_each_centre_at_exactly_zero_from_itself():
    for seed in range(100):
        X = np.random.RandomState(seed).normal(size=(100, 5)) * 10 + 3
        for model in (MiniBatchKMeans(3, random_state=seed, batch_size=20),
                      KMeans(3, random_state=seed)):
            centers = model.fit(X).cluster_centers_
            distances = model.transform(centers)
            np.testing.assert_array_equal(np.diag(distances), 0.0)
            np.testing.assert_allclose(distances, cdist(centers, centers), rtol=1e-12,
                                       atol=1e-12)


def test_fewer_distinct_points_warn_in_scikit_learns_words_from_kmeans_only():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    match = (r"Number of distinct clusters \(3\) found smaller than n_clusters \(4\)\. "
             r"Possibly due to duplicate points in X\.")
    with pytest.warns(ConvergenceWarning, match=match):
        km = KMeans(4, random_state=0).fit(X)
    assert set(km.labels_) == {0, 1, 2} and km.n_iter_ == 1
    # Mini-batches may leave a centre empty on data with enough distinct points: no warning,
    # as in scikit-learn (here: 20 clusters on 100 rows, half of them zeros).
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(100, 2))
    Z[::2] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        MiniBatchKMeans(20, batch_size=10, init="random", random_state=0).fit(Z)


def test_few_distinct_values_with_random_init_cluster_with_a_warning():
    # 60,000 rows of only 3 values: collapsed to 3 weighted rows, fewer than 5 clusters.
    X = np.repeat(np.array([[0.0], [1.0], [5.0]]), 20_000, axis=0)
    with pytest.warns(ConvergenceWarning, match=r"Number of distinct clusters \(3\)"):
        km = KMeans(5, init="random", random_state=0).fit(X)
    assert sorted(np.unique(km.cluster_centers_[np.unique(km.labels_)])) == [0.0, 1.0, 5.0]
    assert km.inertia_ == 0.0


@pytest.mark.parametrize("seed", [-1, 2**32, np.int64(-5)])
def test_seeds_outside_numpys_range_are_parameter_errors(seed):
    X = np.zeros((10, 2))
    for call in (lambda: KMeans(2, random_state=seed).fit(X),
                 lambda: MiniBatchKMeans(2, random_state=seed).fit(X),
                 lambda: kmeans_plusplus(X, 2, random_state=seed),
                 lambda: fit_kmeans(X, 2, random_state=seed)):
        with pytest.raises(InvalidParameterError, match="random_state"):
            call()


def test_kmeans_plusplus_bad_counts_are_parameter_errors():
    X = np.random.RandomState(0).normal(size=(20, 2))
    with pytest.raises(InvalidParameterError, match="n_clusters"):
        kmeans_plusplus(X, 0)
    with pytest.raises(InvalidParameterError, match="n_local_trials"):
        kmeans_plusplus(X, 3, n_local_trials=0)


@pytest.mark.parametrize("X", [np.array([[np.nan, 1.0], [0.0, 1.0]]), np.empty((0, 2)),
                               np.array([[np.inf, 1.0], [0.0, 1.0]])],
                         ids=["nan", "empty", "inf"])
def test_unusable_data_is_a_pixelmeans_error_and_a_value_error(X):
    for call in (lambda: KMeans(1).fit(X), lambda: MiniBatchKMeans(1).fit(X),
                 lambda: kmeans_plusplus(X, 1),
                 lambda: KMeans(1).fit(np.ones((3, 2))).predict(X)):
        with pytest.raises(InvalidDataError) as info:
            call()
        assert isinstance(info.value, PixelmeansError) and isinstance(info.value, ValueError)
