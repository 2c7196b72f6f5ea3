"""Whole jobs, file to file, against pngquant, Pylette and fast-colorthief, on real photos.

    python benchmarks/bench_jobs.py [--repeat N] [--quick]

Every job is a fresh process (``pixelmeans quantize|compress|segment|palette``, ``pngquant``,
Pylette's command line, fast-colorthief in a process of its own), timed from start to exit.
The commands take turns round after round, so a noisy machine slows them alike; medians are
reported with their ratios, which are what to read (the absolute seconds depend on the load).

Photos, all real, none upscaled:
- scikit-image's bundled photos (coffee 0.24 MP, astronaut 0.26 MP, rocket 0.27 MP,
  hubble_deep_field 0.87 MP, retina 2 MP), decoded and saved as PNG;
- a 4 MP photo (2560×1600, "EveningGlow") and a 12 MP mosaic (4000×3000) of four real photos
  at their native resolution (2000×1500 centre crops of "EveningGlow", "FallenLeaf", "Path" and
  "ColorfulCups", 2560×1600 JPEGs) from Debian's ``plasma-workspace-wallpapers`` package
  (``apt-get install plasma-workspace-wallpapers``), saved as a JPEG of quality 92 (the jobs'
  ``big.jpg``) and that JPEG decoded and saved as PNG (``big.png``). Without the package
  those rows are skipped, with the reason.

pngquant is Debian's package (``apt-get install pngquant``; its rows are skipped, with the
reason, when it is absent). Quality: PSNR over every pixel; for dithered images, whose point
is to look right from a distance, the mean CIEDE2000 difference after a Gaussian blur of
σ = 1 pixel of both pictures (sampled every second pixel each way). Palette quality: the MSE
of mapping every pixel to its nearest palette colour. The K-means reference is
scikit-learn's ``KMeans(k, n_init=1, random_state=0)`` fitted on the image's distinct
colours with their pixel counts as ``sample_weight`` — the same objective and the same
algorithm as on every pixel, at a fraction of the time. Written to the "jobs" section of
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
from common import header, table, write_section
from PIL import Image

PYTHON = sys.executable
BIN = Path(sys.executable).parent
PIXELMEANS = [str(BIN / "pixelmeans")]
PNGQUANT = shutil.which("pngquant")
WALLPAPERS = Path("/usr/share/wallpapers")
MOSAIC = ("EveningGlow", "FallenLeaf", "Path", "ColorfulCups")
KS = (16, 64, 256)


def wallpaper(name: str) -> Path:
    return WALLPAPERS / name / "contents" / "images" / "2560x1600.jpg"


def make_photos(work: Path) -> tuple[dict[str, Path], list[str]]:
    """The photos as PNG files by name (and big.jpg), and the reasons for any left out."""
    import skimage

    data = Path(skimage.__file__).parent / "data"
    photos, skipped = {}, []
    for name, file in (("coffee", "coffee.png"), ("astronaut", "astronaut.png"),
                       ("rocket", "rocket.jpg"), ("hubble", "hubble_deep_field.jpg"),
                       ("retina", "retina.jpg")):
        with Image.open(data / file) as im:
            photos[name] = work / f"{name}.png"
            im.convert("RGB").save(photos[name])
    if not all(wallpaper(n).exists() for n in MOSAIC):
        skipped.append("4 MP and 12 MP photos: Debian's plasma-workspace-wallpapers is not "
                       "installed")
        return photos, skipped
    with Image.open(wallpaper("EveningGlow")) as im:
        photos["evening 4 MP"] = work / "evening.png"
        im.convert("RGB").save(photos["evening 4 MP"])
    tiles = []
    for name in MOSAIC:
        with Image.open(wallpaper(name)) as im:
            left, top = (im.width - 2000) // 2, (im.height - 1500) // 2
            tiles.append(np.asarray(im.convert("RGB").crop((left, top, left + 2000,
                                                            top + 1500))))
    mosaic = np.vstack([np.hstack(tiles[:2]), np.hstack(tiles[2:])])
    Image.fromarray(mosaic).save(work / "big.jpg", quality=92)
    with Image.open(work / "big.jpg") as im:
        im.save(work / "big.png", compress_level=1)
    photos["mosaic 12 MP"] = work / "big.png"
    return photos, skipped


def pngquant_version() -> str:
    return subprocess.run([str(PNGQUANT), "--version"], capture_output=True,
                          text=True).stdout.strip()


def time_rounds(jobs: dict[str, list[str]], repeat: int, cwd: Path) -> dict[str, float]:
    """Median wall seconds of each command; commands take turns within each round."""
    seconds: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, argv in jobs.items():
            for leftover in cwd.glob("seg*"):
                shutil.rmtree(leftover, ignore_errors=True)
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True, cwd=cwd)
            seconds[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in seconds.items()}


def rgb(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def blurred_delta_e(a: np.ndarray, b: np.ndarray) -> float:
    """Mean CIEDE2000 after a Gaussian blur of σ = 1 px of both pictures."""
    from scipy.ndimage import gaussian_filter
    from skimage.color import deltaE_ciede2000, rgb2lab

    def soft(x):
        return gaussian_filter(x.astype(np.float32) / 255, sigma=(1, 1, 0))[::2, ::2]

    return float(deltaE_ciede2000(rgb2lab(soft(a)), rgb2lab(soft(b))).mean())


def quantize_jobs(photo: Path, name: str, ks, dither: bool) -> dict[str, list[str]]:
    jobs = {}
    for k in ks:
        mode = "dithered" if dither else "no dithering"
        jobs[f"pixelmeans|{name}|{k}|{mode}"] = [*PIXELMEANS, "quantize", str(photo), "-k",
                                                 str(k), "-o", f"pm-{name}-{k}-{dither}.png",
                                                 "--force", *(["--dither"] if dither else [])]
        if PNGQUANT:
            jobs[f"pngquant|{name}|{k}|{mode}"] = [
                PNGQUANT, str(k), *([] if dither else ["--nofs"]), "--force", "-o",
                f"pq-{name}-{k}-{dither}.png", str(photo)]
    return jobs


def quantize_rows(seconds, photos, work) -> list[dict]:
    rows = []
    for key, ours in seconds.items():
        if not key.startswith("pixelmeans|"):
            continue
        _, name, k, mode = key.split("|")
        dither = mode == "dithered"
        original = rgb(photos[name])
        out = work / f"pm-{name}-{k}-{dither}.png"
        row = {"photo": name, "k": k, "dithering": mode, "pixelmeans s": f"{ours:.2f}",
               "bytes": f"{out.stat().st_size:,}", "PSNR": f"{psnr(original, rgb(out)):.2f}"}
        if dither:
            row["blurred ΔE2000"] = f"{blurred_delta_e(original, rgb(out)):.3f}"
        theirs = f"pngquant|{name}|{k}|{mode}"
        if theirs in seconds:
            other = work / f"pq-{name}-{k}-{dither}.png"
            row.update({
                "pngquant s": f"{seconds[theirs]:.2f}",
                "time ×": f"{ours / seconds[theirs]:.2f}",
                "pngquant bytes": f"{other.stat().st_size:,}",
                "size ×": f"{out.stat().st_size / other.stat().st_size:.3f}",
                "pngquant PSNR": f"{psnr(original, rgb(other)):.2f}"})
            if dither:
                row["pngquant blurred ΔE2000"] = f"{blurred_delta_e(original, rgb(other)):.3f}"
        rows.append(row)
    return rows


def other_jobs(work: Path) -> dict[str, list[str]]:
    big = str(work / "big.jpg")
    return {
        "quantize big.jpg -k 16": [*PIXELMEANS, "quantize", big, "-k", "16", "-o", "q.png",
                                   "--force"],
        "compress big.jpg -k 16": [*PIXELMEANS, "compress", big, "-k", "16"],
        "compress big.jpg (default sweep of 8 k)": [*PIXELMEANS, "compress", big],
        "segment big.jpg -k 5 -o seg/": [*PIXELMEANS, "segment", big, "-k", "5", "-o", "seg"],
        "palette big.jpg -k 8": [*PIXELMEANS, "palette", big, "-k", "8", "--format", "json"],
        "fast-colorthief big.jpg, 8 colours": [
            PYTHON, "-c", "import fast_colorthief, json, sys; "
            "print(json.dumps(fast_colorthief.get_palette(sys.argv[1], 8)))", big],
        "pylette big.jpg, 8 colours": [str(BIN / "pylette"), big, "--palette-size", "8",
                                       "--no-stdout", "--export-json", "--output",
                                       str(work / "pylette.json")],
    }


def palette_rows(work: Path) -> list[dict]:
    """MSE of each tool's 8-colour palette of big.jpg, over every pixel."""
    from pixelmeans import color_histogram
    from pixelmeans.image.nearest import nearest_colors

    hist = color_histogram(work / "big.jpg")
    jobs = other_jobs(work)

    def mse(colors) -> float:
        colors = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)
        diff = hist.colors.astype(np.float64) - colors[nearest_colors(hist.colors, colors,
                                                                      "rgb")]
        return float((diff**2).sum(axis=1) @ hist.counts) / hist.n_pixels / 3

    ours = json.loads(subprocess.run(jobs["palette big.jpg -k 8"], check=True,
                                     capture_output=True, text=True).stdout)
    thief = json.loads(subprocess.run(jobs["fast-colorthief big.jpg, 8 colours"], check=True,
                                      capture_output=True, text=True).stdout)
    pylette = json.loads((work / "pylette.json").read_text())["palettes"][0]["colors"]
    return [{"tool": "pixelmeans", "MSE": f"{mse([c['rgb'] for c in ours['colors']]):.1f}"},
            {"tool": "fast-colorthief", "MSE": f"{mse(thief):.1f}"},
            {"tool": "pylette", "MSE": f"{mse([c['rgb'] for c in pylette]):.1f}"}]


def palette_floor(photo: Path, repeat: int) -> list[dict]:
    """Palette of the decoded array against one pack + bincount pass, side by side."""
    from pixelmeans import extract_palette
    from pixelmeans.image.histogram import pack_rgb

    pixels = rgb(photo)
    extract_palette(pixels[:64, :64], 4)  # imports and caches
    times: dict[str, list[float]] = {"floor": [], 8: [], 16: [], 64: []}
    for _ in range(repeat):
        start = time.perf_counter()
        np.bincount(pack_rgb(pixels), minlength=1 << 24)
        times["floor"].append(time.perf_counter() - start)
        for k in (8, 16, 64):
            start = time.perf_counter()
            extract_palette(pixels, k)
            times[k].append(time.perf_counter() - start)
    floor = statistics.median(times["floor"])
    return [{"k": k, "palette s": f"{statistics.median(times[k]):.3f}",
             "pack+bincount s": f"{floor:.3f}",
             "×": f"{statistics.median(times[k]) / floor:.2f}"} for k in (8, 16, 64)]


def kmeans_rows(photos: dict[str, Path]) -> list[dict]:
    """Quantize MSE (every pixel) against scikit-learn's KMeans, k = 8, 16, 64."""
    from sklearn.cluster import KMeans

    from pixelmeans import color_histogram, quantize
    from pixelmeans.image.nearest import nearest_colors

    rows = []
    for name, path in photos.items():
        pixels = rgb(path)
        hist = color_histogram(pixels)
        for k in (8, 16, 64):
            ours = float(np.mean((quantize(pixels, k).image.astype(np.float64) - pixels) ** 2))
            model = KMeans(k, n_init=1, random_state=0).fit(
                hist.colors.astype(np.float64), sample_weight=hist.counts)
            centers = np.clip(np.rint(model.cluster_centers_), 0, 255).astype(np.uint8)
            diff = hist.colors.astype(np.float64) - centers[
                nearest_colors(hist.colors, centers, "rgb")]  # rounded to sRGB, as drawn
            reference = float((diff**2).sum(axis=1) @ hist.counts) / hist.n_pixels / 3
            rows.append({"photo": name, "distinct colours": f"{hist.n_colors:,}", "k": k,
                         "pixelmeans MSE": f"{ours:.3f}",
                         "scikit-learn MSE": f"{reference:.3f}",
                         "×": f"{ours / reference:.4f}"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one round, 12 MP rows only")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    work = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    try:
        photos, skipped = make_photos(work)
        if not PNGQUANT:
            skipped.append("pngquant rows: pngquant is not installed (apt-get install "
                           "pngquant)")
        big = "mosaic 12 MP" if "mosaic 12 MP" in photos else "retina"
        jobs = {**quantize_jobs(photos[big], big, KS, False),
                **quantize_jobs(photos[big], big, KS, True)}
        if not args.quick:
            for name in photos:
                if name != big:
                    jobs.update(quantize_jobs(photos[name], name, (16,), False))
        if big == "mosaic 12 MP":
            jobs.update(other_jobs(work))
        seconds = time_rounds(jobs, repeat, work)
        quantized = quantize_rows(seconds, photos, work)
        parts = [
            "## Whole jobs, file to file (`benchmarks/bench_jobs.py`)",
            header("numpy", "Pillow", "scikit-learn", "scikit-image", "pylette",
                   "fast-colorthief", "pixelmeans")
            + (f" pngquant {pngquant_version()}." if PNGQUANT else "")
            + f" Medians of {repeat} rounds, commands taking turns; read the ratios."
            + "".join(f" Skipped: {reason}." for reason in skipped),
            "### quantize PNG → indexed PNG, against pngquant (`--nofs` when undithered, "
            "its default Floyd–Steinberg when dithered)",
            table(quantized, list(max(quantized, key=len))),
        ]
        if big == "mosaic 12 MP":
            quantize_s = seconds["quantize big.jpg -k 16"]
            others = [{"job (whole process)": name, "median s": f"{seconds[name]:.2f}",
                       "× quantize -k 16": f"{seconds[name] / quantize_s:.2f}"}
                      for name in other_jobs(work)]
            parts += ["### Other jobs on the 12 MP JPEG (`big.jpg`)",
                      table(others, list(others[0])),
                      "Palettes of `big.jpg` (8 colours): MSE over every pixel",
                      table(palette_rows(work), ["tool", "MSE"])]
        parts += ["### Palette of the decoded 12 MP array (in process) against one "
                  "pack + bincount pass over its pixels",
                  table(palette_floor(photos[big], max(repeat, 3)),
                        ["k", "palette s", "pack+bincount s", "×"])]
        if not args.quick:
            rows = kmeans_rows(photos)
            parts += ["### Quantize MSE over every pixel against scikit-learn's KMeans "
                      "(n_init=1, random_state=0)", table(rows, list(rows[0]))]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_section("jobs", "\n\n".join(parts))


if __name__ == "__main__":
    main()
