"""The one language for checking public parameters, in the manner of scikit-learn's.

Each public entry point states the values it accepts, once, as a table of constraints, and
checks the values it was given against that table before any work; private helpers below
it assume clean input. Estimators keep their table in ``_parameter_constraints`` and check
it at the start of ``fit``; functions wear the :func:`validated` decorator::

    @validated({"n_colors": [Interval(Integral, 1, 4096)]})
    def extract_palette(image, n_colors=8): ...

A value that no constraint accepts raises :class:`~pixelmeans.errors.InvalidParameterError`
with one line naming the parameter, its owner, what was expected and what was received.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, ParamSpec, Protocol, TypeVar

import numpy as np

from .errors import InvalidParameterError

__all__ = [
    "ArrayLike",
    "Boolean",
    "Callables",
    "Constraint",
    "Constraints",
    "InstanceOf",
    "Integral",
    "Interval",
    "Options",
    "RandomStates",
    "Real",
    "SequenceOf",
    "validate_params",
    "validated",
]


class Constraint(Protocol):
    """What every constraint does: say whether it accepts a value, and describe itself."""

    def accepts(self, value: Any) -> bool: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class Interval:
    """A range of ints (``Integral``) or real numbers (``Real``); ``None`` for an open end.

    Open ends are never reached: ``Interval(Real, 0, None)`` refuses infinity, and every
    interval refuses NaN and booleans.

    Examples
    --------
    >>> Interval(Integral, 1, None).accepts(3), Interval(Real, 0, 1).accepts(float("nan"))
    (True, False)
    >>> Interval(Real, 0, 1, closed="left").describe()
    'a float in the range [0, 1)'
    """

    kind: type
    low: float | None
    high: float | None
    closed: str = "both"  # "both", "left", "right" or "neither"

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool | np.bool_) or not isinstance(value, self.kind):
            return False
        number: Any = value  # an int or a real, as just checked
        if not isinstance(number, Integral) and not math.isfinite(number):
            return False  # NaN or an infinity
        low_ok = self.low is None or (
            number >= self.low if self.closed in ("both", "left") else number > self.low)
        high_ok = self.high is None or (
            number <= self.high if self.closed in ("both", "right") else number < self.high)
        return bool(low_ok and high_ok)

    def describe(self) -> str:
        name = "an int" if self.kind is Integral else "a float"
        left = "[" if self.closed in ("both", "left") and self.low is not None else "("
        right = "]" if self.closed in ("both", "right") and self.high is not None else ")"
        low = "-inf" if self.low is None else self.low
        high = "inf" if self.high is None else self.high
        return f"{name} in the range {left}{low}, {high}{right}"


@dataclass(frozen=True)
class Options:
    """One of a fixed set of strings (or ``None``).

    Examples
    --------
    >>> Options(("rgb", "lab")).accepts("lab"), Options(("rgb", "lab")).describe()
    (True, "one of 'rgb', 'lab'")
    """

    values: tuple

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str | type(None)) and value in self.values

    def describe(self) -> str:
        if self.values == (None,):
            return "None"
        return "one of " + ", ".join(repr(v) for v in self.values)


@dataclass(frozen=True)
class InstanceOf:
    """An instance of a class."""

    kind: type

    def accepts(self, value: Any) -> bool:
        return isinstance(value, self.kind)

    def describe(self) -> str:
        return f"a {self.kind.__module__.split('.')[0]} {self.kind.__name__}"


@dataclass(frozen=True)
class SequenceOf:
    """A list, tuple or array of at least ``min_length`` items, each accepted by ``item``.

    Examples
    --------
    >>> ks = SequenceOf(Interval(Integral, 1, 256))
    >>> ks.accepts([2, 4]), ks.accepts([]), ks.describe()
    (True, False, 'a sequence of at least one int in the range [1, 256]')
    """

    item: Constraint
    min_length: int = 1

    def accepts(self, value: Any) -> bool:
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            return False
        items = list(value)
        return len(items) >= self.min_length and all(self.item.accepts(v) for v in items)

    def describe(self) -> str:
        item = self.item.describe().removeprefix("an ").removeprefix("a ")
        count = "one" if self.min_length == 1 else str(self.min_length)
        return f"a sequence of at least {count} {item}"


class ArrayLike:
    """An array of numbers (its shape is checked where it is used)."""

    def accepts(self, value: Any) -> bool:
        return not isinstance(value, str | bytes) and (
            hasattr(value, "__len__") or hasattr(value, "__array__"))

    def describe(self) -> str:
        return "an array"


class RandomStates:
    """``None``, an int seed in [0, 2**32 - 1] (numpy's range) or a
    ``numpy.random.RandomState``.

    Examples
    --------
    >>> RandomStates().accepts(0), RandomStates().accepts(-1), RandomStates().accepts(2**32)
    (True, False, False)
    """

    def accepts(self, value: Any) -> bool:
        return (value is None or isinstance(value, np.random.RandomState)
                or (isinstance(value, Integral) and not isinstance(value, bool | np.bool_)
                    and 0 <= int(value) < 2**32))

    def describe(self) -> str:
        return "None, an int in [0, 2**32 - 1] or a numpy.random.RandomState"


class Boolean:
    """``True`` or ``False`` (a string such as ``"no"`` is refused, not taken as true)."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool | np.bool_)

    def describe(self) -> str:
        return "a bool"


class Callables:
    """A callable."""

    def accepts(self, value: Any) -> bool:
        return callable(value)

    def describe(self) -> str:
        return "a callable"


Constraints = Mapping[str, Sequence[Constraint]]
"""A table of the values each parameter accepts: any of its constraints."""


def validate_params(owner: str, params: Mapping[str, Any], constraints: Constraints) -> None:
    """Check every parameter named in ``constraints``; raise on the first one refused.

    Examples
    --------
    >>> validate_params("KMeans", {"n_clusters": 0},
    ...                 {"n_clusters": [Interval(Integral, 1, None)]})
    Traceback (most recent call last):
    ...
    pixelmeans.errors.InvalidParameterError: The 'n_clusters' parameter of KMeans must be \
an int in the range [1, inf). Got 0 instead.
    """
    for name, allowed in constraints.items():
        value = params[name]
        if not any(rule.accepts(value) for rule in allowed):
            expected = " or ".join(rule.describe() for rule in allowed)
            msg = f"The '{name}' parameter of {owner} must be {expected}. Got {value!r} instead."
            raise InvalidParameterError(msg)


P = ParamSpec("P")
R = TypeVar("R")


def validated(constraints: Constraints) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a public function so that each call checks its arguments first.

    Examples
    --------
    >>> @validated({"k": [Interval(Integral, 1, 8)]})
    ... def colours(k=4):
    ...     return k
    >>> colours(k=9)
    Traceback (most recent call last):
    ...
    pixelmeans.errors.InvalidParameterError: The 'k' parameter of colours must be an int \
in the range [1, 8]. Got 9 instead.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)
        unknown = set(constraints) - set(signature.parameters)
        if unknown:  # a typo in a constraint table fails at import, not silently
            msg = f"{function.__name__} has no parameter {sorted(unknown)}"
            raise TypeError(msg)

        @functools.wraps(function)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            validate_params(function.__name__, bound.arguments, constraints)
            return function(*args, **kwargs)

        return checked

    return decorate
