"""Pictures that explain a clustering (needs the ``plot`` extra: matplotlib).

matplotlib is imported inside each function, so the rest of pixelmeans works without it.
Every function returns a ``matplotlib.figure.Figure``; nothing is shown or saved here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .datasets.report import DatasetReport, KResult, centroid_grid, reading_order
from .errors import InvalidParameterError, OutputExistsError, require
from .files.atomic import check_output_folder, write_atomically
from .image.colorspace import COLOR_SPACES, from_srgb
from .image.load import as_image
from .params import Integral, Interval, Options, SequenceOf, validated
from .render.labels import ink_for
from .tasks.compress import DEFAULT_SWEEP, compression_sweep
from .tasks.elbow import DEFAULT_KS, elbow_curve
from .tasks.palette import DEFAULT_COLOR_SPACE, extract_palette
from .tasks.quantize import quantize


def require_matplotlib() -> None:
    """Fail early, with the install command, when the ``plot`` extra is missing."""
    require("matplotlib", "plot", "Drawing charts")


def _figure(width: float, height: float):
    require_matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def centroids_figure(result: KResult, image_shape: tuple[int, ...], *,
                     columns: int | None = None):
    """Each cluster centre as an image, captioned with its majority label and purity (the
    picture of :func:`pixelmeans.datasets.report.centroid_grid`, in a figure whose pixels
    are the grid's own when saved at 100 dpi).

    Examples
    --------
    >>> r = KResult(4, 0.0, 1, 0.0, np.zeros((4, 9)), np.zeros(4, int))
    >>> len(centroids_figure(r, (3, 3)).axes)
    1
    """
    require_matplotlib()
    from matplotlib.figure import Figure

    grid = centroid_grid(result, image_shape, columns=columns)
    title = 30  # pixels above the grid
    fig = Figure(figsize=(grid.width / 100, (grid.height + title) / 100))
    ax = fig.add_axes((0, 0, 1, grid.height / (grid.height + title)))
    ax.imshow(np.asarray(grid), cmap="gray", vmin=0, vmax=255, interpolation="nearest",
              aspect="auto")
    ax.set_axis_off()
    ax.set_title(f"K = {result.n_clusters} centres", fontsize=10)
    return fig


NORMALIZE = (None, "cluster", "label")


@validated({"normalize": [Options(NORMALIZE)]})
def confusion_figure(result, class_names=None, *, normalize: str | None = None):
    """The clusters × labels confusion matrix, with the count (or share) in each cell.

    Clusters are ordered to read like the labels (:func:`reading_order`: each label's
    Hungarian-matched cluster first, then the other clusters of that majority label), so
    the large counts lie on a diagonal. ``normalize="cluster"`` shows each cluster's row
    as shares of the cluster (its purity by label), ``"label"`` each label's column as
    shares of the label (where its samples went).

    Examples
    --------
    >>> c = np.array([[1, 9], [8, 2]])
    >>> r = KResult(2, 0.0, 1, 0.0, np.zeros((2, 1)), np.zeros(20, int), confusion=c)
    >>> fig = confusion_figure(r, normalize="cluster")
    >>> fig.axes[0].images[0].get_array().tolist()  # cluster 1 (label 0) comes first
    [[0.8, 0.2], [0.1, 0.9]]
    """
    confusion = np.asarray(result.confusion)
    order, matched = reading_order(confusion)
    shown = confusion[order].astype(np.float64)
    if normalize == "cluster":
        shown /= np.maximum(shown.sum(axis=1, keepdims=True), 1)
    elif normalize == "label":
        shown /= np.maximum(shown.sum(axis=0, keepdims=True), 1)
    k, n_labels = shown.shape
    fig = _figure(max(5.0, 0.45 * n_labels + 2.5), max(3.0, 0.3 * k + 1.5))
    ax = fig.subplots()
    image = ax.imshow(shown, aspect="auto", cmap="Blues", vmin=0, interpolation="nearest")
    names = class_names or [str(i) for i in range(n_labels)]
    ax.set_xticks(range(n_labels), names)
    ax.set_xlabel("true label")
    if k <= 60:
        ax.set_yticks(range(k), [f"{c} → {names[matched[c]]}" if matched[c] < n_labels
                                 else f"{c}" for c in order], fontsize=8 if k > 20 else 10)
    ax.set_ylabel("cluster → the label it stands for")
    if k * n_labels <= 40 * 12:
        _annotate_cells(ax, shown, percent=normalize is not None)
    what = {None: "samples", "cluster": "share of the cluster", "label": "share of the label"}
    fig.colorbar(image, ax=ax, label=what[normalize])
    ax.set_title(f"K = {result.n_clusters}: clusters against labels"
                 + ("" if normalize is None else f" (share of each {normalize})"), fontsize=10)
    return fig


def _annotate_cells(ax, values: np.ndarray, *, percent: bool) -> None:
    """Each cell's value written in it, dark on light cells and white on dark ones."""
    top = values.max() or 1
    size = 8 if values.shape[0] > 16 or values.shape[1] > 12 else 9
    for (row, col), value in np.ndenumerate(values):
        if value == 0:
            continue
        text = f"{value:.0%}" if percent else f"{int(value):,}"
        ax.text(col, row, text, ha="center", va="center", fontsize=size,
                color="white" if value > 0.55 * top else "#222222")


def _two_axes_legend(ax, twin, title: str) -> None:
    """One legend for the lines of both y-axes, and the chart's title."""
    lines = ax.get_lines() + twin.get_lines()
    labelled = [line for line in lines if not line.get_label().startswith("_")]
    ax.legend(labelled, [line.get_label() for line in labelled], loc="lower center",
              bbox_to_anchor=(0.5, 1.0), ncols=len(labelled), fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10, pad=22)  # above the legend


def k_figure(report):
    """Inertia and, when labels are known, accuracy against K, with a legend and a title.

    Examples
    --------
    >>> from pixelmeans.datasets.report import DatasetReport
    >>> r = [KResult(k, 0.0, 1, 10.0 / k, np.zeros((k, 1)), np.zeros(3, int)) for k in (2, 4)]
    >>> fig = k_figure(DatasetReport(tuple(r), "kmeans", "unlabelled"))
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'inertia'
    """
    ks = [r.n_clusters for r in report.results]
    fig = _figure(6, 3.8)
    ax = fig.subplots()
    ax.plot(ks, [r.inertia for r in report.results], "o-", color="tab:blue", label="inertia")
    ax.set_xlabel("K (clusters)")
    ax.set_ylabel("inertia (sum of squared distances)", color="tab:blue")
    ax.tick_params(axis="y", labelcolor="tab:blue")
    if report.results[0].accuracy is None:
        ax.legend(fontsize=8)
        ax.set_title(f"Inertia against K ({report.method})", fontsize=10)
        return fig
    twin = ax.twinx()
    twin.plot(ks, [100 * r.accuracy for r in report.results], "s-", color="tab:orange",
              label=f"accuracy on {report.evaluated_on} (majority label)")
    twin.set_ylabel(f"accuracy on {report.evaluated_on} (%)", color="tab:orange")
    twin.tick_params(axis="y", labelcolor="tab:orange")
    _two_axes_legend(ax, twin, f"Inertia and accuracy against K ({report.method})")
    return fig


def extremes_figure(result, X, image_shape, *, per_cluster: int = 3, max_clusters: int = 16):
    """For each cluster (up to ``max_clusters``), the samples nearest to and farthest from
    its centre: a row of ``per_cluster`` nearest, then ``per_cluster`` farthest, drawn as
    the centres are (as the data is: MNIST white on black)."""
    k = min(result.n_clusters, max_clusters)
    fig = _figure(0.9 * 2 * per_cluster, 0.95 * k)
    axes = fig.subplots(k, 2 * per_cluster, squeeze=False)
    for c in range(k):
        members = np.flatnonzero(result.labels == c)
        distance = ((X[members] - result.centers[c]) ** 2).sum(axis=1)
        ranked = members[np.argsort(distance, kind="stable")]
        picks = list(ranked[:per_cluster]) + list(ranked[::-1][:per_cluster])
        for j, ax in enumerate(axes[c]):
            ax.set_axis_off()
            if j < len(picks) and len(ranked):
                ax.imshow(X[picks[j]].reshape(image_shape), cmap="gray", vmin=0, vmax=1,
                          interpolation="nearest")
        axes[c, 0].set_title(f"cluster {c}: nearest … farthest", fontsize=8, loc="left")
    return fig


def palette_figure(palette):
    """The palette as one bar split by share, each part labelled with its hex and share.

    Examples
    --------
    >>> from pixelmeans import Palette
    >>> p = Palette(np.array([[200, 0, 0], [0, 0, 200]], np.uint8), np.array([0.75, 0.25]))
    >>> len(palette_figure(p).axes[0].patches)
    2
    """
    fig = _figure(8, 1.6)
    ax = fig.subplots()
    left = 0.0
    for hex_color, share in zip(palette.hex, palette.weights, strict=True):
        ax.barh(0, share, left=left, color=hex_color, edgecolor="white", linewidth=0.5)
        if share >= 0.04:
            ax.text(left + share / 2, 0, f"{hex_color}\n{share:.0%}", ha="center", va="center",
                    fontsize=7, color=ink_for(hex_color))
        left += share
    ax.set_xlim(0, 1)
    ax.set_axis_off()
    ax.set_title(f"{len(palette)} colours of {Path(palette.source).name or palette.source}",
                 fontsize=9)
    return fig


AXIS_NAMES = {"rgb": ("R", "G", "B"), "lab": ("L*", "a*", "b*"), "oklab": ("L", "a", "b")}


def _cloud(fig, position: int, panels: int, space: str, title: str):
    """A 3-D axes with its labels in view (the third one used to be cut off)."""
    ax = fig.add_subplot(1, panels, position, projection="3d", computed_zorder=False)
    names = AXIS_NAMES[space]
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_zlabel(names[2], labelpad=2)
    ax.set_box_aspect(None, zoom=0.92)
    ax.view_init(elev=18, azim=-55)
    ax.set_title(title, fontsize=10)
    return ax


@validated({"space": [Options(COLOR_SPACES)], "n_points": [Interval(Integral, 1, None)]})
def color_cloud_figure(image, quantized=None, *, space: str = "rgb", n_points: int = 4000,
                       random_state=0):
    """The image's colours as a 3-D point cloud, each point drawn in its own colour.

    ``n_points`` pixels are sampled (the same ones in both panels). With a
    :class:`~pixelmeans.Quantized` result, a second panel shows what quantization made of
    them: each pixel, faint, in the colour it was redrawn with (so the regions of the
    palette show), and the palette itself as large discs on top, sized by share and
    outlined so that every one is visible.

    Examples
    --------
    >>> img = np.random.default_rng(0).integers(0, 256, (20, 20, 3), dtype=np.uint8)
    >>> fig = color_cloud_figure(img, n_points=100)
    >>> len(fig.axes[0].collections[0].get_offsets())
    100
    """
    img = as_image(image)
    colors = img.counted(img.pixels.reshape(-1, 3))
    rng = np.random.default_rng(random_state)
    pick = rng.choice(len(colors), size=min(n_points, len(colors)), replace=False)
    sample = colors[pick]

    def where(c):
        return from_srgb(c / 255.0, space) * (255.0 if space == "rgb" else 1.0)

    panels = 1 if quantized is None else 2
    fig = _figure(5.4 * panels, 4.6)
    name = Path(img.source).name or img.source
    at = where(sample)
    ax = _cloud(fig, 1, panels, space, f"before: {len(sample):,} pixels of {name}")
    ax.scatter(at[:, 0], at[:, 1], at[:, 2], c=sample / 255.0, s=3, depthshade=False)
    if quantized is None:
        return fig
    palette = quantized.palette
    redrawn = palette.colors[img.counted(quantized.labels.ravel())[pick]]
    ax2 = _cloud(fig, 2, 2, space, f"after: the same pixels in {len(palette)} colours")
    ax2.scatter(at[:, 0], at[:, 1], at[:, 2], c=redrawn / 255.0, s=3, alpha=0.35,
                depthshade=False, zorder=1)
    centers = where(palette.colors)
    ax2.scatter(centers[:, 0], centers[:, 1], centers[:, 2], c=palette.colors / 255.0,
                s=60 + 900 * np.sqrt(palette.weights), edgecolors="black", linewidths=1.2,
                depthshade=False, zorder=10)
    ax2.set_xlim(ax.get_xlim())  # both panels on one scale
    ax2.set_ylim(ax.get_ylim())
    ax2.set_zlim(ax.get_zlim())
    return fig


def elbow_figure(curve):
    """Quantization error against k, with the elbow marked.

    Examples
    --------
    >>> from pixelmeans.tasks.elbow import ElbowCurve
    >>> fig = elbow_figure(ElbowCurve((2, 4, 8), np.array([9.0, 3.0, 2.0]), "rgb", 4))
    >>> fig.axes[0].lines[0].get_xdata().tolist()
    [2, 4, 8]
    """
    fig = _figure(6, 3.5)
    ax = fig.subplots()
    ax.plot(curve.ks, curve.inertia, "o-", color="tab:blue")
    chosen = curve.ks.index(curve.chosen)
    ax.plot([curve.chosen], [curve.inertia[chosen]], "o", ms=14, mfc="none", color="tab:red")
    ax.axvline(curve.chosen, color="tab:red", linestyle=":", linewidth=1)
    ax.annotate(f"elbow: k = {curve.chosen}", (curve.chosen, curve.inertia[chosen]),
                xytext=(12, 12), textcoords="offset points", color="tab:red")
    ax.set_xlabel("k (colours)")
    ax.set_ylabel(f"mean squared error per pixel ({curve.color_space})")
    ax.set_title("Quantization error against k", fontsize=10)
    return fig


def sweep_figure(sweep):
    """Indexed PNG size and PSNR against k for a compression sweep, with a legend and a
    title.

    Examples
    --------
    >>> from pixelmeans import compression_sweep
    >>> img = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    >>> fig = sweep_figure(compression_sweep(img, [2, 4]))
    >>> [len(ax.lines[0].get_xdata()) for ax in fig.axes]
    [2, 2]
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['indexed PNG size', 'PSNR']
    """
    reports = sweep.reports
    ks = [r.n_colors for r in reports]
    fig = _figure(6, 3.8)
    ax = fig.subplots()
    ax.plot(ks, [r.png_bytes / 1024 for r in reports], "o-", color="tab:blue",
            label="indexed PNG size")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.set_xlabel("k (colours)")
    ax.set_ylabel("PNG size (KiB)", color="tab:blue")
    ax.tick_params(axis="y", labelcolor="tab:blue")
    twin = ax.twinx()
    psnr = [r.psnr if np.isfinite(r.psnr) else np.nan for r in reports]
    twin.plot(ks, psnr, "s-", color="tab:orange", label="PSNR")
    twin.set_ylabel("PSNR (dB, higher is closer)", color="tab:orange")
    twin.tick_params(axis="y", labelcolor="tab:orange")
    original = reports[0].original_bytes
    if original:
        ax.axhline(original / 1024, color="tab:blue", linestyle=":", linewidth=1,
                   label=f"original file ({original / 1024:,.0f} KiB)")
    name = Path(reports[0].source).name or reports[0].source
    _two_axes_legend(ax, twin, f"What k colours cost and keep: {name}")
    return fig


CHARTS = ("palette", "colors", "elbow", "sweep")
SINGLE_K = {"palette": 8, "colors": 8}  # the other charts take several k
CHART_SUFFIXES = (".png", ".svg", ".pdf")


@validated({"kind": [Options(CHARTS)],
            "ks": [SequenceOf(Interval(Integral, 1, 4096)), Options((None,))],
            "color_space": [Options(COLOR_SPACES)]})
def chart(kind: str, image, ks: Sequence[int] | None = None, *,
          color_space: str = DEFAULT_COLOR_SPACE, random_state=0,
          progress: Callable[[int, int, int], None] | None = None):
    """One of the image charts, computed and drawn: ``(figure, note)``.

    ``kind`` is "palette" (the palette as a bar of shares), "colors" (the colours as a 3-D
    cloud before and after quantization), "elbow" (error against k, the elbow marked; the
    note names it) or "sweep" (PNG size and PSNR against k). ``ks`` is one k for the first
    two (default 8) and several for the others (defaults: 2..32 and 2, 4, ..., 256).
    """
    require_matplotlib()
    if kind in SINGLE_K:
        if ks is not None and len(ks) != 1:
            msg = f"the {kind} chart takes a single k; got {list(ks)}"
            raise InvalidParameterError(msg)
        k = SINGLE_K[kind] if ks is None else ks[0]
        if kind == "palette":
            return palette_figure(extract_palette(image, k, color_space=color_space,
                                                  random_state=random_state)), None
        img = as_image(image)
        quantized = quantize(img, k, color_space=color_space, random_state=random_state)
        return color_cloud_figure(img, quantized, space=color_space,
                                  random_state=random_state), None
    if kind == "elbow":
        curve = elbow_curve(image, ks or DEFAULT_KS, color_space=color_space,
                            random_state=random_state, progress=progress)
        return elbow_figure(curve), f"elbow at k = {curve.chosen}"
    sweep = compression_sweep(image, ks or DEFAULT_SWEEP, color_space=color_space,
                              random_state=random_state, progress=progress)
    return sweep_figure(sweep), None


def dataset_figures(report: DatasetReport, X: np.ndarray, image_shape: tuple[int, ...],
                    class_names: Sequence[str] | None = None, *,
                    normalize: str | None = None) -> dict:
    """The charts of a data set report, by file name: accuracy and inertia against K, and
    for each K the centres, the confusion matrix (with labels; counts, or shares with
    ``normalize``, see :func:`confusion_figure`) and the nearest and farthest samples of
    each cluster."""
    require_matplotlib()
    figures = {"k.png": k_figure(report)}
    for r in report.results:
        figures[f"centroids-k{r.n_clusters}.png"] = centroids_figure(r, image_shape)
        if r.confusion is not None:
            figures[f"confusion-k{r.n_clusters}.png"] = confusion_figure(
                r, list(class_names) if class_names else None, normalize=normalize)
        figures[f"extremes-k{r.n_clusters}.png"] = extremes_figure(r, X, image_shape)
    return figures


def check_chart_path(path: str | os.PathLike) -> str:
    """The format (``png``, ``svg`` or ``pdf``) a chart is saved in, from its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in CHART_SUFFIXES:
        msg = f"{path}: charts are saved as {', '.join(CHART_SUFFIXES)}"
        raise InvalidParameterError(msg)
    return suffix[1:]


def check_figures_folder(folder: str | os.PathLike) -> None:
    """Refuse, before any work, a folder of charts that is a file."""
    check_output_folder(Path(folder), overwrite=True)


def save_figure(figure, path: str | os.PathLike, *, overwrite: bool = False,
                dpi: int = 110) -> Path:
    """Write a figure atomically, in the format its suffix names (.png, .svg or .pdf)."""
    fmt = check_chart_path(path)
    return write_atomically(path, lambda tmp: figure.savefig(tmp, format=fmt, dpi=dpi),
                            overwrite=overwrite)


def save_figures(folder: str | os.PathLike, figures: dict, *, overwrite: bool = False) -> Path:
    """Write figures by file name into ``folder`` (created if missing), each atomically;
    an existing chart is replaced only with ``overwrite``."""
    target = Path(folder)
    check_figures_folder(target)
    if not overwrite:
        taken = [name for name in figures if (target / name).exists()]
        if taken:
            msg = f"{target / taken[0]}: already exists; use --force to replace it"
            raise OutputExistsError(msg)
    target.mkdir(parents=True, exist_ok=True)
    for name, figure in figures.items():
        save_figure(figure, target / name, overwrite=overwrite, dpi=100)
    return target
