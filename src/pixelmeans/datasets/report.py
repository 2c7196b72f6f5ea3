"""Cluster a data set of images for several K and explain the result with numbers.

For each K: fit time, iterations, inertia and, when labels are known, scikit-learn's
homogeneity, completeness, V-measure, NMI and ARI, the accuracy of the majority-label
mapping (on the test split when given) and, when K equals the number of classes, of the
one-to-one (Hungarian) mapping, per-cluster size, majority label and purity, and the
confusion matrix.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import numpy as np

from ..cluster.core.fit import fit_kmeans
from ..cluster.core.kernels import assign, inertia, row_norms_sq
from ..cluster.core.minibatch import fit_minibatch
from ..errors import InvalidParameterError
from ..params import Integral, Interval, Options, RandomStates, SequenceOf, validated
from ..render.pictures import image_grid
from ..render.table import text_table


@dataclass(frozen=True)
class KResult:
    """The clustering for one K."""

    n_clusters: int
    fit_seconds: float
    n_iter: int
    inertia: float
    centers: np.ndarray
    labels: np.ndarray
    homogeneity: float | None = None
    completeness: float | None = None
    v_measure: float | None = None
    nmi: float | None = None
    ari: float | None = None
    accuracy: float | None = None
    accuracy_hungarian: float | None = None
    cluster_sizes: np.ndarray | None = None
    cluster_majority: np.ndarray | None = None
    cluster_purity: np.ndarray | None = None
    confusion: np.ndarray | None = None

    def to_dict(self) -> dict:
        """JSON-ready summary (centres and per-row labels left out)."""
        out = {k: v for k, v in asdict(self).items() if k not in ("centers", "labels")}
        return {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in out.items()}


@dataclass(frozen=True)
class DatasetReport:
    """One :class:`KResult` per K, in the order asked."""

    results: tuple[KResult, ...]
    method: str
    evaluated_on: str  # "train", "test" or "unlabelled"

    def to_dict(self) -> dict:
        return {"method": self.method, "evaluated_on": self.evaluated_on,
                "results": [r.to_dict() for r in self.results]}

    def to_table(self) -> str:
        """Aligned text table, one row per K."""
        header = ["K", "fit s", "iter", "inertia", "accuracy", "hungarian", "NMI", "ARI",
                  "homog."]
        rows = [[str(r.n_clusters), f"{r.fit_seconds:.2f}", str(r.n_iter), f"{r.inertia:.4g}",
                 _pct(r.accuracy), _pct(r.accuracy_hungarian), _num(r.nmi), _num(r.ari),
                 _num(r.homogeneity)] for r in self.results]
        return text_table(header, rows)

    # In notebooks (render/notebook.py draws them).
    def _repr_html_(self) -> str:
        from ..render import notebook

        return notebook.dataset_html([r.to_dict() for r in self.results], self.method,
                                     self.evaluated_on)

    def to_pandas(self):
        """One row per K (the numbers, not the per-cluster lists) as a
        ``pandas.DataFrame`` (needs pandas)."""
        from ..render import notebook

        return notebook.data_frame(notebook.dataset_rows([r.to_dict() for r in self.results]))


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def majority_mapping(clusters: np.ndarray, labels: np.ndarray, n_clusters: int) -> np.ndarray:
    """For each cluster, its most common label (-1 for an empty cluster; ties → smallest).

    Examples
    --------
    >>> majority_mapping(np.array([0, 0, 1, 1, 1]), np.array([3, 3, 1, 2, 2]), 3).tolist()
    [3, 2, -1]
    """
    from sklearn.metrics import confusion_matrix

    table = confusion_matrix(clusters, labels, labels=np.arange(max(n_clusters, labels.max() + 1)))
    table = table[:n_clusters, : labels.max() + 1]
    return np.where(table.sum(axis=1) > 0, table.argmax(axis=1), -1)


def hungarian_mapping(clusters, labels, n_clusters: int) -> np.ndarray:
    """The one-to-one cluster → label map that agrees with the most samples.

    Examples
    --------
    >>> hungarian_mapping(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 1]), 2).tolist()
    [1, 0]
    """
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import confusion_matrix

    n_labels = int(labels.max()) + 1
    size = max(n_clusters, n_labels)
    table = confusion_matrix(clusters, labels, labels=np.arange(size))
    rows, cols = linear_sum_assignment(-table)
    mapping = np.full(n_clusters, -1)
    keep = rows < n_clusters
    mapping[rows[keep]] = cols[keep]
    return mapping


def reading_order(confusion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clusters (rows of a clusters × labels ``confusion``) in an order that reads like the
    labels, and the label each one stands for.

    The one-to-one (Hungarian) matching gives each label its best cluster; every other
    cluster stands for its majority label. Clusters go by that label, the matched one first,
    then by purity, so that the matrix has its large counts on a (stepped) diagonal.

    Examples
    --------
    >>> confusion = np.array([[0, 9, 1], [8, 0, 0], [0, 1, 7], [3, 0, 0]])
    >>> order, label = reading_order(confusion)
    >>> order.tolist(), label[order].tolist()
    ([1, 3, 0, 2], [0, 0, 1, 2])
    """
    from scipy.optimize import linear_sum_assignment

    k = confusion.shape[0]
    rows, cols = linear_sum_assignment(-confusion)
    sizes = confusion.sum(axis=1)
    label = np.where(sizes > 0, confusion.argmax(axis=1), confusion.shape[1])
    label[rows] = cols
    matched = np.zeros(k, bool)
    matched[rows] = True
    purity = confusion.max(axis=1) / np.maximum(sizes, 1)
    return np.lexsort((-purity, ~matched, label)), label


def _as_rows(X, name: str) -> np.ndarray:
    """``X`` as a C-contiguous float32 (kept) or float64 ``(n, d)`` array of finite values."""
    X = np.asarray(X)
    X = np.ascontiguousarray(X, dtype=X.dtype if X.dtype in (np.float32, np.float64)
                             else np.float64)
    if X.ndim != 2 or X.shape[0] == 0 or not np.isfinite(X).all():
        msg = f"{name} must be a 2-D array of finite numbers with at least one row; got shape " \
              f"{X.shape}"
        raise InvalidParameterError(msg)
    return X


def _fit(X, k: int, method: str, random_state, refine_steps: int):
    """``(centers, labels, inertia, n_iter)`` of one fit."""
    if method == "kmeans":
        result = fit_kmeans(X, k, random_state=random_state)
        return result.centers, result.labels, result.inertia, result.n_iter
    fit = fit_minibatch(X, k, refine_steps=refine_steps, random_state=random_state)
    labels = assign(X, row_norms_sq(X), fit.centers).labels
    return fit.centers, labels, inertia(X, labels, fit.centers, np.ones(len(X))), fit.n_iter


def _evaluate(fit, k, seconds, y, X_eval, y_eval) -> KResult:
    from sklearn import metrics

    centers, train, total, n_iter = fit
    base = dict(n_clusters=k, fit_seconds=seconds, n_iter=int(n_iter), inertia=float(total),
                centers=centers, labels=train)
    if y is None:
        return KResult(**base)
    sizes = np.bincount(train, minlength=k)
    n_labels = int(max(y.max(), y_eval.max())) + 1
    confusion = metrics.confusion_matrix(train, y, labels=np.arange(max(k, n_labels)))[
        :k, :n_labels]
    majority = np.where(sizes > 0, confusion.argmax(axis=1), -1)  # as majority_mapping
    purity = np.divide(confusion.max(axis=1), sizes, out=np.zeros(k), where=sizes > 0)
    predicted = train if X_eval is None else assign(
        X_eval, row_norms_sq(X_eval), centers.astype(X_eval.dtype)).labels
    accuracy = float(np.mean(majority[predicted] == y_eval))
    hungarian = None
    if k == n_labels:
        hungarian = float(np.mean(hungarian_mapping(train, y, k)[predicted] == y_eval))
    return KResult(
        **base,
        homogeneity=float(metrics.homogeneity_score(y, train)),
        completeness=float(metrics.completeness_score(y, train)),
        v_measure=float(metrics.v_measure_score(y, train)),
        nmi=float(metrics.normalized_mutual_info_score(y, train)),
        ari=float(metrics.adjusted_rand_score(y, train)),
        accuracy=accuracy, accuracy_hungarian=hungarian, cluster_sizes=sizes,
        cluster_majority=majority, cluster_purity=purity, confusion=confusion,
    )


@validated({
    "n_clusters": [Interval(Integral, 1, None), SequenceOf(Interval(Integral, 1, None))],
    "method": [Options(("kmeans", "minibatch"))],
    "random_state": [RandomStates()],
    "refine_steps": [Interval(Integral, 0, None)],
})
def cluster_dataset(
    X,
    y=None,
    n_clusters: int | Iterable[int] = 10,
    *,
    method: str = "kmeans",
    X_test=None,
    y_test=None,
    random_state=0,
    refine_steps: int = 0,
    progress: Callable[[int, int, int], None] | None = None,
    on_result: Callable[[KResult], None] | None = None,
) -> DatasetReport:
    """Fit K-means for each K and report how well clusters match the labels.

    Parameters
    ----------
    X : array of shape (n, d)
        One row per image (e.g. :attr:`pixelmeans.datasets.loaders.Dataset.X`).
    y : array of shape (n,), optional
        Labels; without them only fit time, iterations and inertia are reported.
    n_clusters : int or iterable of int
    method : {"kmeans", "minibatch"}
    X_test, y_test : optional
        A held-out split: accuracy is then measured there (clusters are mapped to labels on
        the training split).
    random_state : int, default 0
    refine_steps : int, default 0
        With ``method="minibatch"``: full-batch Lloyd steps after the mini-batches (see
        :class:`pixelmeans.MiniBatchKMeans`); ignored by ``"kmeans"``.
    progress : callable, optional
        ``progress(done, total, k)`` after each K.
    on_result : callable, optional
        ``on_result(result)`` with each K's :class:`KResult` as it is made (to show rows as
        they finish).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> report = cluster_dataset(X, y, 10)
    >>> bool(report.results[0].accuracy > 0.6)
    True
    """
    ks = [int(n_clusters)] if isinstance(n_clusters, int | np.integer) \
        else [int(k) for k in n_clusters]
    if (X_test is None) != (y_test is None) or (X_test is not None and y is None):
        msg = "X_test and y_test go together, and need y for the training split"
        raise InvalidParameterError(msg)
    X = _as_rows(X, "X")
    if max(ks) > len(X):
        msg = f"n_samples={len(X)} should be >= n_clusters={max(ks)}."
        raise InvalidParameterError(msg)
    y = None if y is None else np.asarray(y).astype(np.int64)
    X_eval = None if X_test is None else _as_rows(X_test, "X_test")
    y_eval = y if y_test is None else np.asarray(y_test).astype(np.int64)
    results = []
    for done, k in enumerate(ks, 1):
        start = time.perf_counter()
        fit = _fit(X, k, method, random_state, refine_steps)
        results.append(_evaluate(fit, k, time.perf_counter() - start, y, X_eval, y_eval))
        if on_result is not None:
            on_result(results[-1])
        if progress is not None:
            progress(done, len(ks), k)
    evaluated = "unlabelled" if y is None else ("train" if X_test is None else "test")
    return DatasetReport(tuple(results), method, evaluated)


def centroid_grid(result: KResult, image_shape: tuple[int, ...], *, scale: int | None = None,
                  columns: int | None = None):
    """The centres of one K drawn as images in a grid, each captioned with its majority
    label and purity when known. Returns a PIL image.

    ``scale`` enlarges each centre (default: enough for tiles about 80 pixels wide, 3 for
    MNIST's 28×28, 10 for 8×8 digits).

    Examples
    --------
    >>> r = KResult(2, 0.0, 1, 0.0, np.zeros((2, 4)), np.zeros(3, int))
    >>> centroid_grid(r, (2, 2), scale=1).size  # 2 tiles 4 px apart; no labels, no captions
    (8, 2)
    """
    k = result.n_clusters
    tiles = np.clip(np.rint(result.centers * 255), 0, 255).astype(np.uint8)
    majority, purity = result.cluster_majority, result.cluster_purity
    captions = [None if majority is None or purity is None or majority[i] < 0
                else f"{majority[i]}: {purity[i]:.0%}" for i in range(k)]
    if scale is None:
        scale = max(1, round(80 / image_shape[1]))
    return image_grid(tiles.reshape((k, *image_shape)), captions if any(captions) else None,
                      scale=scale, columns=columns)
