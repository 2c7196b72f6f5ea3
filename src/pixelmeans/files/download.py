"""The one downloader: HTTP(S) only, with a timeout per read, a deadline for the whole
download, and a size limit."""

from __future__ import annotations

import time
from typing import Any

from ..errors import PixelmeansError

DEFAULT_TIMEOUT = 20.0
DEFAULT_DEADLINE = 60.0
DEFAULT_MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
_CHUNK = 1 << 16


def is_url(text: object) -> bool:
    """True for a string starting with ``http://`` or ``https://``.

    Examples
    --------
    >>> is_url("https://example.org/a.png"), is_url("a.png")
    (True, False)
    """
    return isinstance(text, str) and text.lower().startswith(("http://", "https://"))


def _opener():
    """urllib's opener, but a redirect may lead to http(s) only (urllib follows ftp too)."""
    import urllib.error
    import urllib.request

    class HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
            if not is_url(newurl):
                reason = f"redirected to {newurl}, which is not an http(s) URL"
                raise urllib.error.URLError(reason)
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(HttpOnlyRedirects)


def download(url: str, *, error: type[PixelmeansError], timeout: float = DEFAULT_TIMEOUT,
             deadline: float = DEFAULT_DEADLINE,
             max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES) -> bytes:
    """The body of ``url``, or ``error`` with one line (invalid URL, HTTP status, redirect
    loop, network failure, a body over ``max_bytes`` whether announced or not, a download
    still going after ``deadline`` seconds).

    ``timeout`` bounds each wait for the server; ``deadline`` the whole download, however
    the server trickles its bytes (it is checked after every read, and no read waits longer
    than ``timeout`` or ``deadline``, so a download ends within about twice ``deadline``).

    Examples
    --------
    >>> from pixelmeans.errors import ImageReadError
    >>> download("http://h:port/", error=ImageReadError)
    Traceback (most recent call last):
    ...
    pixelmeans.errors.ImageReadError: http://h:port/: not a valid URL (nonnumeric port: 'port')
    """
    if not is_url(url):
        msg = f"{url}: only http:// and https:// URLs are supported"
        raise error(msg)
    import http.client  # only when something is downloaded: 25 ms of imports
    import urllib.error
    import urllib.request

    started = time.monotonic()
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "pixelmeans"})
    except ValueError as exc:
        msg = f"{url}: not a valid URL ({exc})"
        raise error(msg) from None
    try:
        with _opener().open(request, timeout=min(timeout, deadline)) as response:
            return read_body(response, url, error=error, started=started, deadline=deadline,
                             max_bytes=max_bytes)
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            msg = f"{url}: too many redirects (a redirect loop?)"
        else:
            msg = f"{url}: download failed with HTTP {exc.code} {exc.reason}"
        raise error(msg) from None
    except http.client.InvalidURL as exc:
        msg = f"{url}: not a valid URL ({exc})"
        raise error(msg) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        if isinstance(exc, PixelmeansError):
            raise
        reason = getattr(exc, "reason", None) or exc or type(exc).__name__
        msg = f"{url}: download failed ({reason})"
        raise error(msg) from None


def read_body(response: Any, url: str, *, error: type[PixelmeansError], started: float,
              deadline: float, max_bytes: int) -> bytes:
    """The body of an HTTP ``response`` (``http.client``/``urllib``), refused with ``error`` when
    it is over ``max_bytes`` (announced or counted) or still arriving ``deadline`` seconds
    after ``started`` (``time.monotonic()``)."""
    length = response.headers.get("Content-Length")
    if length is not None and length.isdigit() and int(length) > max_bytes:
        msg = f"{url}: download of {int(length)} bytes is over the {max_bytes} byte limit"
        raise error(msg)
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(_CHUNK)  # what has arrived, not a full chunk: never stalls
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            msg = f"{url}: download is over the {max_bytes} byte limit"
            raise error(msg)
        if time.monotonic() - started > deadline:
            msg = (f"{url}: download did not finish within {deadline:g} s ({size:,} bytes "
                   "had arrived); the server is too slow")
            raise error(msg)
