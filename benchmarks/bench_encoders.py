"""Encoder settings for quantized images: file size against encode time, in one run.

    python benchmarks/bench_encoders.py [--big]

The bundled photos (0.14-0.26 MP) and the astronaut resized to 1 MP (and, with ``--big``,
to 12 MP with noise) are quantized to k = 4, 16, 64 and 256 colours, plain and dithered,
and each indexed image is encoded with pixelmeans' settings (``image/indexed.py``) and with
the alternatives they were chosen against. Sizes are relative to pixelmeans' own encode of
the same image; times are the best of three encodes. Written to the "encoders" section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

import numpy as np
from bench_images import twelve_megapixels
from common import ROOT, header, photo, table, write_section
from PIL import Image

from pixelmeans import quantize
from pixelmeans.image.indexed import encode

DATA = ROOT / "src" / "pixelmeans" / "data"
ALTERNATIVES = {
    "PNG": {"pixelmeans": None, "level 6": {"compress_level": 6},
            "level 9": {"compress_level": 9},
            "optimize (level 9)": {"optimize": True}},
    "WEBP": {"pixelmeans": None, "method 4, quality 75": {"method": 4, "quality": 75},
             "method 6, quality 100 (before)": {"method": 6, "quality": 100}},
    "GIF": {"pixelmeans": None, "optimize": {"optimize": True}},
}
SLOW = "method 6, quality 100 (before)"  # seconds per encode: one encode, one photo


def images(big: bool):
    """(name, class, pixels) of each test photo."""
    for name in ("chelsea.jpg", "coffee.jpg", "astronaut.jpg"):
        with Image.open(DATA / name) as im:
            yield name, "small", np.asarray(im.convert("RGB"))
    yield "astronaut 1155×866", "1 MP", photo(1155, 866)
    if big:
        yield "astronaut 4000×3000 + noise", "12 MP", twelve_megapixels()


def _encode(im, fmt, options):
    if options is None:
        return encode(im, fmt)
    extra = {"lossless": True} if fmt == "WEBP" else {}
    buffer = io.BytesIO()
    im.save(buffer, format=fmt, **extra, **options)
    return buffer.getvalue()


def _best_of_three(im, fmt, options, three=True):
    times, data = [], b""
    for _ in range(3 if three else 1):
        start = time.perf_counter()
        data = _encode(im, fmt, options)
        times.append(time.perf_counter() - start)
    return min(times), len(data)


def measure(big: bool) -> list[dict]:
    """One record per image, k, dithering, format and setting."""
    records = []
    for name, size_class, pixels in images(big):
        for k in (4, 16, 64, 256):
            for dither in (False, True):
                im = quantize(pixels, k, dither=dither).to_pil()
                for fmt, settings in ALTERNATIVES.items():
                    for setting, options in settings.items():
                        if setting == SLOW and name != "chelsea.jpg":
                            continue
                        seconds, size = _best_of_three(im, fmt, options, setting != SLOW)
                        records.append({"class": size_class, "image": name, "k": k,
                                        "dither": dither, "format": fmt, "setting": setting,
                                        "seconds": seconds, "bytes": size})
    return records


def summary(records: list[dict]) -> list[dict]:
    """Per format and setting: size against pixelmeans' (median, worst) and the slowest
    encode in each size class."""
    ours = {(r["image"], r["k"], r["dither"], r["format"]): r["bytes"] for r in records
            if r["setting"] == "pixelmeans"}
    classes = list(dict.fromkeys(r["class"] for r in records))
    rows = []
    for fmt, settings in ALTERNATIVES.items():
        for setting in settings:
            mine = [r for r in records if r["format"] == fmt and r["setting"] == setting]
            ratios = [r["bytes"] / ours[(r["image"], r["k"], r["dither"], fmt)] - 1
                      for r in mine]
            row = {"format": fmt, "setting": setting,
                   "size vs pixelmeans: median": f"{statistics.median(ratios):+.1%}",
                   "worst": f"{max(ratios):+.1%}", "best": f"{min(ratios):+.1%}"}
            for size_class in classes:
                times = [r["seconds"] for r in mine if r["class"] == size_class]
                row[f"slowest s, {size_class}"] = f"{max(times):.3f}" if times else "-"
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="add a 12 MP photo (minutes)")
    args = parser.parse_args()
    rows = summary(measure(args.big))
    body = "\n\n".join([
        "## Encoders: file size against encode time",
        header("Pillow") + " Each photo quantized to k = 4, 16, 64, 256, plain and dithered; "
        "sizes relative to pixelmeans' encode of the same image (negative: smaller), times the "
        "best of three. The slow WebP setting (the one used before) is run once, on the "
        "451×300 photo only.",
        table(rows, list(rows[0])),
    ])
    write_section("encoders", body)


if __name__ == "__main__":
    main()
