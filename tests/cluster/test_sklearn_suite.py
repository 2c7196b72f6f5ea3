"""scikit-learn's own K-means tests, run against pixelmeans.

The installed scikit-learn's ``sklearn/cluster/tests/test_k_means.py`` is read, its import
of ``KMeans``, ``MiniBatchKMeans``, ``k_means`` and ``kmeans_plusplus`` from
``sklearn.cluster`` is pointed at :mod:`pixelmeans`, and nothing else is changed. Its test
functions (with their parametrisations) are then collected here as if they were ours, so
every one shows up by name in our runs and any drift of a new scikit-learn release shows up
in CI. Tests that exercise only scikit-learn's private helpers (not its estimators) are
skipped by name, with the reason; every other test must pass.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import types
from pathlib import Path

import numpy as np
import pytest

OURS = ("KMeans", "MiniBatchKMeans", "k_means", "kmeans_plusplus")

# Tests that call only scikit-learn's private Cython helpers (``_mini_batch_step``,
# ``_labels_inertia``, ``_relocate_empty_clusters_*``, ``_euclidean_*_wrapper``,
# ``_inertia_*``, ``_is_same_clustering``): they test scikit-learn, not an estimator.
PRIVATE_HELPERS = {
    "test_relocate_empty_clusters": "tests scikit-learn's private _relocate_empty_clusters_*",
    "test_minibatch_update_consistency":
        "tests scikit-learn's private _mini_batch_step and _labels_inertia",
    "test_minibatch_reassign": "tests scikit-learn's private _mini_batch_step and _labels_inertia",
    "test_euclidean_distance": "tests scikit-learn's private _euclidean_*_dense_wrapper",
    "test_inertia": "tests scikit-learn's private _inertia_dense and _inertia_sparse",
    "test_is_same_clustering": "tests scikit-learn's private _is_same_clustering",
}


def _suite_path() -> Path:
    spec = importlib.util.find_spec("sklearn")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "cluster" / "tests" / "test_k_means.py"


def point_imports_at_pixelmeans(source: str) -> str:
    """``source`` with every ``from sklearn.cluster import ...`` of our four names importing
    them from pixelmeans instead (the other names of such a line still come from
    scikit-learn); fails if no such import is found.

    Examples
    --------
    >>> print(point_imports_at_pixelmeans("from sklearn.cluster import KMeans, DBSCAN"))
    from pixelmeans import KMeans
    from sklearn.cluster import DBSCAN
    """
    lines = source.splitlines(keepends=True)
    found = False
    for node in reversed(ast.parse(source).body):  # from the end: line numbers stay valid
        if not (isinstance(node, ast.ImportFrom) and node.module == "sklearn.cluster"):
            continue
        ours = [a for a in node.names if a.name in OURS]
        if not ours:
            continue
        found = True
        others = [a for a in node.names if a.name not in OURS]

        def names(aliases):
            return ", ".join(a.name + (f" as {a.asname}" if a.asname else "")
                             for a in aliases)

        new = f"from pixelmeans import {names(ours)}\n"
        if others:
            new += f"from sklearn.cluster import {names(others)}\n"
        assert node.end_lineno is not None
        lines[node.lineno - 1 : node.end_lineno] = [new]
    if not found:
        msg = "no import of KMeans/MiniBatchKMeans/k_means/kmeans_plusplus from sklearn.cluster"
        raise AssertionError(msg)
    return "".join(lines).rstrip("\n")


def _load_suite() -> types.ModuleType:
    path = _suite_path()
    source = point_imports_at_pixelmeans(path.read_text(encoding="utf-8"))
    module = types.ModuleType("pixelmeans_sklearn_k_means_suite")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


_suite = _load_suite()

# The suite runs against pixelmeans, not scikit-learn: checked, not assumed.
assert _suite.KMeans.__module__.startswith("pixelmeans.")
assert _suite.MiniBatchKMeans.__module__.startswith("pixelmeans.")

for _name, _test in vars(_suite).items():
    if _name.startswith("test_") and callable(_test):
        if _name in PRIVATE_HELPERS:
            _test = pytest.mark.skip(reason=PRIVATE_HELPERS[_name])(_test)
        globals()[_name] = _test


@pytest.fixture
def global_random_seed():
    """scikit-learn's default seed for these tests (its SKLEARN_TESTS_GLOBAL_RANDOM_SEED)."""
    return 42


@pytest.fixture(params=[np.float64, np.float32], ids=["float64", "float32"])
def global_dtype(request):
    """Both dtypes (scikit-learn runs float32 only when asked to; we always do)."""
    return request.param
