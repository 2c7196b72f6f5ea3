"""Charts: expected axes and contents, drawn headless; a clear error without matplotlib."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits

from pixelmeans import MissingDependencyError
from pixelmeans.cli import main
from pixelmeans.dataset_report import cluster_dataset

pytest.importorskip("matplotlib", reason="the 'plot' extra (matplotlib) is not installed")


@pytest.fixture(scope="module")
def digits_report():
    X, y = load_digits(return_X_y=True)
    X = X / 16
    return X, cluster_dataset(X, y, [6, 10])


def test_centroids_figure_has_one_titled_image_per_cluster(digits_report):
    from pixelmeans import plot

    _, report = digits_report
    r = report.results[1]
    fig = plot.centroids_figure(r, (8, 8))
    assert len(fig.axes) == 10
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == f"{r.cluster_majority[0]} ({r.cluster_purity[0]:.0%})"
    assert fig.axes[3].images[0].get_array().shape == (8, 8)


def test_confusion_and_k_figures(digits_report):
    from pixelmeans import plot

    _, report = digits_report
    r = report.results[1]
    fig = plot.confusion_figure(r)
    shown = fig.axes[0].images[0].get_array()
    assert shown.shape == (10, 10) and shown.sum() == 1797
    k_fig = plot.k_figure(report)
    inertia_line = k_fig.axes[0].lines[0]
    assert list(inertia_line.get_xdata()) == [6, 10]
    np.testing.assert_allclose(inertia_line.get_ydata(), [x.inertia for x in report.results])
    assert len(k_fig.axes) == 2  # accuracy on a twin axis


def test_extremes_figure_picks_nearest_and_farthest(digits_report):
    from pixelmeans import plot

    X, report = digits_report
    r = report.results[0]
    fig = plot.extremes_figure(r, X, (8, 8), per_cluster=2)
    assert len(fig.axes) == 6 * 4
    members = np.flatnonzero(r.labels == 0)
    nearest = members[np.argmin(((X[members] - r.centers[0]) ** 2).sum(1))]
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), X[nearest].reshape(8, 8))


def test_cli_writes_the_plots(tmp_path, capsys):
    assert main(["cluster", "digits", "-k", "10", "--plots", str(tmp_path / "p")]) == 0
    names = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert names == ["centroids-k10.png", "confusion-k10.png", "extremes-k10.png", "k.png"]
    assert (tmp_path / "p" / "k.png").read_bytes()[:4] == b"\x89PNG"


def test_missing_matplotlib_is_one_clear_error(monkeypatch, digits_report):
    from pixelmeans import plot

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'pixelmeans\[plot\]'"):
        plot.k_figure(digits_report[1])
