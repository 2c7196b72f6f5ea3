"""The web server under load, on loopback: slider moves on a 12 MP photo, then 20 clients
uploading and sliding at once.

    python benchmarks/bench_web.py [--clients 20] [--seconds 30] [--quick]

The server is ``pixelmeans serve`` in a process of its own (default settings but the cache,
which is set small here so that the clients' uploads overflow it and the bound shows in the
memory figure). A slider move is what the page asks for when k changes: the palette (JSON),
then the preview quantized with it (PNG); its latency is from the first request sent to the
last byte of the second.

1. One client, a 12 MP JPEG: upload, then a slider move at each k of 2 to 32 (each the
   first at that k: nothing remembered), in RGB and OKLab: the issue's target is 300 ms.
2. ``--clients`` threads for ``--seconds``: each uploads a photo (astronaut, chelsea,
   coffee, or a 2 MP photo, each made distinct by a few changed pixels so that every upload
   is new to the server), makes 5 slider moves at random k (2 to 64), and starts again.
   Latency p50/p95 of uploads and of slider moves, errors (any answer but 2xx, or a
   failed connection), and the server's peak resident memory (VmHWM) against its cache limit.

Written to the "web" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import numpy as np
from bench_images import twelve_megapixels
from common import ROOT, header, photo, table, write_section
from PIL import Image

DATA = ROOT / "src" / "pixelmeans" / "data"
CACHE_MB = 256
MOVES_PER_UPLOAD = 5


def jpeg(pixels: np.ndarray, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def start_server(cache_mb: int) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"),
                                                        os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, "-m", "pixelmeans", "serve", "--port", "0",
                                "--cache-mb", str(cache_mb)], stderr=subprocess.PIPE,
                               text=True, env=env)
    line = process.stderr.readline()
    match = re.search(r"serving (http://\S+/)", line)
    if not match:
        process.kill()
        raise RuntimeError(f"the server did not start: {line}")
    return process, match.group(1).rstrip("/")


def rss_mib(pid: int, field: str = "VmHWM") -> float:
    """The process's peak (VmHWM) or current (VmRSS) resident memory."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(field + r":\s*(\d+)", text).group(1)) / 1024


def slide(client: httpx.Client, base: str, upload_id: str, k: int, space: str) -> float:
    """One slider move as the page makes it; its seconds."""
    start = time.perf_counter()
    client.get(f"{base}/api/uploads/{upload_id}/palette",
               params={"k": k, "space": space}).raise_for_status()
    client.get(f"{base}/api/uploads/{upload_id}/quantize",
               params={"k": k, "space": space, "size": "preview"}).raise_for_status()
    return time.perf_counter() - start


def single_client(base: str, ks: list[int]) -> list[dict]:
    data = jpeg(twelve_megapixels())
    rows = []
    with httpx.Client(timeout=300) as client:
        start = time.perf_counter()
        answer = client.post(f"{base}/api/uploads", params={"name": "12mp.jpg"}, content=data)
        answer.raise_for_status()
        upload_seconds = time.perf_counter() - start
        info = answer.json()
        rows.append({"what": f"upload 12 MP JPEG ({len(data) / 2**20:.1f} MiB; decode + "
                             "histogram + preview)",
                     "seconds": f"{upload_seconds:.2f}"})
        for space in ("rgb", "oklab"):
            times = [slide(client, base, info["id"], k, space) for k in ks]
            for k, t in zip(ks, times, strict=True):
                rows.append({"what": f"slider move k={k} {space} (palette + "
                                     f"{info['preview_width']}×{info['preview_height']} "
                                     "preview)", "seconds": f"{t:.3f}"})
        again = slide(client, base, info["id"], ks[-1], "rgb")
        rows.append({"what": f"the same move again (k={ks[-1]} rgb: palette remembered, "
                             "preview redrawn)", "seconds": f"{again:.3f}"})
    return rows


def photos() -> list[tuple[str, np.ndarray]]:
    out = [(name, np.asarray(Image.open(DATA / f"{name}.jpg").convert("RGB")))
           for name in ("astronaut", "chelsea", "coffee")]
    out.append(("2 MP", photo(1632, 1224)))
    return out


def load(base: str, clients: int, seconds: float, seed: int = 0) -> dict:
    pictures = photos()
    uploads, moves, errors = [], [], []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client_loop(number: int) -> None:
        rng = random.Random(seed + number)
        with httpx.Client(timeout=120) as client:
            n = 0
            while time.monotonic() < stop:
                name, pixels = pictures[(number + n) % len(pictures)]
                pixels = pixels.copy()
                pixels[0, :3] = [number, n % 256, n // 256]  # a new photo every time
                n += 1
                try:
                    start = time.perf_counter()
                    answer = client.post(f"{base}/api/uploads", content=jpeg(pixels),
                                         params={"name": f"{name}.jpg"})
                    answer.raise_for_status()
                    took = time.perf_counter() - start
                    with lock:
                        uploads.append(took)
                    upload_id = answer.json()["id"]
                    for _ in range(MOVES_PER_UPLOAD):
                        if time.monotonic() >= stop:
                            break
                        t = slide(client, base, upload_id, rng.randint(2, 64),
                                  rng.choice(("rgb", "oklab")))
                        with lock:
                            moves.append(t)
                except (httpx.HTTPError, KeyError, ValueError) as exc:
                    with lock:
                        errors.append(repr(exc)[:200])

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"uploads": uploads, "moves": moves, "errors": errors}


def percentile(values: list[float], q: float) -> str:
    if not values:
        return "-"
    return f"{np.percentile(values, q):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--quick", action="store_true", help="3 clients for 5 s")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds = 3, 5
    ks = [2, 4, 8, 16, 32]

    process, base = start_server(CACHE_MB)
    try:
        load_before = os.getloadavg()[0]
        httpx.get(f"{base}/api/limits", timeout=60)
        at_start = rss_mib(process.pid, "VmRSS")
        single = single_client(base, ks)
        result = load(base, args.clients, args.seconds)
        peak = rss_mib(process.pid)
        cache = httpx.get(f"{base}/api/limits", timeout=60).json()
        load_after = os.getloadavg()[0]
    finally:
        process.terminate()
        process.wait(timeout=60)

    cold = [float(r["seconds"]) for r in single[1:-1]]
    summary = [
        {"what": "uploads", "count": len(result["uploads"]),
         "p50 s": percentile(result["uploads"], 50), "p95 s": percentile(result["uploads"], 95)},
        {"what": "slider moves (palette + preview)", "count": len(result["moves"]),
         "p50 s": percentile(result["moves"], 50), "p95 s": percentile(result["moves"], 95)},
    ]
    first_error = result["errors"][0] if result["errors"] else ""
    body = "\n".join([
        "## web",
        "",
        header("numpy", "Pillow", "fastapi", "uvicorn", "httpx"),
        f"Load average (1 min) {load_before:.1f} before, {load_after:.1f} after, on "
        f"{os.cpu_count()} cores shared with other work: the figures scale with it.",
        "",
        "`pixelmeans serve` in its own process on 127.0.0.1, cache limit "
        f"{CACHE_MB} MiB, 2 jobs at once (the defaults but the cache). A slider move is the "
        "page's two requests: the palette of the whole photo (its kept histogram) and the "
        "preview redrawn with it.",
        "",
        "One client, a 12 MP photo (each k asked for the first time):",
        "",
        table(single, ["what", "seconds"]),
        "",
        f"Median of the first-time slider moves: {statistics.median(cold):.3f} s "
        f"(target 0.300 s at k ≤ 32).",
        "",
        f"{args.clients} clients for {args.seconds:g} s, each uploading a photo "
        "(astronaut 512×512, chelsea 451×300, coffee 600×400 or 1632×1224, every upload a "
        f"new photo) then making {MOVES_PER_UPLOAD} slider moves at random k in 2–64, "
        "RGB or OKLab:",
        "",
        table(summary, ["what", "count", "p50 s", "p95 s"]),
        "",
        f"Throughput {len(result['moves']) / args.seconds:.1f} slider moves/s. The clients "
        "send without pause, so the server is saturated and a move's latency is mostly its "
        "wait in the queue (Little's law: clients ÷ throughput); nothing is refused while "
        "the queue (64 places) has room.",
        "",
        f"Errors: {len(result['errors'])}{' (first: ' + first_error + ')' if first_error else ''}."
        f" Uploads made: {len(result['uploads']) + 1}; kept at the end: "
        f"{cache['uploads_kept']}, {cache['cache_bytes_used'] / 2**20:.0f} MiB of the "
        f"{CACHE_MB} MiB cache. Server resident memory: {at_start:.0f} MiB at start, peak "
        f"{peak:.0f} MiB (the cache, the libraries loaded by the first jobs, and the jobs' "
        "working memory: a 12 MP upload needs about 250 MiB while its histogram is built).",
    ])
    write_section("web", body)


if __name__ == "__main__":
    main()
