"""pixelmeans' K-means engine side by side with scikit-learn, in one run.

    python benchmarks/bench_kmeans.py [--quick]

For each data set both libraries fit from the same seeds (n_init=1, k-means++), alternating
runs; the table gives median fit times, their ratio, and mean inertia (pixelmeans relative to
scikit-learn). Written to the "kmeans" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import warnings

import numpy as np
from common import fmt_s, header, load_mnist_pixels, photo, table, timed, write_section
from sklearn.cluster import KMeans as SKKMeans
from sklearn.cluster import MiniBatchKMeans as SKMiniBatch
from sklearn.datasets import load_digits, make_blobs
from threadpoolctl import threadpool_limits

from pixelmeans import KMeans, MiniBatchKMeans
from pixelmeans.cluster.core.kernels import assign, inertia, row_norms_sq


def sparse_documents(n=100_000, d=20_000, k=20, density=0.001, seed=0):
    """A seeded stand-in for a TF-IDF matrix with cluster structure: ``n`` rows of
    ``d·density`` stored values each, 70% of them in the block of features of the row's
    cluster (its "topic"), the rest anywhere; exponential values; rows scaled to unit
    length, as TF-IDF rows are. CSR, float64."""
    import scipy.sparse as sp

    rng = np.random.RandomState(seed)
    per_row = round(d * density)
    topic = rng.randint(k, size=n)
    block = d // k
    own = rng.uniform(size=(n, per_row)) < 0.7
    cols = np.where(own, topic[:, None] * block + rng.randint(block, size=(n, per_row)),
                    rng.randint(d, size=(n, per_row)))
    values = rng.exponential(1.0, size=(n, per_row))
    X = sp.csr_matrix((values.ravel(), (np.repeat(np.arange(n), per_row), cols.ravel())),
                      shape=(n, d))
    X.sum_duplicates()
    lengths = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / lengths) @ X)


def datasets(quick: bool):
    yield "digits 1797×64", load_digits().data, 10, 20
    X, _ = make_blobs(200_000, 16, centers=64, random_state=0)
    yield "blobs 200k×16", X, 64, 5
    yield "photo pixels 1M×3", photo(1000, 1000).reshape(-1, 3).astype(np.float64), 16, 5
    yield "sparse 100k×20k, 0.1% (CSR)", sparse_documents(), 20, 3
    mnist = load_mnist_pixels()
    if mnist is not None and not quick:
        yield "MNIST 70k×784 (float32)", mnist, 10, 5


def full_inertia(X, centers):
    """Inertia of X with the given centres, computed the same way for both libraries
    (dense or sparse ``X``)."""
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


def run_rows(quick: bool):
    """The KMeans and MiniBatchKMeans rows of every data set, as a pair of lists."""
    full_rows, mini_rows = [], []
    for name, X, k, seeds in datasets(quick):
        print(f"{name}, k={k} ...", flush=True)
        row = compare(X, k, seeds, lambda s, k=k: KMeans(k, random_state=s),
                      lambda s, k=k: SKKMeans(k, n_init=1, random_state=s))
        full_rows.append({"data": name, "k": k, **row})
        row = compare(X, k, seeds,
                      lambda s, k=k: MiniBatchKMeans(k, batch_size=1024, random_state=s),
                      lambda s, k=k: SKMiniBatch(k, batch_size=1024, n_init=1,
                                                 random_state=s))
        mini_rows.append({"data": name, "k": k, **row})
    return full_rows, mini_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip MNIST")
    args = parser.parse_args()
    load = os.getloadavg()[0]  # the machine is shared: say how busy it was
    full_rows, mini_rows = run_rows(args.quick)
    # scikit-learn's OpenMP threads and both libraries' BLAS threads suffer differently
    # from other jobs on the machine: the same comparison with one thread each.
    print("again, one thread each ...", flush=True)
    with threadpool_limits(limits=1):
        full_one, mini_one = run_rows(args.quick)
    columns = ["data", "k", "scikit-learn s", "pixelmeans s", "time ratio",
               "inertia vs sklearn", "seeds"]
    body = "\n\n".join([
        "## K-means engine against scikit-learn (`benchmarks/bench_kmeans.py`)",
        header("numpy", "scipy", "scikit-learn", "pixelmeans"),
        "Median fit time over the seeds (both libraries from the same seeds, n_init=1, "
        "k-means++, alternating runs); inertia is the mean over the seeds, computed for both "
        "by the same function over all rows. A time ratio below 1× means pixelmeans is "
        "faster. The sparse row is a seeded synthetic TF-IDF-like matrix with 20 topics "
        "(`sparse_documents`), given to both as CSR. Load average when the run started: "
        f"{load:.1f} on {os.cpu_count()} cores (other jobs share the machine; compare the "
        "ratios, which come from alternating runs, rather than the seconds). On a busy "
        "machine scikit-learn's OpenMP threads lose more than our BLAS calls, so the last "
        "two tables repeat the comparison with BLAS and OpenMP limited to one thread each.",
        "### KMeans", table(full_rows, columns),
        "### MiniBatchKMeans (batch_size=1024)", table(mini_rows, columns),
        "### KMeans, one thread each", table(full_one, columns),
        "### MiniBatchKMeans (batch_size=1024), one thread each", table(mini_one, columns),
    ])
    write_section("kmeans", body)


if __name__ == "__main__":
    main()
