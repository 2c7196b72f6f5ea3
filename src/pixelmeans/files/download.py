"""The one downloader: HTTP(S) only, with a timeout and a size limit."""

from __future__ import annotations

from ..errors import PixelmeansError

DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024


def is_url(text: object) -> bool:
    """True for a string starting with ``http://`` or ``https://``.

    Examples
    --------
    >>> is_url("https://example.org/a.png"), is_url("a.png")
    (True, False)
    """
    return isinstance(text, str) and text.lower().startswith(("http://", "https://"))


def download(url: str, *, error: type[PixelmeansError], timeout: float = DEFAULT_TIMEOUT,
             max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES) -> bytes:
    """The body of ``url``, or ``error`` with one line (HTTP status, network failure, a body
    over ``max_bytes`` whether announced or not)."""
    if not is_url(url):
        msg = f"{url}: only http:// and https:// URLs are supported"
        raise error(msg)
    import urllib.error  # only when something is downloaded: 25 ms of imports
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "pixelmeans"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > max_bytes:
                msg = f"{url}: download of {int(length)} bytes is over the {max_bytes} byte limit"
                raise error(msg)
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        msg = f"{url}: download failed with HTTP {exc.code} {exc.reason}"
        raise error(msg) from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        if isinstance(exc, PixelmeansError):
            raise
        reason = getattr(exc, "reason", exc)
        msg = f"{url}: download failed ({reason})"
        raise error(msg) from None
    if len(data) > max_bytes:
        msg = f"{url}: download is over the {max_bytes} byte limit"
        raise error(msg)
    return data
