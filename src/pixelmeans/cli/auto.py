"""``-k auto`` and its targets, shared by ``palette`` and ``quantize``."""

from __future__ import annotations

import argparse

from ..errors import InvalidParameterError
from .options import non_negative_float, positive_int

AUTO = "auto"
DEFAULT_MAX_DELTA_E = 3.0


def count_or_auto(text: str) -> int | str:
    """An argparse type: a whole number >= 1, or ``auto``."""
    return AUTO if text.strip().lower() == AUTO else positive_int(text)


def add_count_or_auto(sub: argparse.ArgumentParser, default: int, *, bytes_target: bool
                      ) -> None:
    """``-k N|auto`` with ``--max-delta-e`` (and ``--max-bytes`` where files are written).

    ``args.colors`` is None when ``-k`` is not given (see :func:`count`)."""
    sub.add_argument("-k", "--colors", type=count_or_auto, metavar="N", default=None,
                     help="number of colours, or 'auto': the fewest colours that meet "
                          "--max-delta-e" + (" or --max-bytes" if bytes_target else "")
                          + f" (default: {default})")
    sub.add_argument("--max-delta-e", type=non_negative_float, metavar="X",
                     help="with -k auto: largest mean CIEDE2000 error of the image drawn "
                          f"with the palette (default: {DEFAULT_MAX_DELTA_E:g})")
    if bytes_target:
        sub.add_argument("--max-bytes", type=positive_int, metavar="N",
                         help="with -k auto: the indexed PNG must fit in N bytes (the most "
                              "colours, so the smallest error, that fit)")


def count(args: argparse.Namespace, default: int) -> int | str:
    """``-k`` as given, or ``default`` when it was not."""
    return default if args.colors is None else args.colors


def auto_target(args: argparse.Namespace) -> dict:
    """The target of ``-k auto`` as keyword arguments, or a clear error when a target is
    given without ``-k auto``."""
    max_bytes = getattr(args, "max_bytes", None)
    if args.colors != AUTO:
        if args.max_delta_e is not None or max_bytes is not None:
            msg = "--max-delta-e and --max-bytes choose k: use them with -k auto"
            raise InvalidParameterError(msg)
        return {}
    if max_bytes is not None:
        if args.max_delta_e is not None:
            msg = "give either --max-delta-e or --max-bytes, not both"
            raise InvalidParameterError(msg)
        return {"max_bytes": max_bytes}
    return {"max_delta_e": DEFAULT_MAX_DELTA_E if args.max_delta_e is None
            else args.max_delta_e}
