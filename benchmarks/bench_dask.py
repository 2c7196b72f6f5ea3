"""The Dask backend side by side with dask-ml and the in-memory engine, and batch scaling.

    python benchmarks/bench_dask.py [--photos 500]

All Dask runs use one dask.distributed LocalCluster (2 worker processes, 1 thread each) on
this machine, with the data persisted on the workers before timing; fits start from the
same seeds. Inertia is recomputed the same way for every method (labels from the final
centres). Batch palettes: N photos (random crops of the bundled photos, 640×480 JPEG) with
1 and then 2 workers, cluster start-up excluded. Written to the "dask" section.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from bench_images import twelve_megapixels
from common import ROOT, fmt_s, header, table, timed, write_section
from PIL import Image

from pixelmeans import KMeans
from pixelmeans.cluster.core.kernels import assign, row_norms_sq
from pixelmeans.scale.batch import batch_palettes
from pixelmeans.scale.runner import open_runner


def true_inertia(X: np.ndarray, centers: np.ndarray) -> float:
    c = np.ascontiguousarray(centers, dtype=X.dtype)
    return float(assign(X, row_norms_sq(X), c).best.astype(np.float64).sum())


def blobs_64(n=1_000_000, k=16, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-5, 5, (k, 64))
    X = centers[rng.integers(0, k, n)] + rng.normal(0, 1.0, (n, 64))
    return X.astype(np.float32)


def engine_rows(name, X, k, da, chunks):
    from dask_ml.cluster import KMeans as DaskMLKMeans
    from distributed import wait

    Xd = da.from_array(X, chunks=(chunks, X.shape[1])).persist()
    wait(Xd)  # the upload to the workers is not part of any method's time
    rows = []
    methods = [
        ("pixelmeans KMeans, in memory (k-means++)",
         lambda: KMeans(k, random_state=0).fit(X).cluster_centers_),
        ("pixelmeans KMeans on Dask, init k-means\\|\\|",
         lambda: KMeans(k, init="k-means||", random_state=0).fit(Xd).cluster_centers_),
        ("pixelmeans KMeans on Dask, init k-means++ on a sample",
         lambda: KMeans(k, random_state=0).fit(Xd).cluster_centers_),
        ("dask-ml KMeans (k-means\\|\\|)",
         lambda: DaskMLKMeans(n_clusters=k, random_state=0).fit(Xd).cluster_centers_),
    ]
    results = {}
    for label, fit in methods:
        seconds, centers = timed(fit)
        results[label] = seconds
        rows.append({"data": name, "k": k, "method": label, "seconds": fmt_s(seconds),
                     "inertia": f"{true_inertia(X, centers):.5g}"})
    ours = results["pixelmeans KMeans on Dask, init k-means++ on a sample"]  # the default
    theirs = results["dask-ml KMeans (k-means\\|\\|)"]
    rows[-1]["seconds"] += f" ({theirs / ours:.1f}× our default)"
    return rows


def make_photos(folder: Path, n: int) -> list[Path]:
    rng = np.random.default_rng(0)
    sources = [np.asarray(Image.open(p).convert("RGB"))
               for p in sorted((ROOT / "src" / "pixelmeans" / "data").glob("*.jpg"))]
    paths = []
    for i in range(n):
        src = sources[i % len(sources)]
        scale = max(640 / src.shape[1], 480 / src.shape[0]) * rng.uniform(1.05, 1.6)
        big = Image.fromarray(src).resize((int(src.shape[1] * scale), int(src.shape[0] * scale)))
        x, y = rng.integers(0, big.width - 640), rng.integers(0, big.height - 480)
        path = folder / f"photo-{i:04d}.jpg"
        big.crop((x, y, x + 640, y + 480)).save(path, quality=90)
        paths.append(path)
    return paths


def batch_rows(n_photos: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_photos(Path(tmp), n_photos)
        times = {}
        for workers in (1, 2):
            with open_runner(workers=workers) as runner:
                batch_palettes(paths[:4], 8, runner=runner)  # warm up the workers
                start = time.perf_counter()
                results = batch_palettes(paths, 8, runner=runner)
                times[workers] = time.perf_counter() - start
            assert all(r.ok for r in results)
            rows.append({"workers": workers, "photos": n_photos,
                         "seconds": fmt_s(times[workers]),
                         "photos per second": f"{n_photos / times[workers]:.1f}"})
        rows[-1]["speed-up"] = f"{times[1] / times[2]:.2f}×"
        start = time.perf_counter()
        batch_palettes(paths, 8)
        in_process = time.perf_counter() - start
        rows.append({"workers": "none (this process)", "photos": n_photos,
                     "seconds": fmt_s(in_process),
                     "photos per second": f"{n_photos / in_process:.1f}"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=500)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import dask.array as da
    from distributed import Client, LocalCluster

    pixels = (twelve_megapixels().reshape(-1, 3) / np.float32(255)).astype(np.float32)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster, \
            Client(cluster):
        rows = engine_rows("photo pixels 12M×3 float32", pixels, 8, da, 1_000_000)
        rows += engine_rows("blobs 1M×64 float32", blobs_64(), 16, da, 100_000)
    print(table(rows, ["data", "k", "method", "seconds", "inertia"]), flush=True)
    batch = batch_rows(args.photos)
    body = "\n\n".join([
        "## Dask: engine and batches (`benchmarks/bench_dask.py`)",
        header("numpy", "scikit-learn", "dask", "distributed", "dask-ml", "pixelmeans"),
        "One LocalCluster, 2 worker processes × 1 thread, data persisted on the workers "
        "before timing (12M×3 in 12 blocks, 1M×64 in 10). Inertia: the sum of squared "
        "distances of every row to its nearest final centre, computed the same way for all.",
        table(rows, ["data", "k", "method", "seconds", "inertia"]),
        "### Batch palettes (k = 8), 640×480 JPEG photos",
        table(batch, ["workers", "photos", "seconds", "photos per second", "speed-up"]),
    ])
    write_section("dask", body)


if __name__ == "__main__":
    main()
