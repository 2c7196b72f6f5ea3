"""The upload cache (least recently used out, bounded by bytes) and the job limiter."""

from __future__ import annotations

import threading

import anyio
import numpy as np
import pytest

from pixelmeans.web import work
from pixelmeans.web.cache import UploadCache
from pixelmeans.web.jobs import Busy, JobLimiter, TimedOut

from .conftest import png_bytes

SETTINGS = work.Settings(max_pixels=10**8, preview_side=64)


def an_upload(seed: int, side: int = 40):
    pixels = np.random.default_rng(seed).integers(0, 256, (side, side, 3), dtype=np.uint8)
    return work.new_upload(png_bytes(pixels), f"u{seed}.png", SETTINGS)


def test_the_least_recently_used_upload_goes_first():
    uploads = [an_upload(i) for i in range(4)]
    size = uploads[0].nbytes
    cache = UploadCache(max_bytes=3 * size + size // 2)  # room for three
    for u in uploads[:3]:
        cache.add(u)
    assert cache.get(uploads[0].id) is uploads[0]  # now the most recently used
    cache.add(uploads[3])
    assert cache.get(uploads[1].id) is None  # the least recently used was dropped
    assert {u.id for u in uploads if cache.get(u.id)} == {uploads[i].id for i in (0, 2, 3)}
    assert cache.nbytes == sum(uploads[i].nbytes for i in (0, 2, 3)) <= cache.max_bytes


def test_memory_stays_within_the_limit_for_any_sequence():
    uploads = [an_upload(i, side=20 + 7 * i) for i in range(6)]
    cache = UploadCache(max_bytes=2 * max(u.nbytes for u in uploads))
    for order in ([0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [2, 2, 0, 5, 1, 3]):
        for i in order:
            if cache.get(uploads[i].id) is None:
                cache.add(uploads[i])
            assert cache.nbytes <= cache.max_bytes
            assert cache.nbytes == sum(u.nbytes for u in uploads if u.id in cache._entries)


def test_an_upload_larger_than_the_cache_is_kept_alone():
    big, small = an_upload(1, side=60), an_upload(2)
    cache = UploadCache(max_bytes=1)
    cache.add(small)
    cache.add(big)
    assert len(cache) == 1 and cache.get(big.id) is big
    assert cache.remove(big.id) and not cache.remove(big.id) and cache.nbytes == 0


def test_the_histogram_is_built_once_and_palettes_are_remembered(monkeypatch):
    upload = an_upload(3)
    calls = []
    real = work.palette_from_histogram

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(work, "palette_from_histogram", counting)
    first = work.palette(upload, 5, "rgb", 0)
    again = work.palette(upload, 5, "rgb", 0)
    work.palette(upload, 6, "rgb", 0)
    assert first is again and len(calls) == 2
    assert all(c.get("color_space") == "rgb" for c in calls)


def test_the_limiter_runs_a_bounded_number_and_refuses_beyond_the_queue():
    gate = threading.Event()
    lock = threading.Lock()
    now, most = [0], [0]

    def blocked(name):
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        gate.wait(10)
        with lock:
            now[0] -= 1
        return name

    async def scenario():
        limiter = JobLimiter(max_jobs=1, max_waiting=1, timeout=30)
        results = []
        async with anyio.create_task_group() as tasks:
            async def start(name):
                results.append(await limiter.run(blocked, name))

            tasks.start_soon(start, "a")
            tasks.start_soon(start, "b")
            while limiter.admitted < 2:  # both admitted: one running, one waiting
                await anyio.sleep(0)
            with pytest.raises(Busy):
                await limiter.run(blocked, "c")
            gate.set()
        assert sorted(results) == ["a", "b"] and limiter.admitted == 0
        assert most[0] == 1  # never two threads at once

    anyio.run(scenario)


def test_a_job_over_the_timeout_is_answered_and_its_thread_keeps_the_slot():
    gate, later_ran = threading.Event(), threading.Event()

    async def scenario():
        limiter = JobLimiter(max_jobs=1, max_waiting=1, timeout=0.05)
        with pytest.raises(TimedOut):
            await limiter.run(gate.wait, 10)  # blocks until released below
        assert limiter.admitted == 0  # the request is answered and counted out
        # its thread still computes and holds the only slot: the next job waits, times
        # out, and (its request answered) never runs
        with pytest.raises(TimedOut):
            await limiter.run(later_ran.set)
        gate.set()
        limiter.timeout = 30
        assert await limiter.run(lambda: "free again") == "free again"

    try:
        anyio.run(scenario)
    finally:
        gate.set()
    assert not later_ran.is_set()


def test_a_busy_app_answers_503_json_with_retry_after(monkeypatch, stripes):
    from .conftest import RunningServer, ServerSettings

    httpx = pytest.importorskip("httpx")
    gate, entered = threading.Event(), threading.Event()
    real = work.new_upload

    def slow(*args):
        entered.set()
        gate.wait(10)
        return real(*args)

    monkeypatch.setattr(work, "new_upload", slow)
    data = png_bytes(stripes)
    with RunningServer(ServerSettings(max_jobs=1, max_waiting=0)) as server:
        first: dict = {}
        thread = threading.Thread(target=lambda: first.update(
            r=httpx.post(f"{server.url}/api/uploads", content=data, timeout=30)))
        thread.start()
        assert entered.wait(10)
        busy = httpx.post(f"{server.url}/api/uploads", content=data, timeout=30)
        gate.set()
        thread.join(30)
    assert busy.status_code == 503 and busy.headers["retry-after"]
    assert "busy" in busy.json()["error"]
    assert first["r"].status_code == 201


def test_one_computation_per_key_and_different_keys_in_parallel():
    upload = an_upload(4)
    gate, calls = threading.Event(), []

    def slow():
        calls.append("slow")
        gate.wait(10)
        return "slow value"

    results = {}
    first = threading.Thread(target=lambda: results.update(a=upload.remembered(("k", 1), slow)))
    twin = threading.Thread(target=lambda: results.update(b=upload.remembered(("k", 1), slow)))
    first.start()
    twin.start()
    # another key is not held up by the computation in progress
    other = threading.Thread(target=lambda: results.update(c=upload.remembered(
        ("k", 2), lambda: "other value")))
    other.start()
    other.join(10)
    assert results.get("c") == "other value" and not gate.is_set()
    gate.set()
    first.join(10)
    twin.join(10)
    assert results["a"] == results["b"] == "slow value" and calls == ["slow"]


def test_an_upload_that_stalls_is_answered_408():
    import json
    import socket

    from .conftest import RunningServer, ServerSettings

    with RunningServer(ServerSettings(request_timeout=0.3)) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(b"POST /api/uploads HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
                         b"Content-Type: application/octet-stream\r\n\r\n" + b"x" * 10)
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                chunk = conn.recv(4096)  # the rest of the body never comes
                if not chunk:
                    break
                answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert "longer than 0.3 s" in json.loads(body)["error"]
