"""The palette and quantize jobs side by side with scikit-learn and palette libraries, in one run.

    python benchmarks/bench_images.py [--quick]

A 12 MP photo (the bundled astronaut, resized bicubic to 4000×3000 with seeded sensor-like
noise, σ = 2) is given to each method as a decoded array. Quality is the quantization MSE
(per channel) when every pixel is mapped to its nearest palette colour, computed the same
way for all. A second table compares the colour spaces on the bundled photos. Written to the
"images" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import warnings

import numpy as np
from common import ROOT, fmt_s, header, photo, table, timed, write_section
from PIL import Image
from skimage.color import deltaE_ciede2000
from sklearn.cluster import KMeans as SKKMeans

from pixelmeans import Quantized, color_histogram, extract_palette, quantize
from pixelmeans.cluster.core.kernels import assign, row_norms_sq
from pixelmeans.image.colorspace import rgb_to_lab

DATA = ROOT / "src" / "pixelmeans" / "data"


def twelve_megapixels() -> np.ndarray:
    base = photo(4000, 3000).astype(np.int16)
    noise = np.random.default_rng(0).normal(0, 2, base.shape).round().astype(np.int16)
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def quantization_error(hist, colors):
    """Per-channel MSE and mean ΔE2000 of mapping every pixel to its nearest colour."""
    points = hist.colors.astype(np.float64)
    palette = np.asarray(colors, dtype=np.float64)
    nearest = assign(points, row_norms_sq(points), palette)
    mse = float(nearest.best @ hist.counts) / hist.n_pixels / 3
    lab = rgb_to_lab(points / 255)
    delta_e = deltaE_ciede2000(lab, rgb_to_lab(palette[nearest.labels] / 255))
    return mse, float(delta_e @ hist.counts) / hist.n_pixels


_SKLEARN_ALL: dict = {}


def sklearn_all_model(pixels, k):
    """scikit-learn fitted on every pixel (slow: fitted once per k and reused)."""
    if k not in _SKLEARN_ALL:
        flat = pixels.reshape(-1, 3).astype(np.float32)
        _SKLEARN_ALL[k] = timed(SKKMeans(k, n_init=1, random_state=0).fit, flat)
    return _SKLEARN_ALL[k]


def sklearn_all(pixels, k):
    return sklearn_all_model(pixels, k)[1].cluster_centers_


def sklearn_sample(pixels, k):
    flat = pixels.reshape(-1, 3)
    sample = flat[np.random.default_rng(0).choice(len(flat), 10_000, replace=False)]
    return SKKMeans(k, n_init=1, random_state=0).fit(sample.astype(np.float64)).cluster_centers_


def pylette(pixels, k):
    import pylette as pl

    palette = pl.extract_colors(pixels, palette_size=k)
    return [c.rgb for c in palette.colors]


def fast_colorthief(pixels, k):
    import fast_colorthief as fct

    rgba = np.concatenate([pixels, np.full((*pixels.shape[:2], 1), 255, np.uint8)], axis=2)
    return fct.get_palette(rgba, color_count=k, quality=1)


def timed_runs(methods, pixels, ks):
    """``(k, name, seconds, result)`` for every k and every method that is installed."""
    for k in ks:
        for name, method in methods:
            try:
                seconds, result = timed(method, pixels, k)
            except ImportError:
                continue
            yield k, name, seconds, result


def palette_table(pixels, ks, with_sklearn_all):
    hist = color_histogram(pixels)
    methods = [("pixelmeans", lambda p, k: extract_palette(p, k).colors),
               ("scikit-learn on a 10k sample", sklearn_sample),
               ("Pylette 6 (KMeans, resize 256)", pylette),
               ("fast-colorthief (quality 1)", fast_colorthief)]
    if with_sklearn_all:
        methods.insert(1, ("scikit-learn on all pixels", sklearn_all))
    rows = []
    for k, name, seconds, colors in timed_runs(methods, pixels, ks):
        mse, delta_e = quantization_error(hist, colors)
        rows.append({"k": k, "method": name, "seconds": fmt_s(seconds),
                     "colours": len(colors), "MSE": f"{mse:.1f}",
                     "mean ΔE2000": f"{delta_e:.2f}"})
        print(rows[-1], flush=True)
    return rows, hist


# -- quantize: from the decoded array to the redrawn H×W×3 array ---------------------------

def q_pixelmeans(pixels, k):
    q = quantize(pixels, k)
    return q.image, q.labels, q.palette.colors


def q_sklearn_all(pixels, k):
    fit_seconds, model = sklearn_all_model(pixels, k)
    seconds, labels = timed(model.predict, pixels.reshape(-1, 3).astype(np.float32))
    palette = np.clip(np.rint(model.cluster_centers_), 0, 255).astype(np.uint8)
    labels = labels.reshape(pixels.shape[:2])
    return palette[labels], labels, palette, fit_seconds + seconds


def q_sklearn_sample(pixels, k):
    flat = pixels.reshape(-1, 3)
    sample = flat[np.random.default_rng(0).choice(len(flat), 10_000, replace=False)]
    model = SKKMeans(k, n_init=1, random_state=0).fit(sample.astype(np.float32))
    labels = model.predict(flat.astype(np.float32)).reshape(pixels.shape[:2])
    palette = np.clip(np.rint(model.cluster_centers_), 0, 255).astype(np.uint8)
    return palette[labels], labels, palette


def _from_pillow(im):
    labels = np.asarray(im)
    palette = np.asarray(im.getpalette()[: 3 * (int(labels.max()) + 1)], np.uint8).reshape(-1, 3)
    return palette[labels], labels, palette


def q_median_cut(pixels, k):
    return _from_pillow(Image.fromarray(pixels).quantize(
        k, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE))


def q_fast_octree(pixels, k):
    return _from_pillow(Image.fromarray(pixels).quantize(
        k, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE))


def q_libimagequant(pixels, k):
    import imagequant

    rgba = Image.fromarray(pixels).convert("RGBA")
    return _from_pillow(imagequant.quantize_pil_image(rgba, dithering_level=0.0, max_colors=k))


def indexed_png_bytes(labels, palette) -> int:
    """Size of the indexed PNG that pixelmeans writes, for any method's labels and palette."""
    from pixelmeans import Palette

    q = Quantized(Palette(palette, np.full(len(palette), 1 / len(palette))),
                  labels.astype(np.uint8))
    return len(q.encode("PNG"))


def quantize_table(pixels, ks, with_sklearn_all):
    methods = [("pixelmeans", q_pixelmeans),
               ("scikit-learn on a 10k sample, predict all", q_sklearn_sample),
               ("Pillow median cut", q_median_cut), ("Pillow fast octree", q_fast_octree),
               ("libimagequant (imagequant, no dithering)", q_libimagequant)]
    if with_sklearn_all:
        methods.insert(1, ("scikit-learn on all pixels, predict all", q_sklearn_all))
    original = pixels.astype(np.int32)
    rows = []
    for k, name, seconds, result in timed_runs(methods, pixels, ks):
        image, labels, palette = result[:3]
        if len(result) == 4:
            seconds = result[3]
        mse = float(((image.astype(np.int32) - original) ** 2).mean())
        rows.append({"k": k, "method": name, "seconds": fmt_s(seconds),
                     "MSE": f"{mse:.1f}", "PSNR dB": f"{10 * np.log10(255**2 / mse):.2f}",
                     "indexed PNG bytes": f"{indexed_png_bytes(labels, palette):,}"})
        print(rows[-1], flush=True)
    return rows


def color_space_table(k):
    rows = []
    for path in sorted(DATA.glob("*.jpg")):
        with Image.open(path) as im:
            pixels = np.asarray(im.convert("RGB"))
        hist = color_histogram(pixels)
        for space in ("rgb", "lab", "oklab"):
            seconds, palette = timed(extract_palette, pixels, k, color_space=space)
            mse, delta_e = quantization_error(hist, palette.colors)
            rows.append({"photo": path.name, "space": space, "seconds": fmt_s(seconds),
                         "MSE": f"{mse:.1f}", "mean ΔE2000": f"{delta_e:.2f}"})
    return rows


def decode_seconds(pixels) -> float:
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="JPEG", quality=90)
    data = buf.getvalue()
    seconds, _ = timed(lambda: np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="skip scikit-learn on all pixels (about a minute per k)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    pixels = twelve_megapixels()
    extract_palette(pixels[:100, :100], 8)  # warm up imports and caches
    rows, hist = palette_table(pixels, (8, 16, 64), not args.quick)
    quantized = quantize_table(pixels, (8, 16, 64), not args.quick)
    spaces = color_space_table(8)
    body = "\n\n".join([
        "## Palette of a 12 MP photo (`benchmarks/bench_images.py`)",
        header("numpy", "Pillow", "scikit-learn", "scikit-image", "pylette", "fast-colorthief",
               "imagequant", "pixelmeans"),
        f"Input: the bundled astronaut photo resized to 4000×3000 with seeded noise "
        f"(σ = 2): {hist.n_pixels:,} pixels, {hist.n_colors:,} distinct colours, given to "
        f"every method as a decoded array. Decoding it from a quality-90 JPEG takes "
        f"{decode_seconds(pixels):.2f} s here. MSE is per channel, over all pixels, each "
        "mapped to its nearest palette colour; ΔE2000 likewise.",
        table(rows, ["k", "method", "seconds", "colours", "MSE", "mean ΔE2000"]),
        "### Quantize the same photo: decoded array → redrawn H×W×3 array (no dithering)",
        "Time includes fitting and mapping every pixel. PNG sizes are of the indexed PNG "
        "pixelmeans writes (smallest bit depth, zlib level 9) for each method's labels and "
        "palette, so they compare the palettes, not the encoders.",
        table(quantized, ["k", "method", "seconds", "MSE", "PSNR dB", "indexed PNG bytes"]),
        "### Colour spaces (k = 8, bundled photos)",
        "Why `rgb` is the default: it gives the lowest RGB error (what PSNR measures when the "
        "photo is redrawn with the palette); `lab`/`oklab` trade some of it for perceptual "
        "(ΔE2000) error.",
        table(spaces, ["photo", "space", "seconds", "MSE", "mean ΔE2000"]),
    ])
    write_section("images", body)


if __name__ == "__main__":
    main()
