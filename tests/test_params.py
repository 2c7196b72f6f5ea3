"""The constraint language of public parameters."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pixelmeans.errors import InvalidParameterError
from pixelmeans.params import (
    Boolean,
    InstanceOf,
    Integral,
    Interval,
    Options,
    Real,
    SequenceOf,
    validate_params,
    validated,
)

bounds = st.one_of(st.none(), st.integers(-5, 5))


@given(low=bounds, high=bounds, value=st.integers(-10, 10),
       closed=st.sampled_from(["both", "left", "right", "neither"]))
def test_interval_of_ints_matches_its_definition(low, high, value, closed):
    above = low is None or (value >= low if closed in ("both", "left") else value > low)
    below = high is None or (value <= high if closed in ("both", "right") else value < high)
    interval = Interval(Integral, low, high, closed)
    assert interval.accepts(value) == (above and below)
    assert interval.accepts(np.int64(value)) == (above and below)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_real_intervals_refuse_nan_and_infinity(value):
    assert Interval(Real, None, None).accepts(value) == math.isfinite(value)


def test_booleans_strings_and_floats_are_not_ints():
    ints = Interval(Integral, 0, None)
    assert not ints.accepts(True) and not ints.accepts(np.bool_(True))
    assert not ints.accepts(2.0) and not ints.accepts("2")
    assert Interval(Real, 0, None).accepts(2) and Interval(Real, 0, None).accepts(10**400)
    assert Boolean().accepts(np.bool_(False)) and not Boolean().accepts("no")
    assert not Options(("rgb",)).accepts(["rgb"]) and Options((None,)).accepts(None)
    assert SequenceOf(ints).accepts(np.array([1, 2])) and not SequenceOf(ints).accepts("12")


def test_messages_name_parameter_owner_expectation_and_value():
    constraints = {"k": [Interval(Integral, 1, 8), Options(("auto",))],
                   "palette": [InstanceOf(dict)]}
    with pytest.raises(InvalidParameterError) as caught:
        validate_params("job", {"k": 0, "palette": {}}, constraints)
    assert str(caught.value) == ("The 'k' parameter of job must be an int in the range [1, 8] "
                                 "or one of 'auto'. Got 0 instead.")
    with pytest.raises(InvalidParameterError, match=r"must be a builtins dict\. Got 3"):
        validate_params("job", {"k": 1, "palette": 3}, constraints)


def test_validated_checks_defaults_keywords_and_positionals():
    calls = []

    @validated({"k": [Interval(Integral, 1, 8)], "dither": [Boolean()]})
    def job(image, k=4, *, dither=False):
        calls.append((image, k, dither))
        return k

    assert job("a", 8, dither=True) == 8 and job("b") == 4
    for bad in ({"k": 9}, {"dither": "no"}, {"k": 2.0}):
        with pytest.raises(InvalidParameterError, match="parameter of job"):
            job("c", **bad)
    assert [c[0] for c in calls] == ["a", "b"]  # refused calls never ran
    assert job.__name__ == "job" and job.__wrapped__ is not None


def test_a_constraint_for_a_missing_parameter_fails_at_definition():
    with pytest.raises(TypeError, match="has no parameter"):
        @validated({"n_colour": [Interval(Integral, 1, 8)]})
        def job(n_colors=4):
            return n_colors
