"""The segment job on a 12 MP photo, side by side with scikit-learn and scikit-image, in one run.

    python benchmarks/bench_segment.py

The photo is the one of bench_images.py (astronaut, 4000×3000, seeded noise). Quality is the
K-means objective each segmentation is meant to minimise, per pixel: the squared CIELAB
distance of each pixel to its segment's centre, plus (with a spatial weight) the squared
scaled position distance. scikit-learn fits the same features on a 100k-pixel sample and
predicts every pixel (fitting all 12 M takes minutes); SLIC (scikit-image) is timed for
reference only: it solves a local problem, not a global k. Written to the "segment" section.
"""

from __future__ import annotations

import warnings

import numpy as np
from bench_images import twelve_megapixels
from common import fmt_s, header, table, timed, write_section
from skimage.color import rgb2lab
from skimage.segmentation import slic
from sklearn.cluster import KMeans as SKKMeans

from pixelmeans import segment
from pixelmeans.tasks.segment import COLOR_EXTENT

K = 5
SAMPLE = 100_000


def features(lab: np.ndarray, weight: float) -> np.ndarray:
    h, w = lab.shape[:2]
    parts = [lab.reshape(-1, 3)]
    if weight:
        scale = weight * COLOR_EXTENT["lab"] / max(h, w)
        yy, xx = np.mgrid[:h, :w].astype(np.float32)
        parts += [(yy * scale).reshape(-1, 1), (xx * scale).reshape(-1, 1)]
    return np.hstack(parts).astype(np.float32)


def objective(X: np.ndarray, labels: np.ndarray) -> float:
    """Mean squared distance of each row to its label's mean (the K-means objective)."""
    labels = labels.ravel()
    k = labels.max() + 1
    counts = np.bincount(labels, minlength=k)
    total = 0.0
    for j in range(X.shape[1]):
        col = X[:, j].astype(np.float64)
        sums = np.bincount(labels, weights=col, minlength=k)
        squares = np.bincount(labels, weights=col * col, minlength=k)
        total += (squares - sums**2 / np.maximum(counts, 1)).sum()
    return total / len(labels)


def sklearn_sample(X: np.ndarray, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    sample = X[rng.choice(len(X), SAMPLE, replace=False)]
    return SKKMeans(K, n_init=3, random_state=seed).fit(sample).predict(X)


def main() -> None:
    warnings.simplefilter("ignore")
    pixels = twelve_megapixels()
    segment(pixels[:200, :200], K, spatial_weight=1.0)  # warm up imports
    lab_seconds, lab = timed(rgb2lab, pixels)
    rows = []
    for weight in (0.0, 1.0):
        X = features(lab.astype(np.float32), weight)
        for min_region in (0, 500):
            seconds, seg = timed(segment, pixels, K, spatial_weight=weight,
                                 min_region=min_region)
            rows.append({"spatial weight": weight, "min_region": min_region,
                         "method": "pixelmeans `segment`", "seconds": fmt_s(seconds),
                         "objective": f"{objective(X, seg.labels):.2f}"})
        seconds, labels = timed(sklearn_sample, X)
        rows.append({"spatial weight": weight, "min_region": 0,
                     "method": f"scikit-image rgb2lab + scikit-learn KMeans on "
                               f"{SAMPLE // 1000}k sampled pixels + predict",
                     "seconds": f"{fmt_s(lab_seconds + seconds)} ({fmt_s(seconds)} without "
                                "rgb2lab)",
                     "objective": f"{objective(X, labels):.2f}"})
    seconds, labels = timed(slic, pixels, n_segments=K, compactness=10, start_label=0)
    rows.append({"spatial weight": "(compactness 10)", "min_region": 0,
                 "method": f"scikit-image `slic`, n_segments={K} (got {labels.max() + 1})",
                 "seconds": fmt_s(seconds), "objective": "—"})
    seg = segment(pixels, K, spatial_weight=1.0, min_region=500)
    extras = []
    for name, call in (("overlay (outline)", seg.overlay), ("regions()", seg.regions),
                       ("cutout(0)", lambda: seg.cutout(0))):
        extras.append({"operation": name, "seconds": fmt_s(timed(call)[0])})
    body = "\n\n".join([
        "## Segment a 12 MP photo (`benchmarks/bench_segment.py`)",
        header("numpy", "scikit-learn", "scikit-image", "pixelmeans"),
        f"k = {K}, CIELAB, the 4000×3000 photo of the palette benchmark, decoded array in, "
        f"H×W labels out, every method from the same RGB array. Objective: mean squared "
        "distance of a pixel to its segment's mean in the clustered features (Lab, plus "
        "scaled position when the spatial weight is 1), lower is better; min_region "
        "merging raises it a little on purpose. pixelmeans converts only the distinct "
        "colours to Lab.",
        table(rows, ["spatial weight", "min_region", "method", "seconds", "objective"]),
        "After `segment(photo, 5, spatial_weight=1, min_region=500)`:",
        table(extras, ["operation", "seconds"]),
    ])
    write_section("segment", body)


if __name__ == "__main__":
    main()
