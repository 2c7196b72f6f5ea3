"""Charts: expected axes and contents, drawn headless; a clear error without matplotlib."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_digits

from pixelmeans import MissingDependencyError
from pixelmeans.cli import main
from pixelmeans.datasets.report import cluster_dataset

pytest.importorskip("matplotlib", reason="the 'plot' extra (matplotlib) is not installed")

PHOTO = str(Path(__file__).parents[1] / "src" / "pixelmeans" / "data" / "coffee.jpg")
PHOTO_ARRAY = np.asarray(Image.open(PHOTO).convert("RGB"))[::4, ::4].copy()


@pytest.fixture(scope="module")
def digits_report():
    X, y = load_digits(return_X_y=True)
    X = X / 16
    return X, cluster_dataset(X, y, [6, 10])


def test_centroids_figure_shows_the_captioned_centroid_grid(digits_report):
    from pixelmeans import plot
    from pixelmeans.datasets.report import centroid_grid

    _, report = digits_report
    r = report.results[1]
    fig = plot.centroids_figure(r, (8, 8))
    shown = fig.axes[0].images[0].get_array()
    grid = np.asarray(centroid_grid(r, (8, 8)))
    np.testing.assert_array_equal(shown, grid)  # the one grid, not a second drawing of it
    assert fig.axes[0].get_title() == "K = 10 centres"


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


def test_palette_figure_has_one_bar_per_colour_as_wide_as_its_share():
    from pixelmeans import extract_palette, plot

    palette = extract_palette(PHOTO_ARRAY, 5)
    fig = plot.palette_figure(palette)
    bars = fig.axes[0].patches
    assert len(bars) == 5
    np.testing.assert_allclose([b.get_width() for b in bars], palette.weights)
    np.testing.assert_allclose([b.get_facecolor()[:3] for b in bars], palette.colors / 255)


@pytest.mark.parametrize("space", ["rgb", "lab"])
def test_color_clouds_before_and_after(space):
    from pixelmeans import plot, quantize
    from pixelmeans.image.colorspace import from_srgb

    q = quantize(PHOTO_ARRAY, 6, color_space=space)
    fig = plot.color_cloud_figure(PHOTO_ARRAY, q, space=space, n_points=500)
    before, after = fig.axes
    assert before.name == after.name == "3d"
    points = before.collections[0]
    assert len(points.get_offsets()) == 500
    assert len(after.collections[0].get_offsets()) == 500
    assert len(after.collections[1].get_offsets()) == 6  # the palette, as big markers
    # every "after" point is drawn in one of the palette's colours
    drawn = np.unique(np.round(after.collections[0].get_facecolor()[:, :3] * 255), axis=0)
    assert {tuple(c) for c in drawn.astype(int).tolist()} <= {
        tuple(c) for c in q.palette.colors.tolist()}
    labels = ("L*", "a*", "b*") if space == "lab" else ("R", "G", "B")
    assert (before.get_xlabel(), before.get_ylabel(), before.get_zlabel()) == labels
    lo = from_srgb(np.array([0.0, 0.0, 0.0]), space)[0]
    assert before.get_xlim()[0] <= lo * (255 if space == "rgb" else 1) + 1


def test_color_cloud_samples_only_opaque_pixels():
    from pixelmeans import plot
    from pixelmeans.image.load import RGBImage

    pixels = np.zeros((10, 10, 3), np.uint8)
    pixels[:, 5:] = 255
    mask = np.zeros((10, 10), bool)
    mask[:, 5:] = True  # only white pixels count
    fig = plot.color_cloud_figure(RGBImage(pixels, mask), n_points=1000)
    points = fig.axes[0].collections[0]
    assert len(points.get_offsets()) == 50
    assert (points.get_facecolor()[:, :3] == 1.0).all()


def test_elbow_and_sweep_figures():
    from pixelmeans import compression_sweep, plot
    from pixelmeans.tasks.elbow import elbow_curve

    curve = elbow_curve(PHOTO_ARRAY, [2, 4, 8, 16])
    fig = plot.elbow_figure(curve)
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == [2, 4, 8, 16]
    np.testing.assert_allclose(line.get_ydata(), curve.inertia)
    marker = fig.axes[0].lines[1]
    assert list(marker.get_xdata()) == [curve.chosen]
    sweep = compression_sweep(PHOTO_ARRAY, [2, 8])
    sfig = plot.sweep_figure(sweep)
    size_line, psnr_line = sfig.axes[0].lines[0], sfig.axes[1].lines[0]
    np.testing.assert_allclose(size_line.get_ydata(), [r.png_bytes / 1024 for r in sweep.reports])
    np.testing.assert_allclose(psnr_line.get_ydata(), [r.psnr for r in sweep.reports])


@pytest.mark.parametrize("kind", ["palette", "colors", "elbow", "sweep"])
def test_cli_plot_writes_a_picture(tmp_path, capsys, kind):
    """The command writes the chart the library draws for the same options, pixel for
    pixel; the palette chart shows each colour of the palette."""
    from pixelmeans import extract_palette, plot

    out, reference = tmp_path / f"{kind}.png", tmp_path / "reference.png"
    ks = {"palette": "4", "colors": "4", "elbow": "2,4,8", "sweep": "2,8"}[kind]
    assert main(["plot", kind, PHOTO, "-k", ks, "-o", str(out), "--seed", "1"]) == 0
    figure, _ = plot.chart(kind, PHOTO, [int(k) for k in ks.split(",")], random_state=1)
    plot.save_figure(figure, reference)
    with Image.open(out) as im, Image.open(reference) as ref:
        assert im.format == "PNG"
        drawn = np.asarray(im.convert("RGB"))
        assert np.array_equal(drawn, np.asarray(ref.convert("RGB")))
    if kind == "palette":
        shown = {tuple(c) for c in drawn.reshape(-1, 3).tolist()}
        assert {tuple(c) for c in extract_palette(PHOTO, 4, random_state=1).colors.tolist()} \
            <= shown


def test_cli_plot_errors(tmp_path, capsys):
    assert main(["plot", "colors", PHOTO, "-k", "4,8", "-o", str(tmp_path / "a.png")]) == 2
    assert "takes a single k" in capsys.readouterr().err
    assert main(["plot", "elbow", PHOTO, "-o", str(tmp_path / "a.jpg")]) == 2
    assert "charts are saved as" in capsys.readouterr().err
    assert main(["plot", "swirl", PHOTO, "-o", str(tmp_path / "a.png")]) == 2
    assert list(tmp_path.iterdir()) == []


def test_reading_order_puts_each_labels_best_cluster_on_the_diagonal(rng):
    import itertools

    from pixelmeans.datasets.report import reading_order

    for _ in range(20):
        confusion = rng.integers(0, 50, (5, 4))
        order, label = reading_order(confusion)
        assert sorted(order.tolist()) == list(range(5))
        assert (np.diff(label[order]) >= 0).all()  # clusters go by the label they stand for
        matched = [order[np.flatnonzero(label[order] == j)[0]] for j in range(4)]
        best = max(sum(confusion[c, j] for j, c in enumerate(p))
                   for p in itertools.permutations(range(5), 4))
        assert sum(confusion[c, j] for j, c in enumerate(matched)) == best  # brute force


def test_confusion_cells_show_counts_or_shares(digits_report):
    from pixelmeans import plot
    from pixelmeans.datasets.report import reading_order

    _, report = digits_report
    r = report.results[1]
    fig = plot.confusion_figure(r)
    order, _ = reading_order(r.confusion)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), r.confusion[order])
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
             for t in fig.axes[0].texts}
    row, col = np.unravel_index(np.argmax(r.confusion[order]), r.confusion.shape)
    assert texts[(row, col)] == f"{r.confusion[order][row, col]:,}"
    assert len(texts) == np.count_nonzero(r.confusion)
    shares = plot.confusion_figure(r, normalize="label").axes[0].images[0].get_array()
    np.testing.assert_allclose(shares.sum(axis=0), 1)
    with pytest.raises(Exception, match="normalize"):
        plot.confusion_figure(r, normalize="rows")


def test_two_axis_charts_have_a_legend_and_a_title(digits_report):
    from pixelmeans import compression_sweep, plot

    fig = plot.k_figure(digits_report[1])
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["inertia", "accuracy on train (majority label)"]
    assert "against K" in fig.axes[0].get_title()
    fig = plot.sweep_figure(compression_sweep(PHOTO, [2, 8]))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[0] == "indexed PNG size" and legend[-1] == "PSNR"
    assert "original file" in legend[1] and "coffee.jpg" in fig.axes[0].get_title()


def test_color_cloud_palette_markers_are_drawn_on_top():
    from pixelmeans import plot, quantize

    q = quantize(PHOTO_ARRAY, 8)
    fig = plot.color_cloud_figure(PHOTO_ARRAY, q, n_points=500)
    after = fig.axes[1]
    assert after.computed_zorder is False
    points, markers = after.collections
    assert markers.get_zorder() > points.get_zorder()
    assert len(markers.get_offsets()) == 8
    assert fig.axes[0].get_zlabel() == "B" and after.get_title().startswith("after")


def test_color_cloud_axis_labels_are_inside_the_picture():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from pixelmeans import plot, quantize

    fig = plot.color_cloud_figure(PHOTO_ARRAY, quantize(PHOTO_ARRAY, 4), n_points=300)
    FigureCanvasAgg(fig).draw()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            box = axis.label.get_window_extent()
            assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1, axis.label.get_text()
            assert fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1, axis.label.get_text()
