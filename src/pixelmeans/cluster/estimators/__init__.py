"""The engine adapted to scikit-learn: estimators and the :func:`kmeans_plusplus` function.

This is the only part of :mod:`pixelmeans.cluster` that imports scikit-learn.
"""

from .function import k_means
from .kmeans import KMeans
from .minibatch import MiniBatchKMeans
from .plusplus import kmeans_plusplus

__all__ = ["KMeans", "MiniBatchKMeans", "k_means", "kmeans_plusplus"]
