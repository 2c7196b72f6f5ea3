"""The engine's core: pure numpy K-means on clean ``(n, d)`` arrays with optional weights.

Kernels (chunked distances and sums), seeding, Lloyd, the bound-based variants (Hamerly,
Elkan), duplicate collapsing, mini-batch steps, and :func:`~.fit.fit_kmeans` /
:func:`~.minibatch.fit_minibatch`, which run them. No scikit-learn here: the image tasks
call these functions directly, and the estimators and the Dask backend are built on them.
"""
