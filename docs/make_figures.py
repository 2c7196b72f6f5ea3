"""Render the README's pictures into docs/ (run from the repository root).

    python docs/make_figures.py

Everything comes from the bundled photos, except the data set centres: real MNIST from
../shared/data/mnist when present, else scikit-learn's digits. Charts need the ``plot`` extra.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from pixelmeans import extract_palette, load_image, quantize, segment
from pixelmeans.datasets.loaders import load_digits, load_mnist
from pixelmeans.datasets.report import centroid_grid, cluster_dataset
from pixelmeans.errors import DatasetError

DOCS = Path(__file__).resolve().parent
MNIST = DOCS.parent.parent / "shared" / "data" / "mnist"
PHOTOS = DOCS.parent / "src" / "pixelmeans" / "data"


def _save(image: Image.Image, name: str) -> Path:
    out = DOCS / name
    image.save(out, optimize=True)
    return out


def _captioned(images: list[np.ndarray], captions: list[str], height: int = 200) -> Image.Image:
    """Pictures side by side, scaled to one height, each with a caption strip below."""
    tiles = [Image.fromarray(a).convert("RGBA") for a in images]
    tiles = [t.resize((round(t.width * height / t.height), height), Image.LANCZOS)
             for t in tiles]
    gap, strip = 6, 22
    sheet = Image.new("RGBA", (sum(t.width for t in tiles) + gap * (len(tiles) - 1),
                               height + strip), "white")
    draw = ImageDraw.Draw(sheet)
    x = 0
    for tile, caption in zip(tiles, captions, strict=True):
        checker = Image.new("RGBA", tile.size, (235, 235, 235, 255))  # shows transparency
        sheet.paste(Image.alpha_composite(checker, tile), (x, 0))
        draw.text((x + 4, height + 5), caption, fill="black")
        x += tile.width + gap
    return sheet.convert("RGB")


def palette_swatch() -> Path:
    """The bundled coffee photo's 8-colour palette as a proportional swatch."""
    palette = extract_palette(PHOTOS / "coffee.jpg", 8)
    return _save(palette.swatch(width=800, height=80), "coffee-palette.png")


def posterize_strip(ks=(2, 5, 10, 24)) -> Path:
    """The astronaut photo redrawn with k = 2, 5, 10, 24 colours, side by side."""
    photo = load_image(PHOTOS / "astronaut.jpg")
    images = [photo.pixels] + [quantize(photo, k).image for k in ks]
    return _save(_captioned(images, ["original"] + [f"k = {k}" for k in ks]),
                 "astronaut-k.png")


def segmentation_sheet() -> Path:
    """Chelsea the cat in 4 spatial segments: the sheet ``pixelmeans segment`` writes (the
    tinted overlay and each cut-out, captioned with its tint, colour and share)."""
    seg = segment(PHOTOS / "chelsea.jpg", 4, spatial_weight=0.5, min_region=400)
    return _save(seg.contact_sheet(tile=460, columns=3), "chelsea-segments.png")


def color_clouds() -> Path:
    """The coffee photo's colours before and after quantization to 8 colours."""
    from pixelmeans import plot

    photo = load_image(PHOTOS / "coffee.jpg")
    figure = plot.color_cloud_figure(photo, quantize(photo, 8), n_points=3000)
    out = DOCS / "coffee-clouds.png"
    figure.savefig(out, dpi=80)
    return out


def dataset_centroids(k: int = 16) -> Path:
    """The centres of K-means on MNIST (or digits) as a captioned grid."""
    try:
        train, _ = load_mnist(MNIST)
        name = "mnist"
    except DatasetError:
        train, name = load_digits(), "digits"
    result = cluster_dataset(train.X, train.labels, k, random_state=0).results[0]
    out = DOCS / f"{name}-centroids-k{k}.png"
    centroid_grid(result, train.image_shape, scale=3, columns=8).save(out, optimize=True)
    return out


if __name__ == "__main__":
    for make in (palette_swatch, posterize_strip, segmentation_sheet, color_clouds,
                 dataset_centroids):
        print(make())
