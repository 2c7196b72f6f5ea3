"""The limits and switches of a web server, checked once when it is configured."""

from __future__ import annotations

from dataclasses import dataclass

from ..image.load import DEFAULT_MAX_PIXELS
from ..params import Boolean, Constraints, Integral, Interval, Real, validate_params

MIB = 1 << 20

SETTINGS_CONSTRAINTS: Constraints = {
    "port": [Interval(Integral, 0, 65535)],
    "max_upload_bytes": [Interval(Integral, 1, None)],
    "max_pixels": [Interval(Integral, 1, None)],
    "cache_bytes": [Interval(Integral, 1, None)],
    "max_jobs": [Interval(Integral, 1, None)],
    "max_waiting": [Interval(Integral, 0, None)],
    "job_timeout": [Interval(Real, 0, None, closed="neither")],
    "request_timeout": [Interval(Real, 0, None, closed="neither")],
    "preview_side": [Interval(Integral, 16, None)],
    "allow_private_urls": [Boolean()],
}


@dataclass(frozen=True)
class ServerSettings:
    """How a ``pixelmeans serve`` server behaves.

    Attributes
    ----------
    host, port : str, int
        Where to listen; ``127.0.0.1`` (this machine only) by default.
    max_upload_bytes : int
        Largest upload or downloaded URL body (default 50 MiB).
    max_pixels : int
        Largest image, checked before decoding (the command line's bomb guard).
    cache_bytes : int
        Memory for kept uploads (encoded file, histogram, preview); the least recently used
        are dropped beyond it (default 1 GiB).
    max_jobs : int
        Computations running at once; more wait in a queue of ``max_waiting``, and beyond
        that a request is answered 503 "busy" at once.
    job_timeout, request_timeout : float
        Seconds a computation may take (then 504), and seconds to receive an upload or fetch
        a URL (then 408 or 400).
    preview_side : int
        Longest side of the pictures the page shows (downloads are full resolution).
    allow_private_urls : bool
        Let URL sources reach loopback, private, link-local and multicast addresses.

    Examples
    --------
    >>> ServerSettings(max_jobs=0)
    Traceback (most recent call last):
    ...
    pixelmeans.errors.InvalidParameterError: The 'max_jobs' parameter of ServerSettings \
must be an int in the range [1, inf). Got 0 instead.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_bytes: int = 50 * MIB
    max_pixels: int = min(DEFAULT_MAX_PIXELS, 100_000_000)
    cache_bytes: int = 1024 * MIB
    max_jobs: int = 2
    max_waiting: int = 64
    job_timeout: float = 120.0
    request_timeout: float = 30.0
    preview_side: int = 1024
    allow_private_urls: bool = False

    def __post_init__(self) -> None:
        validate_params("ServerSettings", {name: getattr(self, name)
                                           for name in SETTINGS_CONSTRAINTS},
                        SETTINGS_CONSTRAINTS)
