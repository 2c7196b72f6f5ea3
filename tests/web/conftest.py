"""Fixtures of the web tests: an app with its test client, a real server on a free
loopback port, and photos."""

from __future__ import annotations

import io
import shutil
import socket
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("fastapi", reason="the 'web' extra (fastapi) is not installed")
pytest.importorskip("httpx", reason="httpx (the test client's transport) is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the 'web' extra (uvicorn) is not installed")

with warnings.catch_warnings():
    # Starlette 1.x suggests another HTTP client for its test client; httpx still works.
    warnings.filterwarnings("ignore", message=".*httpx.*")
    from fastapi.testclient import TestClient

from pixelmeans.web.app import create_app  # noqa: E402
from pixelmeans.web.settings import ServerSettings  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "src" / "pixelmeans" / "data"


@pytest.fixture
def temp_root(tmp_path, monkeypatch):
    """The system temporary folder, pointed at an empty folder checked after the test."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def make_client(**settings) -> TestClient:
    return TestClient(create_app(ServerSettings(**settings)))


@pytest.fixture
def client(temp_root):
    """A test client of an app with default settings; the temp folder is empty after it."""
    with make_client() as c:
        yield c
    assert list(temp_root.iterdir()) == []


def png_bytes(pixels: np.ndarray, mode: str | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def stripes() -> np.ndarray:
    """60×90 RGB: three vertical stripes, 30 columns each, of three colours."""
    img = np.zeros((60, 90, 3), np.uint8)
    img[:, :30] = (200, 30, 30)
    img[:, 30:60] = (30, 160, 60)
    img[:, 60:] = (20, 40, 220)
    return img


@pytest.fixture
def photo_bytes() -> bytes:
    return (DATA / "astronaut.jpg").read_bytes()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningServer:
    """A uvicorn server in a thread on a free loopback port."""

    def __init__(self, settings: ServerSettings) -> None:
        port = free_port()
        self.settings = ServerSettings(**{**settings.__dict__, "port": port})
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(create_app(self.settings), host="127.0.0.1", port=port,
                                log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> RunningServer:
        self.thread.start()
        ready = threading.Event()
        while not ready.wait(0.02):  # wait for the condition "started", not for a time
            if self.server.started or not self.thread.is_alive():
                break
        if not self.server.started:
            raise RuntimeError("the test server did not start")
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(temp_root):
    with RunningServer(ServerSettings()) as server:
        yield server
    shutil.rmtree(temp_root / "never", ignore_errors=True)
    assert list(temp_root.iterdir()) == []
