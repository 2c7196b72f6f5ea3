"""Render the README's pictures into docs/ (run from anywhere).

    python docs/make_figures.py              # every picture
    python docs/make_figures.py clouds sweep # only those (names below)

Everything comes from the bundled photos, except the data set pictures: real MNIST from
../shared/data/mnist when present, else scikit-learn's digits. Charts need the ``plot``
extra. Every run gives the same pictures (fixed seeds).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from pixelmeans import compression_sweep, extract_palette, load_image, quantize, segment
from pixelmeans.datasets.loaders import load_digits, load_mnist
from pixelmeans.datasets.report import centroid_grid, cluster_dataset
from pixelmeans.errors import DatasetError
from pixelmeans.render.compare import before_after
from pixelmeans.render.labels import font

DOCS = Path(__file__).resolve().parent
MNIST = DOCS.parent.parent / "shared" / "data" / "mnist"
PHOTOS = DOCS.parent / "src" / "pixelmeans" / "data"
CHART_DPI = 90


def _save(image: Image.Image, name: str) -> Path:
    out = DOCS / name
    image.save(out, optimize=True)
    return out


def _save_chart(figure, name: str) -> Path:
    out = DOCS / name
    figure.savefig(out, dpi=CHART_DPI, bbox_inches="tight", pad_inches=0.08)
    return out


def _captioned(images: list[np.ndarray], captions: list[str], height: int = 200) -> Image.Image:
    """Pictures side by side, scaled to one height, each with a caption strip below."""
    tiles = [Image.fromarray(a).convert("RGBA") for a in images]
    tiles = [t.resize((round(t.width * height / t.height), height), Image.Resampling.LANCZOS)
             for t in tiles]
    gap, strip = 6, 24
    sheet = Image.new("RGBA", (sum(t.width for t in tiles) + gap * (len(tiles) - 1),
                               height + strip), "white")
    draw = ImageDraw.Draw(sheet)
    face = font(14)
    x = 0
    for tile, caption in zip(tiles, captions, strict=True):
        checker = Image.new("RGBA", tile.size, (235, 235, 235, 255))  # shows transparency
        sheet.paste(Image.alpha_composite(checker, tile), (x, 0))
        draw.text((x + 4, height + 4), caption, fill=(34, 34, 34), font=face)
        x += tile.width + gap
    return sheet.convert("RGB")


def palette() -> Path:
    """The bundled coffee photo's 8-colour palette: its card (each colour with its hex and
    share) where the library draws one, else the proportional swatch."""
    found = extract_palette(PHOTOS / "coffee.jpg", 8)
    card = getattr(found, "card", None)
    picture = card(width=800) if card is not None else found.swatch(width=800, height=80)
    return _save(picture, "coffee-palette.png")


def posterize() -> Path:
    """The astronaut photo redrawn with k = 2, 5, 10, 24 colours, side by side."""
    photo = load_image(PHOTOS / "astronaut.jpg")
    ks = (2, 5, 10, 24)
    images = [photo.pixels] + [quantize(photo, k).image for k in ks]
    return _save(_captioned(images, ["original"] + [f"k = {k}" for k in ks]),
                 "astronaut-k.png")


def compare() -> Path:
    """The coffee photo and its 8-colour version, side by side (``--compare``)."""
    photo = load_image(PHOTOS / "coffee.jpg")
    picture = before_after(photo.pixels, quantize(photo, 8).image,
                           labels=("original", "8 colours"), max_width=450)
    return _save(picture, "coffee-compare.png")


def segments() -> Path:
    """Chelsea the cat in 4 spatial segments: the sheet ``pixelmeans segment`` writes (the
    tinted overlay and each cut-out, captioned with its tint, colour and share)."""
    seg = segment(PHOTOS / "chelsea.jpg", 4, spatial_weight=0.5, min_region=400)
    return _save(seg.contact_sheet(tile=460, columns=3), "chelsea-segments.png")


def clouds() -> Path:
    """The coffee photo's colours before and after quantization to 8 colours."""
    from pixelmeans import plot

    photo = load_image(PHOTOS / "coffee.jpg")
    figure = plot.color_cloud_figure(photo, quantize(photo, 8), n_points=3000)
    return _save_chart(figure, "coffee-clouds.png")


def sweep() -> Path:
    """PNG size and PSNR of the cat photo for k = 2 ... 256."""
    from pixelmeans import plot

    return _save_chart(plot.sweep_figure(compression_sweep(PHOTOS / "chelsea.jpg")),
                       "chelsea-sweep.png")


def _digits():
    """``(name, train, test)``: MNIST when it is here, else scikit-learn's digits."""
    try:
        train, test = load_mnist(MNIST)
        return "mnist", train, test
    except DatasetError:
        return "digits", load_digits(), None


def centroids(k: int = 16) -> Path:
    """The centres of K-means on MNIST (or digits) as a captioned grid."""
    name, train, _ = _digits()
    result = cluster_dataset(train.X, train.labels, k, random_state=0).results[0]
    return _save(centroid_grid(result, train.image_shape, scale=3, columns=8),
                 f"{name}-centroids-k{k}.png")


def confusion(k: int = 10) -> Path:
    """MNIST's (or digits') clusters against labels, matched clusters on the diagonal."""
    from pixelmeans import plot

    name, train, _ = _digits()
    result = cluster_dataset(train.X, train.labels, k, random_state=0).results[0]
    return _save_chart(plot.confusion_figure(result), f"{name}-confusion-k{k}.png")


FIGURES = {f.__name__: f for f in (palette, posterize, compare, segments, clouds, sweep,
                                   centroids, confusion)}

if __name__ == "__main__":
    for chosen in sys.argv[1:] or FIGURES:
        print(FIGURES[chosen]())
