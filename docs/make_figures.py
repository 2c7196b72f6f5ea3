"""Render the README's pictures into docs/ (run from the repository root).

    python docs/make_figures.py

Uses real MNIST from ../shared/data/mnist when present, else scikit-learn's digits.
"""

from __future__ import annotations

from pathlib import Path

from pixelmeans.dataset_report import centroid_grid, cluster_dataset
from pixelmeans.datasets import load_digits, load_mnist
from pixelmeans.errors import DatasetError

DOCS = Path(__file__).resolve().parent
MNIST = DOCS.parent.parent / "shared" / "data" / "mnist"


def dataset_centroids(k: int = 16) -> Path:
    """The centres of K-means on MNIST (or digits) as a captioned grid."""
    try:
        train, _ = load_mnist(MNIST)
        name = "mnist"
    except DatasetError:
        train, name = load_digits(), "digits"
    result = cluster_dataset(train.X, train.labels, k, random_state=0).results[0]
    out = DOCS / f"{name}-centroids-k{k}.png"
    centroid_grid(result, train.image_shape, scale=3, columns=8).save(out, optimize=True)
    return out


if __name__ == "__main__":
    print(dataset_centroids())
