"""The K-means engine: clusters any ``(n, d)`` array, with optional sample weights.

It knows nothing about images.
"""

from .init import kmeans_plusplus
from .kmeans import KMeans
from .minibatch import MiniBatchKMeans

__all__ = ["KMeans", "MiniBatchKMeans", "kmeans_plusplus"]
