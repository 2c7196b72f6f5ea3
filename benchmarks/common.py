"""Helpers shared by the benchmarks: timing, machine facts, and writing RESULTS.md sections.

Each benchmark owns one section of ``benchmarks/RESULTS.md`` between HTML comment markers,
so running one benchmark keeps the others' latest tables.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import os
import platform
import re
import time
from importlib import metadata
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
ROOT = HERE.parent
MNIST = ROOT.parent / "shared" / "data" / "mnist"


def timed(fn, *args, **kwargs):
    """``(seconds, result)`` of one call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def cpu_name() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    match = re.search(r"model name\s*:\s*(.+)", text)
    return match.group(1).strip() if match else "unknown CPU"


def memory_gib() -> float:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return float("nan")
    return int(re.search(r"MemTotal:\s*(\d+)", text).group(1)) / 2**20


def versions(*packages: str) -> str:
    parts = [f"Python {platform.python_version()}"]
    for name in packages:
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return ", ".join(parts)


def header(*packages: str) -> str:
    date = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f"Measured {date} on {cpu_name()}, {os.cpu_count()} cores, "
            f"{memory_gib():.0f} GiB; {versions(*packages)}.")


def table(rows: list[dict], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section ``name`` of RESULTS.md."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n" \
        "Written by the scripts in this folder (`make bench`); each owns one section.\n"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)
    print(body)


def load_mnist_pixels() -> np.ndarray | None:
    """All 70,000 MNIST digits as float32 rows in [0, 1], or None when absent."""
    files = [MNIST / "train-images-idx3-ubyte.gz", MNIST / "t10k-images-idx3-ubyte.gz"]
    if not all(f.exists() for f in files):
        return None
    parts = []
    for f in files:
        with gzip.open(f) as fh:
            parts.append(np.frombuffer(fh.read(), np.uint8, offset=16))
    return (np.concatenate(parts).reshape(-1, 784) / np.float32(255)).astype(np.float32)


def photo(width: int, height: int) -> np.ndarray:
    """The bundled astronaut photo resized (bicubic) to ``width × height``, as uint8 RGB."""
    from PIL import Image

    with Image.open(ROOT / "src" / "pixelmeans" / "data" / "astronaut.jpg") as im:
        return np.asarray(im.convert("RGB").resize((width, height), Image.BICUBIC))


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"
