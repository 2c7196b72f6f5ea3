"""``pixelmeans serve``: starts on loopback, answers, stops cleanly; explains a missing
extra."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pixelmeans.cli.main import main
from pixelmeans.errors import MissingDependencyError

SRC = Path(__file__).resolve().parents[2] / "src"


def test_help_lists_the_safety_options(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["serve", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for option in ("--host", "--port", "--open", "--allow-private-urls", "--max-upload-mb",
                   "--cache-mb", "--jobs", "--timeout"):
        assert option in out
    assert "127.0.0.1" in out


def test_serve_starts_on_loopback_answers_and_cleans_up(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get(
        "PYTHONPATH", "")]), "TMPDIR": str(temp)}
    process = subprocess.Popen([sys.executable, "-m", "pixelmeans", "serve", "--port", "0"],
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stderr.readline()  # blocks until the server says where it is
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
        assert match, line
        limits = httpx.get(match.group(1) + "api/limits", timeout=30).json()
        assert limits["allow_private_urls"] is False
        assert len(list(temp.iterdir())) == 1  # the server's own temporary folder
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl+C
        rest = process.communicate(timeout=30)[1]
    assert process.returncode == 130 and "pixelmeans: interrupted" in rest
    assert "Traceback" not in rest
    assert list(temp.iterdir()) == []  # the temporary folder went with the server


def test_a_missing_web_extra_is_named(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pixelmeans: error:") and "pip install 'pixelmeans[web]'" in err
    monkeypatch.setitem(sys.modules, "fastapi", None)
    from pixelmeans.web.app import create_app

    with pytest.raises(MissingDependencyError, match=r"pixelmeans\[web\]"):
        create_app()


def test_a_busy_port_is_one_clear_line(capsys):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pixelmeans: error: cannot listen on 127.0.0.1:{port}")
    assert err.count("\n") == 1
