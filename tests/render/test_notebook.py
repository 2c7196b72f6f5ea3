"""Results in notebooks: the HTML parses, embedded pictures decode, tables convert.

Jupyter itself is not needed: a notebook calls ``_repr_html_`` / ``_repr_png_``, and these
tests do the same, then read the HTML back with html.parser and the PNGs with Pillow.
"""

from __future__ import annotations

import base64
import io
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixelmeans import (
    MissingDependencyError,
    compress,
    compression_sweep,
    extract_palette,
    quantize,
    segment,
)
from pixelmeans.datasets.report import cluster_dataset

PHOTO = Path(__file__).parents[2] / "src" / "pixelmeans" / "data" / "chelsea.jpg"
VOID = {"img", "br"}


class Reader(HTMLParser):
    """Checks that every tag closes in order; collects images, cells and background colours."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.images: list[Image.Image] = []
        self.cells: list[str] = []
        self.backgrounds: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            head, data = attrs["src"].split(",", 1)
            assert head == "data:image/png;base64"
            self.images.append(Image.open(io.BytesIO(base64.b64decode(data))))
            self.images[-1].load()
        elif tag not in VOID:
            self.open.append(tag)
        style = attrs.get("style") or ""
        if "background:" in style:
            self.backgrounds.append(style.split("background:")[1].split(";")[0])

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing open"

    def handle_data(self, data):
        if self.open and self.open[-1] in ("td", "th"):
            self.cells.append(data)


def read(text: str) -> Reader:
    reader = Reader()
    reader.feed(text)
    reader.close()
    assert reader.open == []
    return reader


def png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_palette_shows_its_colours_and_shares():
    palette = extract_palette(PHOTO, 5)
    page = read(palette._repr_html_())
    assert all(hx in page.backgrounds for hx in palette.hex)
    assert f"{palette.weights[0]:.1%}" in page.cells
    swatch = png(palette._repr_png_())
    assert {swatch.getpixel((1, 1))[:3]} <= {tuple(int(v) for v in c) for c in palette.colors}


def test_quantized_shows_the_picture_and_its_palette():
    q = quantize(PHOTO, 6)
    page = read(q._repr_html_())
    (picture,) = page.images
    assert picture.size == (451, 300)
    np.testing.assert_array_equal(np.asarray(picture.convert("RGB")), q.image)
    assert all(hx in page.backgrounds for hx in q.palette.hex)
    assert png(q._repr_png_()).size == (451, 300)


def test_large_pictures_are_scaled_down_for_the_notebook():
    big = np.random.default_rng(0).integers(0, 256, (300, 2000, 3), dtype=np.uint8)
    q = quantize(big, 4)
    assert read(q._repr_html_()).images[0].size == (640, 96)


def test_segmentation_shows_a_picture_and_the_segments():
    seg = segment(PHOTO, 3)
    page = read(seg._repr_html_())
    assert len(page.images) == 1 and page.images[0].width <= 1000
    summary = seg.to_dict(max_regions=0)["segments"]
    assert [c for c in page.cells if c.startswith("#")] == [s["hex"] for s in summary]
    assert png(seg._repr_png_()).size == page.images[0].size


def test_compression_report_and_sweep_tables():
    report, _ = compress(PHOTO, 4)
    page = read(report._repr_html_())
    assert page.cells[:2] == ["colours", "PNG bytes"] and "4" in page.cells
    sweep = compression_sweep(PHOTO, (2, 8))
    page = read(sweep._repr_html_())
    header = len(page.cells) // 3
    assert page.cells[header] == "2" and page.cells[2 * header] == "8"


def test_dataset_report_table():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    report = cluster_dataset(X / 16, y, [4, 10])
    page = read(report._repr_html_())
    assert page.cells[0] == "K" and f"{report.results[1].accuracy:.1%}" in page.cells


def test_to_pandas_where_pandas_is_installed():
    pandas = pytest.importorskip("pandas")
    sweep = compression_sweep(PHOTO, (2, 8))
    frame = sweep.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert frame["n_colors"].tolist() == [2, 8]
    assert frame["png_bytes"].tolist() == [r.png_bytes for r in sweep.reports]
    assert len(sweep.reports[0].to_pandas()) == 1
    palette = extract_palette(PHOTO, 4)
    frame = palette.to_pandas()
    assert frame["hex"].tolist() == palette.hex
    np.testing.assert_allclose(frame["share"], palette.weights)
    assert frame[["r", "g", "b"]].to_numpy().tolist() == palette.colors.tolist()
    assert segment(PHOTO, 3).to_pandas()["share"].sum() == pytest.approx(1, abs=1e-5)
    X = np.random.default_rng(0).random((40, 4))
    frame = cluster_dataset(X, None, [2, 3]).to_pandas()
    assert frame["n_clusters"].tolist() == [2, 3] and frame["accuracy"].isna().all()


def test_to_pandas_without_pandas_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"'pandas'.*pixelmeans\[notebook\]"):
        extract_palette(PHOTO, 3).to_pandas()
