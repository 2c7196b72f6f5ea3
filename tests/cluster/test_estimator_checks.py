"""scikit-learn's own conformance checks, run on both estimators."""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from pixelmeans import KMeans, MiniBatchKMeans

# Seeding draws from weighted rows differ from draws over repeated rows, so the labels of a
# randomly seeded fit are permuted; scikit-learn marks the same check for its own KMeans.
# Equivalence from the same initial centres is tested in test_kmeans.py.
_WEIGHT_CHECK = {
    "check_sample_weight_equivalence_on_dense_data":
        "random seeding on weighted rows draws differently from repeated rows",
    "check_sample_weight_equivalence_on_sparse_data":
        "random seeding on weighted rows draws differently from repeated rows",
}


# Some checks fit 8 clusters on data with 4 distinct points; the warning is then correct.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(
    [KMeans(n_init=2), MiniBatchKMeans(n_init=2, batch_size=50)],
    expected_failed_checks=lambda estimator: _WEIGHT_CHECK,
)
def test_scikit_learn_compatible(estimator, check):
    check(estimator)
