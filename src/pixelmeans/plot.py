"""Pictures that explain a clustering (needs the ``plot`` extra: matplotlib).

matplotlib is imported inside each function, so the rest of pixelmeans works without it.
Every function returns a ``matplotlib.figure.Figure``; nothing is shown or saved here.
"""

from __future__ import annotations

import numpy as np

from .errors import require


def _figure(width: float, height: float):
    require("matplotlib", "plot", "Drawing charts")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def centroids_figure(result, image_shape, *, columns: int | None = None):
    """Each cluster centre as an image, titled with its majority label and purity.

    Examples
    --------
    >>> from pixelmeans.dataset_report import KResult
    >>> r = KResult(4, 0.0, 1, 0.0, np.zeros((4, 9)), np.zeros(4, int))
    >>> len(centroids_figure(r, (3, 3)).axes)
    4
    """
    k = result.n_clusters
    columns = columns or int(np.ceil(np.sqrt(k)))
    rows = int(np.ceil(k / columns))
    fig = _figure(1.1 * columns, 1.25 * rows)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i >= k:
            fig.delaxes(ax)
            continue
        ax.imshow(result.centers[i].reshape(image_shape), cmap="gray_r", vmin=0, vmax=1)
        if result.cluster_majority is not None and result.cluster_majority[i] >= 0:
            ax.set_title(f"{result.cluster_majority[i]} ({result.cluster_purity[i]:.0%})",
                         fontsize=8)
    return fig


def confusion_figure(result, class_names=None):
    """The clusters × labels confusion matrix, clusters ordered by their majority label."""
    confusion = result.confusion
    order = np.lexsort((-result.cluster_purity, result.cluster_majority))
    fig = _figure(6, max(3, 0.12 * len(order) + 1.5))
    ax = fig.subplots()
    image = ax.imshow(confusion[order], aspect="auto", cmap="viridis")
    ax.set_xlabel("label")
    ax.set_ylabel("cluster (by majority label)")
    names = class_names or [str(i) for i in range(confusion.shape[1])]
    ax.set_xticks(range(confusion.shape[1]), names)
    if len(order) <= 40:
        ax.set_yticks(range(len(order)), [str(c) for c in order])
    fig.colorbar(image, ax=ax, label="samples")
    ax.set_title(f"K = {result.n_clusters}")
    return fig


def k_figure(report):
    """Accuracy (when labels are known) and inertia against K."""
    ks = [r.n_clusters for r in report.results]
    fig = _figure(6, 3.5)
    ax = fig.subplots()
    ax.plot(ks, [r.inertia for r in report.results], "o-", color="tab:blue")
    ax.set_xlabel("K")
    ax.set_ylabel("inertia", color="tab:blue")
    if report.results[0].accuracy is not None:
        twin = ax.twinx()
        twin.plot(ks, [r.accuracy for r in report.results], "s-", color="tab:orange")
        twin.set_ylabel(f"accuracy ({report.evaluated_on})", color="tab:orange")
    return fig


def extremes_figure(result, X, image_shape, *, per_cluster: int = 3, max_clusters: int = 16):
    """For each cluster (up to ``max_clusters``), the samples nearest to and farthest from
    its centre: a row of ``per_cluster`` nearest, then ``per_cluster`` farthest."""
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
                ax.imshow(X[picks[j]].reshape(image_shape), cmap="gray_r", vmin=0, vmax=1)
        axes[c, 0].set_title(f"cluster {c}: nearest … farthest", fontsize=7, loc="left")
    return fig
