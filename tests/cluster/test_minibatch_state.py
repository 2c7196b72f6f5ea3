"""MiniBatchKMeans keeps the caller's arrays and accepts any stream of batches."""

from __future__ import annotations

import numpy as np

from pixelmeans import KMeans, MiniBatchKMeans


def test_explicit_init_is_never_written_nor_shared(rng):
    X = rng.normal(size=(500, 2))
    init = X[:3].copy()
    before = init.copy()
    for model in (MiniBatchKMeans(3, init=init, n_init=1, random_state=0),
                  KMeans(3, init=init, n_init=1)):
        model.fit(X)
        np.testing.assert_array_equal(init, before)
        assert not np.shares_memory(model.cluster_centers_, init)


def test_partial_fit_takes_a_short_last_batch(rng):
    X = rng.normal(size=(1003, 2))
    model = MiniBatchKMeans(8, random_state=0)
    for start in range(0, len(X), 100):  # the last batch has 3 rows, fewer than 8 clusters
        model.partial_fit(X[start:start + 100])
    assert model.cluster_centers_.shape == (8, 2) and model.n_steps_ == 11
    assert np.isfinite(model.cluster_centers_).all()


def test_fit_then_partial_fit_goes_on_from_the_fit(rng):
    X = rng.normal(size=(600, 2))
    model = MiniBatchKMeans(4, random_state=0, batch_size=100).fit(X)
    steps = model.n_steps_
    model.partial_fit(X[:50])
    assert model.n_steps_ == steps + 1
