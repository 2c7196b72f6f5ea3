"""Fetching an image URL for the server without letting it reach private addresses.

A URL typed into a web page makes the server connect somewhere: without care, to the
machine itself or to the private network behind it (server-side request forgery). The host
name is resolved once, every address it resolves to is checked, and the connection goes to
the checked address (the host name only travels in the ``Host`` header and, for HTTPS, the
TLS server name), so a second DNS answer cannot swap in another address. Redirects are
followed by hand, each hop checked the same way.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse

from ..errors import ImageReadError
from ..files.download import read_body

MAX_REDIRECTS = 3
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: Address) -> bool:
    """True for an address on the public internet: not loopback, private, link-local,
    multicast, reserved, unspecified or shared (carrier-grade NAT).

    Examples
    --------
    >>> [is_public(ipaddress.ip_address(a)) for a in ("8.8.8.8", "127.0.0.1", "10.1.2.3",
    ...  "169.254.169.254", "224.0.0.1", "::1", "::ffff:192.168.0.1", "fe80::1")]
    [True, False, False, False, False, False, False, False]
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved
                                       or address.is_unspecified or address.is_loopback
                                       or address.is_link_local)


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (TCP), in the resolver's order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        msg = f"cannot resolve host {host!r} ({exc})"
        raise ImageReadError(msg) from None
    seen: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in seen:
            seen.append(address)
    return seen


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a given address, with ``host`` as the Host header."""

    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = str(address)

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a given address, with ``host`` as Host header, SNI and certificate name."""

    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = str(address)

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _checked_target(url: str, allow_private: bool):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        msg = f"{url}: only http:// and https:// URLs with a host name are supported"
        raise ImageReadError(msg)
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        msg = f"{url}: invalid port"
        raise ImageReadError(msg) from None
    addresses = resolve(parts.hostname, port)
    refused = [a for a in addresses if not is_public(a)]
    if refused and not allow_private:
        msg = (f"{url}: refused: {parts.hostname} resolves to a non-public address "
               f"({refused[0]}); the server only fetches public addresses unless started "
               f"with --allow-private-urls")
        raise ImageReadError(msg)
    if not addresses:
        msg = f"cannot resolve host {parts.hostname!r}"
        raise ImageReadError(msg)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts, port, addresses[0], path


def fetch_url(url: str, *, allow_private: bool = False, timeout: float = 20.0,
              max_bytes: int = 50 << 20) -> bytes:
    """The body of an http(s) URL, refusing non-public addresses unless ``allow_private``.

    Raises :class:`~pixelmeans.errors.ImageReadError` with one line for a refused address,
    an HTTP error, a network failure, a body over ``max_bytes`` or a fetch (redirects
    included) slower than ``timeout`` seconds.

    Examples
    --------
    >>> fetch_url("http://127.0.0.1:9/photo.png")
    Traceback (most recent call last):
    ...
    pixelmeans.errors.ImageReadError: http://127.0.0.1:9/photo.png: refused: 127.0.0.1 \
resolves to a non-public address (127.0.0.1); the server only fetches public addresses \
unless started with --allow-private-urls
    """
    started = time.monotonic()
    for _ in range(MAX_REDIRECTS + 1):
        parts, port, address, path = _checked_target(url, allow_private)
        kind = _PinnedHTTPS if parts.scheme.lower() == "https" else _PinnedHTTP
        connection = kind(parts.hostname, port, address, timeout)
        try:
            connection.request("GET", path, headers={"User-Agent": "pixelmeans",
                                                     "Accept": "image/*"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urllib.parse.urljoin(url, response.getheader("Location"))
                continue
            if response.status != 200:
                msg = f"{url}: download failed with HTTP {response.status} {response.reason}"
                raise ImageReadError(msg)
            return read_body(response, url, error=ImageReadError, started=started,
                             deadline=timeout, max_bytes=max_bytes)
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, ImageReadError):
                raise
            msg = f"{url}: download failed ({exc})"
            raise ImageReadError(msg) from None
        finally:
            connection.close()
    msg = f"{url}: more than {MAX_REDIRECTS} redirects"
    raise ImageReadError(msg)
