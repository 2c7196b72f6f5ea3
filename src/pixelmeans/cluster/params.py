"""Declarative parameter checks for the estimators.

Each estimator lists its constraints once, in ``_parameter_constraints``; ``validate_params``
checks the stored values against that table at the start of ``fit``. Messages name the
parameter, what was expected and what was received.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InvalidParameterError


@dataclass(frozen=True)
class Interval:
    """A real or integer range; ``None`` for an open end."""

    kind: type  # numbers.Integral or numbers.Real
    low: float | None
    high: float | None
    closed: str = "both"  # "both", "left", "right" or "neither"

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, self.kind):
            return False
        low_ok = self.low is None or (
            value >= self.low if self.closed in ("both", "left") else value > self.low
        )
        high_ok = self.high is None or (
            value <= self.high if self.closed in ("both", "right") else value < self.high
        )
        return bool(low_ok and high_ok)

    def describe(self) -> str:
        name = "an int" if self.kind is numbers.Integral else "a float"
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        low = "-inf" if self.low is None else self.low
        high = "inf" if self.high is None else self.high
        return f"{name} in the range {left}{low}, {high}{right}"


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values."""

    values: tuple

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str | type(None)) and value in self.values

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


class ArrayLike:
    """An array of numbers (shape is checked where it is used)."""

    def accepts(self, value: Any) -> bool:
        return not isinstance(value, str | bytes) and hasattr(value, "__len__")

    def describe(self) -> str:
        return "an array"


class RandomState:
    """``None``, an int seed or a ``numpy.random.RandomState``."""

    def accepts(self, value: Any) -> bool:
        return (
            value is None
            or (isinstance(value, numbers.Integral) and not isinstance(value, bool))
            or isinstance(value, np.random.RandomState)
        )

    def describe(self) -> str:
        return "None, an int or a numpy.random.RandomState"


class Boolean:
    """``True`` or ``False``."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool | np.bool_)

    def describe(self) -> str:
        return "a bool"


class Callable_:
    """A callable."""

    def accepts(self, value: Any) -> bool:
        return callable(value)

    def describe(self) -> str:
        return "a callable"


def validate_params(owner: str, params: Mapping[str, Any], constraints: Mapping) -> None:
    """Check every parameter named in ``constraints``; raise on the first mismatch.

    Examples
    --------
    >>> validate_params("KMeans", {"n_clusters": 3},
    ...                 {"n_clusters": [Interval(numbers.Integral, 1, None)]})
    """
    for name, allowed in constraints.items():
        value = params[name]
        if not any(rule.accepts(value) for rule in allowed):
            expected = " or ".join(rule.describe() for rule in allowed)
            msg = f"{owner}: the '{name}' parameter must be {expected}; got {value!r}."
            raise InvalidParameterError(msg)
