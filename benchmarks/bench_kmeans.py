"""pixelmeans' K-means engine side by side with scikit-learn, in one run.

    python benchmarks/bench_kmeans.py [--quick]

For each data set both libraries fit from the same seeds (n_init=1, k-means++), alternating
runs; the table gives median fit times, their ratio, and mean inertia (pixelmeans relative to
scikit-learn). Written to the "kmeans" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import warnings

import numpy as np
from common import fmt_s, header, load_mnist_pixels, photo, table, timed, write_section
from sklearn.cluster import KMeans as SKKMeans
from sklearn.cluster import MiniBatchKMeans as SKMiniBatch
from sklearn.datasets import load_digits, make_blobs

from pixelmeans import KMeans, MiniBatchKMeans
from pixelmeans.cluster.core.kernels import assign, inertia, row_norms_sq


def datasets(quick: bool):
    yield "digits 1797×64", load_digits().data, 10, 20
    X, _ = make_blobs(200_000, 16, centers=64, random_state=0)
    yield "blobs 200k×16", X, 64, 5
    yield "photo pixels 1M×3", photo(1000, 1000).reshape(-1, 3).astype(np.float64), 16, 5
    mnist = load_mnist_pixels()
    if mnist is not None and not quick:
        yield "MNIST 70k×784 (float32)", mnist, 10, 5


def full_inertia(X, centers):
    """Inertia of X with the given centres, computed the same way for both libraries."""
    centers = np.ascontiguousarray(centers, dtype=X.dtype)
    labels = assign(X, row_norms_sq(X), centers).labels
    return inertia(X, labels, centers, np.ones(X.shape[0]))


def compare(X, k, seeds, ours_factory, theirs_factory):
    times = {"ours": [], "sklearn": []}
    inertias = {"ours": [], "sklearn": []}
    for seed in range(seeds):
        for name, factory in (("sklearn", theirs_factory), ("ours", ours_factory)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                seconds, model = timed(factory(seed).fit, X)
            times[name].append(seconds)
            inertias[name].append(full_inertia(X, model.cluster_centers_))
    t_ours, t_sk = statistics.median(times["ours"]), statistics.median(times["sklearn"])
    i_ours, i_sk = np.mean(inertias["ours"]), np.mean(inertias["sklearn"])
    return {
        "scikit-learn s": fmt_s(t_sk), "pixelmeans s": fmt_s(t_ours),
        "time ratio": f"{t_ours / t_sk:.2f}×",
        "inertia vs sklearn": f"{(i_ours / i_sk - 1) * 100:+.2f}%",
        "seeds": seeds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip MNIST")
    args = parser.parse_args()
    full_rows, mini_rows = [], []
    for name, X, k, seeds in datasets(args.quick):
        print(f"{name}, k={k} ...", flush=True)
        row = compare(X, k, seeds, lambda s, k=k: KMeans(k, random_state=s),
                      lambda s, k=k: SKKMeans(k, n_init=1, random_state=s))
        full_rows.append({"data": name, "k": k, **row})
        row = compare(X, k, seeds,
                      lambda s, k=k: MiniBatchKMeans(k, batch_size=1024, random_state=s),
                      lambda s, k=k: SKMiniBatch(k, batch_size=1024, n_init=1,
                                                 random_state=s))
        mini_rows.append({"data": name, "k": k, **row})
    columns = ["data", "k", "scikit-learn s", "pixelmeans s", "time ratio",
               "inertia vs sklearn", "seeds"]
    body = "\n\n".join([
        "## K-means engine against scikit-learn (`benchmarks/bench_kmeans.py`)",
        header("numpy", "scipy", "scikit-learn", "pixelmeans"),
        "Median fit time over the seeds (both libraries from the same seeds, n_init=1, "
        "k-means++, alternating runs); inertia is the mean over the seeds, computed for both "
        "by the same function over all rows. A time ratio below 1× means pixelmeans is "
        "faster.",
        "### KMeans", table(full_rows, columns),
        "### MiniBatchKMeans (batch_size=1024)", table(mini_rows, columns),
    ])
    write_section("kmeans", body)


if __name__ == "__main__":
    main()
