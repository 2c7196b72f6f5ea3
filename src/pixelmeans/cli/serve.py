"""``pixelmeans serve``: the web page and HTTP API on this machine (the ``web`` extra)."""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import webbrowser

from ..errors import InvalidParameterError, require
from .options import non_negative_float, positive_int

MIB = 1 << 20
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def configure(sub: argparse.ArgumentParser) -> None:
    """Add the options of this command to its parser."""
    from ..web.settings import ServerSettings

    defaults = ServerSettings()
    sub.description = ("Serve a web page (drop a photo, slide k, download palettes, images "
                       "and segments) and its JSON API; needs the 'web' extra.")
    sub.add_argument("--host", default=defaults.host,
                     help="address to listen on (default: %(default)s, this machine only)")
    sub.add_argument("--port", type=int, default=defaults.port,
                     help="port (default: %(default)s; 0 picks a free one)")
    sub.add_argument("--open", action="store_true", help="open the page in a browser")
    sub.add_argument("--allow-private-urls", action="store_true",
                     help="let URL sources reach loopback, private, link-local and multicast "
                          "addresses (refused by default)")
    sub.add_argument("--max-upload-mb", type=positive_int,
                     default=defaults.max_upload_bytes // MIB, metavar="N",
                     help="largest upload in MiB (default: %(default)s)")
    sub.add_argument("--max-pixels", type=positive_int, default=defaults.max_pixels,
                     metavar="N", help="refuse larger images (default: %(default)s)")
    sub.add_argument("--cache-mb", type=positive_int, default=defaults.cache_bytes // MIB,
                     metavar="N", help="memory for kept uploads in MiB; the least recently "
                                       "used are dropped beyond it (default: %(default)s)")
    sub.add_argument("--jobs", type=positive_int, default=defaults.max_jobs, metavar="N",
                     help="computations at once; more wait in a queue (default: %(default)s)")
    sub.add_argument("--timeout", type=non_negative_float, default=defaults.job_timeout,
                     metavar="SECONDS",
                     help="longest computation before a 504 answer (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    uvicorn = require("uvicorn", "web", "pixelmeans serve")
    from ..web.app import create_app
    from ..web.settings import ServerSettings

    settings = ServerSettings(
        host=args.host, port=args.port, max_upload_bytes=args.max_upload_mb * MIB,
        max_pixels=args.max_pixels, cache_bytes=args.cache_mb * MIB, max_jobs=args.jobs,
        job_timeout=args.timeout, allow_private_urls=args.allow_private_urls)
    if not settings.host.strip():
        msg = "--host: give an address (0.0.0.0 for every IPv4 interface, :: for IPv6)"
        raise InvalidParameterError(msg)
    listening = _listen(settings.host, settings.port)
    if settings.host not in LOOPBACK:  # said once it listens, not before a failure
        print(f"pixelmeans: warning: listening on {settings.host}: other machines can reach "
              "this server, which has no login", file=sys.stderr)
    app = create_app(settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                            timeout_keep_alive=5, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    threading.Thread(target=_announce, args=(server, args.open), daemon=True).start()
    server.run(sockets=[listening])
    return 0


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port``, or one clear line saying why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except (OSError, OverflowError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        msg = f"cannot listen on {host}:{port} ({reason}); choose another --port or --host"
        raise InvalidParameterError(msg) from None


def _announce(server, open_browser: bool) -> None:
    """Once the server listens: print its address (and open the page)."""
    while not server.started:
        if server.should_exit:
            return
        threading.Event().wait(0.05)
    sockets = [s for srv in getattr(server, "servers", []) for s in srv.sockets]
    host, port = sockets[0].getsockname()[:2] if sockets else (server.config.host,
                                                               server.config.port)
    shown = f"[{host}]" if ":" in str(host) else host
    url = f"http://{shown}:{port}/"
    print(f"pixelmeans: serving {url} (Ctrl+C to stop)", file=sys.stderr, flush=True)
    if open_browser:
        webbrowser.open(url)
