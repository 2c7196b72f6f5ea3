"""URL sources: fetched from a local server on 127.0.0.1 only with --allow-private-urls,
every resolved address checked, the connection made to the checked address."""

from __future__ import annotations

import http.server
import ipaddress
import threading
from typing import ClassVar

import numpy as np
import pytest

from pixelmeans.errors import ImageReadError
from pixelmeans.web import urls
from pixelmeans.web.urls import fetch_url, is_public

from .conftest import make_client, png_bytes


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict] = {}
    seen_hosts: ClassVar[list] = []

    def do_GET(self):
        self.seen_hosts.append(self.headers.get("Host"))
        status, headers, body = self.routes.get(self.path, (404, {}, b"missing"))
        self.send_response(status)
        for name, value in headers.items():
            if value is not None:  # None: leave the header out
                self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site(stripes):
    """A web server on 127.0.0.1 with a photo, a redirect, a loop and a large file."""
    photo = png_bytes(stripes)
    _Handler.routes = {
        "/photo.png": (200, {"Content-Type": "image/png"}, photo),
        "/moved": (302, {"Location": "/photo.png"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/big": (200, {}, b"x" * 5000),
    }
    _Handler.seen_hosts = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", photo
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.216.34", True), ("2606:4700::1111", True), ("127.0.0.1", False),
    ("127.8.9.10", False), ("10.0.0.1", False), ("172.16.5.4", False),
    ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("0.0.0.0", False), ("224.0.0.251", False), ("239.255.255.250", False),
    ("255.255.255.255", False), ("::1", False), ("::", False), ("fe80::1", False),
    ("fc00::1", False), ("ff02::1", False), ("::ffff:127.0.0.1", False),
    ("::ffff:8.8.8.8", True),
])
def test_public_addresses(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


def test_the_app_fetches_a_local_url_only_when_allowed(local_site, stripes, temp_root):
    base, photo = local_site
    with make_client(allow_private_urls=True) as client:
        answer = client.post("/api/uploads/url", json={"url": f"{base}/photo.png"})
        assert answer.status_code == 201, answer.text
        info = answer.json()
        assert (info["width"], info["height"], info["bytes"]) == (90, 60, len(photo))
        assert info["name"] == "photo.png"
        palette = client.get(f"/api/uploads/{info['id']}/palette", params={"k": 3}).json()
        assert len(palette["colors"]) == 3
    with make_client() as client:
        refused = client.post("/api/uploads/url", json={"url": f"{base}/photo.png"})
        assert refused.status_code == 400
        assert "--allow-private-urls" in refused.json()["error"]
    assert list(temp_root.iterdir()) == []


def test_redirects_are_followed_and_bounded(local_site):
    base, photo = local_site
    assert fetch_url(f"{base}/moved", allow_private=True) == photo
    with pytest.raises(ImageReadError, match="redirects"):
        fetch_url(f"{base}/loop", allow_private=True)


def test_http_errors_and_size_limits(local_site):
    base, _ = local_site
    with pytest.raises(ImageReadError, match="HTTP 404"):
        fetch_url(f"{base}/nothing", allow_private=True)
    with pytest.raises(ImageReadError, match="5000 bytes is over the 1000 byte limit"):
        fetch_url(f"{base}/big", allow_private=True, max_bytes=1000)


def test_a_body_without_length_is_cut_at_the_limit(local_site):
    base, _ = local_site
    # HTTP/1.0 without Content-Length: the body runs until the server closes
    _Handler.routes["/unannounced"] = (200, {"Content-Length": None}, b"y" * 5000)
    with pytest.raises(ImageReadError, match="download is over the 1000 byte limit"):
        fetch_url(f"{base}/unannounced", allow_private=True, max_bytes=1000)


def test_every_resolved_address_is_checked(monkeypatch):
    monkeypatch.setattr(urls, "resolve", lambda host, port: [
        ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.1.1.1")])
    with pytest.raises(ImageReadError, match=r"non-public address \(10\.1\.1\.1\)"):
        fetch_url("http://mixed.example/photo.png")


def test_the_connection_goes_to_the_checked_address(local_site, monkeypatch):
    """The host name is resolved once (here to the local server) and the request is sent
    to that address with the name in the Host header: a second DNS answer cannot change
    where it goes."""
    base, photo = local_site
    port = int(base.rsplit(":", 1)[1])
    answers = iter([[ipaddress.ip_address("127.0.0.1")]])
    monkeypatch.setattr(urls, "resolve", lambda host, p: next(answers))
    data = fetch_url(f"http://photos.example:{port}/photo.png", allow_private=True)
    assert data == photo
    assert _Handler.seen_hosts[-1] == f"photos.example:{port}"


def test_only_http_urls(monkeypatch):
    for url in ("ftp://example.org/a.png", "file:///etc/passwd", "http:///nohost",
                "gopher://x"):
        with pytest.raises(ImageReadError, match="only http"):
            fetch_url(url)


def test_an_unresolvable_host_is_a_clear_error(monkeypatch):
    def fail(host, port, type=0):
        import socket

        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(urls.socket, "getaddrinfo", fail)
    with pytest.raises(ImageReadError, match=r"cannot resolve host 'nowhere\.invalid'"):
        fetch_url("http://nowhere.invalid/a.png")


def test_the_local_photo_is_what_the_app_reads(local_site, stripes):
    base, _ = local_site
    from pixelmeans.image.load import load_image

    data = fetch_url(f"{base}/photo.png", allow_private=True)
    assert np.array_equal(load_image(data).pixels, stripes)
