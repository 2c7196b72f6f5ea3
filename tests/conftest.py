"""Shared fixtures: a seeded random generator and small data sets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import settings

# No deadline on any hypothesis example: this machine is shared and its timing is noise.
settings.register_profile("pixelmeans", deadline=None)
settings.load_profile("pixelmeans")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture
def blobs(rng):
    """600 points in 3 well separated groups of 4-D data, with their true group."""
    centers = np.array([[0, 0, 0, 0], [8, 8, 0, 0], [0, 8, 8, 8]], dtype=float)
    truth = np.repeat(np.arange(3), 200)
    X = centers[truth] + rng.normal(0, 1.0, (600, 4))
    return X, truth


@pytest.fixture(scope="session")
def dask_client():
    """A real dask.distributed LocalCluster with 2 worker processes, shared by the session."""
    distributed = pytest.importorskip("distributed",
                                      reason="the 'dask' extra is not installed")
    # dashboard_address=":0": a free port, so that another cluster on 8787 is no conflict
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", memory_limit="1GiB")
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()
