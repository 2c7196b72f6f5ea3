"""Whole commands as a user runs them: start-up, palettes side by side with peers, saves.

    python benchmarks/bench_cli.py [--repeat N] [--quick]

Every command is a fresh process, timed from start to exit; the commands take turns, round
after round, so that a noisy machine slows them alike, and the median of each is reported
with its ratio to the floor (``python -c "import numpy, PIL.Image"``). Peers: fast-colorthief
(its ``get_palette`` with its default quality, in a process of its own) and Pylette's command
line, on the same files and k. The palettes' quality is the quantization MSE (per channel)
of mapping every pixel to its nearest palette colour. A second table times saving a 1 MP
quantized image in each format, in process. Written to the "cli" section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_images import twelve_megapixels
from common import ROOT, header, photo, table, write_section
from PIL import Image

from pixelmeans import color_histogram, quantize
from pixelmeans.image.indexed import encode
from pixelmeans.image.nearest import nearest_colors

PYTHON = sys.executable
BIN = Path(sys.executable).parent
PHOTO = ROOT / "src" / "pixelmeans" / "data" / "chelsea.jpg"
K = 8


def commands(big: Path, work: Path) -> dict[str, list[str]]:
    """The processes to time, by row name."""
    ours = [str(BIN / "pixelmeans")]
    pylette = [str(BIN / "pylette"), str(big), "--palette-size", str(K), "--no-stdout",
               "--export-json", "--output", str(work / "pylette.json")]
    thief = ("import fast_colorthief, json, sys; "
             f"print(json.dumps(fast_colorthief.get_palette(sys.argv[1], {K})))")
    return {
        "floor: python -c 'import numpy, PIL.Image'": [PYTHON, "-c", "import numpy, PIL.Image"],
        "pixelmeans --version": [*ours, "--version"],
        "python -c 'import pixelmeans'": [PYTHON, "-c", "import pixelmeans"],
        f"pixelmeans palette (451×300 JPEG, k={K})": [*ours, "palette", str(PHOTO), "-k", str(K)],
        f"pixelmeans palette (12 MP JPEG, k={K})": [*ours, "palette", str(big), "-k", str(K),
                                                   "--format", "json"],
        f"fast-colorthief (12 MP JPEG, k={K})": [PYTHON, "-c", thief, str(big)],
        f"pylette CLI (12 MP JPEG, k={K})": pylette,
    }


def time_rounds(rows: dict[str, list[str]], repeat: int) -> dict[str, list[float]]:
    """Wall seconds of each command, ``repeat`` times, in turns; also keeps its stdout."""
    seconds: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(repeat):
        for name, argv in rows.items():
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            seconds[name].append(time.perf_counter() - start)
    return seconds


def palette_mse(hist, colors) -> float:
    """Per-channel MSE of mapping every pixel of ``hist`` to its nearest of ``colors``."""
    colors = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)
    nearest = nearest_colors(hist.colors, colors, "rgb")
    diff = hist.colors.astype(np.float64) - colors[nearest]
    return float((diff**2).sum(axis=1) @ hist.counts) / hist.n_pixels / 3


def palettes(big: Path, work: Path) -> dict[str, list]:
    """Each tool's palette of the 12 MP file, as its own command line gives it."""
    ours = subprocess.run([str(BIN / "pixelmeans"), "palette", str(big), "-k", str(K),
                           "--format", "json"], check=True, capture_output=True, text=True)
    rows = commands(big, work)
    thief = subprocess.run(rows[f"fast-colorthief (12 MP JPEG, k={K})"], check=True,
                           capture_output=True, text=True)
    subprocess.run(rows[f"pylette CLI (12 MP JPEG, k={K})"], check=True, capture_output=True)
    pylette = json.loads((work / "pylette.json").read_text())["palettes"][0]["colors"]
    return {"pixelmeans": [c["rgb"] for c in json.loads(ours.stdout)["colors"]],
            "fast-colorthief": json.loads(thief.stdout),
            "pylette": [c["rgb"] for c in pylette]}


def save_times(repeat: int) -> list[dict]:
    """Seconds to encode a quantized 1 MP photo (k = 16 and 256) in each format."""
    image = photo(1155, 866)
    rows = []
    for k in (16, 256):
        q = quantize(image, k)
        for fmt in ("PNG", "WEBP", "GIF"):
            times, size = [], 0
            for _ in range(repeat):
                start = time.perf_counter()
                size = len(encode(q.to_pil(), fmt))
                times.append(time.perf_counter() - start)
            rows.append({"image": "1155×866 photo", "k": k, "format": fmt,
                         "seconds": f"{statistics.median(times):.3f}", "bytes": f"{size:,}"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="3 rounds")
    args = parser.parse_args()
    repeat = 3 if args.quick else args.repeat
    work = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    try:
        big = work / "photo-12mp.jpg"
        Image.fromarray(twelve_megapixels()).save(big, quality=90)
        rows = commands(big, work)
        seconds = time_rounds(rows, repeat)
        hist = color_histogram(big)
        errors = {name: palette_mse(hist, colors) for name, colors in palettes(big, work).items()}
        saves = save_times(repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = statistics.median(next(iter(seconds.values())))
    ours_big = statistics.median(seconds[f"pixelmeans palette (12 MP JPEG, k={K})"])
    lines = []
    for name, values in seconds.items():
        median = statistics.median(values)
        tool = next((t for t in errors if name.lower().startswith(t)), None)
        lines.append({"command (whole process)": name, "median s": f"{median:.3f}",
                      "× floor": f"{median / floor:.2f}",
                      "× pixelmeans 12 MP": f"{median / ours_big:.2f}" if "12 MP" in name
                      else "",
                      "MSE of its palette": f"{errors[tool]:.1f}" if tool and "12 MP" in name
                      else ""})
    body = "\n\n".join([
        "## Whole commands (start-up, palettes, saves)",
        header("numpy", "Pillow", "scikit-learn", "fast-colorthief", "pylette")
        + f" Medians of {repeat} rounds; the commands take turns within each round. The "
          f"12 MP file is the bundled astronaut resized to 4000×3000 with noise (σ = 2), "
          f"saved as a JPEG of quality 90.",
        table(lines, list(lines[0])),
        "Encoding a quantized 1 MP photo (in process, median):",
        table(saves, list(saves[0])),
    ])
    write_section("cli", body)


if __name__ == "__main__":
    main()
