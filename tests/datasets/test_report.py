"""Clustering reports against hand-made labels, brute force, and scikit-learn's metrics."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from sklearn import metrics
from sklearn.datasets import load_digits

from pixelmeans import InvalidParameterError
from pixelmeans.cli import main
from pixelmeans.datasets.report import (
    centroid_grid,
    cluster_dataset,
    hungarian_mapping,
    majority_mapping,
)


def test_majority_mapping_by_hand():
    clusters = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    labels = np.array([5, 5, 1, 3, 3, 0, 1, 1, 0])
    assert majority_mapping(clusters, labels, 4).tolist() == [5, 3, 0, -1]


@pytest.mark.parametrize("seed", range(5))
def test_hungarian_mapping_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    k = 4
    clusters, labels = rng.integers(0, k, 60), rng.integers(0, k, 60)
    mapping = hungarian_mapping(clusters, labels, k)
    best = max(np.mean(np.array(p)[clusters] == labels)
               for p in itertools.permutations(range(k)))
    assert np.mean(mapping[clusters] == labels) == pytest.approx(best)
    assert sorted(mapping.tolist()) == list(range(k))


def test_report_metrics_equal_scikit_learn():
    X, y = load_digits(return_X_y=True)
    report = cluster_dataset(X, y, [10, 20], random_state=1)
    for r in report.results:
        assert r.nmi == pytest.approx(metrics.normalized_mutual_info_score(y, r.labels))
        assert r.ari == pytest.approx(metrics.adjusted_rand_score(y, r.labels))
        assert r.homogeneity == pytest.approx(metrics.homogeneity_score(y, r.labels))
        assert r.completeness == pytest.approx(metrics.completeness_score(y, r.labels))
        assert r.v_measure == pytest.approx(metrics.v_measure_score(y, r.labels))
        mapping = majority_mapping(r.labels, y, r.n_clusters)
        assert r.accuracy == pytest.approx(np.mean(mapping[r.labels] == y))
        assert r.cluster_sizes.sum() == len(y) and r.confusion.sum() == len(y)
        np.testing.assert_allclose(r.cluster_purity,
                                   r.confusion.max(1) / np.maximum(r.cluster_sizes, 1))
    assert report.results[0].accuracy_hungarian is not None
    assert report.results[1].accuracy_hungarian is None  # K differs from the 10 classes
    assert report.results[1].accuracy >= report.results[0].accuracy
    json.dumps(report.to_dict())


def test_accuracy_on_a_test_split_and_minibatch():
    X, y = load_digits(return_X_y=True)
    report = cluster_dataset(X[:1200], y[:1200], 10, method="minibatch", X_test=X[1200:],
                             y_test=y[1200:])
    r = report.results[0]
    mapping = majority_mapping(r.labels, y[:1200], 10)
    from pixelmeans import MiniBatchKMeans  # the same fit, to predict the test split

    model = MiniBatchKMeans(10, random_state=0).fit(X[:1200])
    assert r.accuracy == pytest.approx(np.mean(mapping[model.predict(X[1200:])] == y[1200:]))
    assert report.evaluated_on == "test"


def test_minibatch_refine_steps_reach_the_report_and_the_cli(capsys, tmp_path):
    X, y = load_digits(return_X_y=True)
    plain, refined = (cluster_dataset(X, y, 20, method="minibatch", refine_steps=steps)
                      .results[0] for steps in (0, 2))
    from pixelmeans import MiniBatchKMeans

    expected = MiniBatchKMeans(20, random_state=0, refine_steps=2).fit(X).inertia_
    assert refined.inertia == pytest.approx(expected) and refined.inertia < plain.inertia
    from pixelmeans.datasets import load_dataset

    train, _ = load_dataset("digits")  # the command line's copy of the same digits
    expected = cluster_dataset(train.X, train.labels, 20, method="minibatch",
                               refine_steps=2).results[0].inertia
    report = tmp_path / "r.json"
    assert main(["cluster", "digits", "-k", "20", "--minibatch", "--refine-steps", "2",
                 "--report", str(report)]) == 0
    saved = json.loads(report.read_text())["results"][0]["inertia"]
    assert saved == pytest.approx(expected, rel=1e-9)
    assert main(["cluster", "digits", "--minibatch", "--refine-steps", "-1"]) == 2
    assert "refine-steps" in capsys.readouterr().err


def test_without_labels_and_bad_arguments():
    X, _ = load_digits(return_X_y=True)
    r = cluster_dataset(X, None, 5).results[0]
    assert r.accuracy is None and r.inertia > 0
    with pytest.raises(InvalidParameterError,
                       match="'method' parameter of cluster_dataset must be one of"):
        cluster_dataset(X, None, 5, method="dbscan")
    with pytest.raises(InvalidParameterError, match="X_test and y_test go together"):
        cluster_dataset(X, None, 5, X_test=X)


def test_centroid_grid_size_and_cli(capsys, tmp_path):
    X, y = load_digits(return_X_y=True)
    r = cluster_dataset(X / 16, y, 10).results[0]
    # 4 columns 4 px apart, each as wide as its widest caption; 3 rows of 16 px and an
    # 18 px caption
    grid = np.asarray(centroid_grid(r, (8, 8), scale=2))
    cell = (grid.shape[1] - 3 * 4) // 4
    assert grid.shape == (3 * (16 + 18) + 2 * 4, 4 * cell + 3 * 4) and cell > 16
    for gutter in range(1, 4):  # captions never run into the gutters between cells
        assert (grid[:, gutter * (cell + 4) - 4: gutter * (cell + 4)] == 255).all()
    out = tmp_path / "c.png"
    status = main(["cluster", "digits", "-k", "10,12", "--centroids", str(out), "--report",
                   str(tmp_path / "r.json")])
    text = capsys.readouterr().out
    assert status == 0 and out.exists() and "hungarian" in text
    assert [row["n_clusters"] for row in json.loads((tmp_path / "r.json").read_text())[
        "results"]] == [10, 12]
    assert main(["cluster", "digits", "--centroids", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
