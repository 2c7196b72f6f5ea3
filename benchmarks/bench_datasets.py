"""Clustering MNIST with pixelmeans and scikit-learn side by side, in one run.

    python benchmarks/bench_datasets.py

60,000 training digits as float32 rows in [0, 1]; clusters are mapped to labels by
majority on the training split and accuracy is measured on the 10,000 test digits.
n_init=1, random_state=0 for both. Written to the "datasets" section of RESULTS.md.
"""

from __future__ import annotations

import warnings

from common import MNIST, fmt_s, header, table, write_section
from sklearn.cluster import KMeans as SKKMeans
from sklearn.cluster import MiniBatchKMeans as SKMiniBatch

from pixelmeans.dataset_report import cluster_dataset
from pixelmeans.datasets import load_mnist


class _SKKMeans(SKKMeans):
    def __init__(self, n_clusters=8, random_state=None):
        super().__init__(n_clusters, n_init=1, random_state=random_state)


class _SKMiniBatch(SKMiniBatch):
    def __init__(self, n_clusters=8, random_state=None):
        super().__init__(n_clusters, n_init=1, random_state=random_state)


def run(name, method, k, train, test, sklearn_class=None):
    import pixelmeans.dataset_report as report_module

    saved = report_module.KMeans, report_module.MiniBatchKMeans
    if sklearn_class is not None:  # the same report code, with scikit-learn's estimator
        report_module.KMeans = report_module.MiniBatchKMeans = sklearn_class
    try:
        r = cluster_dataset(train.X, train.labels, k, method=method, X_test=test.X,
                            y_test=test.labels).results[0]
    finally:
        report_module.KMeans, report_module.MiniBatchKMeans = saved
    row = {"library": name, "method": method, "K": k, "fit s": fmt_s(r.fit_seconds),
           "inertia": f"{r.inertia:.4g}", "test accuracy": f"{r.accuracy:.3f}",
           "NMI": f"{r.nmi:.3f}"}
    print(row, flush=True)
    return row


def main() -> None:
    if not (MNIST / "train-images-idx3-ubyte.gz").exists():
        print(f"skipped: real MNIST not found in {MNIST}")
        return
    warnings.simplefilter("ignore")
    train, test = load_mnist(MNIST)
    rows = []
    for method, k in (("kmeans", 10), ("minibatch", 256), ("kmeans", 256)):
        sk_class = _SKKMeans if method == "kmeans" else _SKMiniBatch
        rows.append(run("scikit-learn", method, k, train, test, sk_class))
        rows.append(run("pixelmeans", method, k, train, test))
    body = "\n\n".join([
        "## Clustering MNIST (`benchmarks/bench_datasets.py`)",
        header("numpy", "scikit-learn", "pixelmeans"),
        "60,000 training digits (float32 in [0, 1]), n_init=1, random_state=0; clusters "
        "mapped to labels by majority on the training split; accuracy on the 10,000 test "
        "digits. Both libraries go through the same `cluster_dataset` code.",
        table(rows, ["library", "method", "K", "fit s", "inertia", "test accuracy", "NMI"]),
    ])
    write_section("datasets", body)


if __name__ == "__main__":
    main()
