"""The segment job: split an image into k colour regions, with masks, cut-outs and overlays.

Without a spatial weight, segments are K-means clusters of colour, found on the image's colour
histogram exactly as :func:`pixelmeans.quantize` does (in CIELAB by default). With a spatial
weight, K-means runs on colour plus pixel position (SLIC's distance, with one global k): the
fit runs on a reduced grid of block means (at most ``GRID_PIXELS`` points), and then every
full-resolution pixel goes to its nearest centre, so boundaries stay sharp.
"""

from __future__ import annotations

import json
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from PIL import Image

from ..cluster.core.fit import fit_kmeans
from ..files.atomic import write_folder_atomically
from ..image.colorspace import COLOR_SPACES, from_srgb, to_srgb, to_uint8
from ..image.histogram import N_CODES, histogram_of_codes, pack_rgb
from ..image.indexed import indexed_image, write_png
from ..image.load import RGBImage, as_image
from ..image.masks import bounding_box, cutout, cutout_png, png_bytes, rgba_words
from ..image.ranking import heaviest_first
from ..image.regions import (
    Region,
    RegionTable,
    connected_regions,
    merge_small_regions,
    region_table,
)
from ..params import (
    Constraints,
    Integral,
    Interval,
    Options,
    RandomStates,
    Real,
    validate_params,
    validated,
)
from ..render.segment_pictures import (
    OVERLAY_STYLES,
    VIEW_SIZE,
    contact_sheet,
    default_min_area,
    overlay_pixels,
    segment_overlay,
)
from .palette import Palette
from .quantize import redraw

GRID_PIXELS = 1 << 16  # fit spatial K-means on at most this many block means
ASSIGN_PIXELS = 1 << 20  # full-resolution pixels assigned per chunk
SPATIAL_SEEDINGS = 3
# The extent of each space's first (lightness) axis: spatial_weight=1 makes crossing the whole
# image (its longer side) cost as much as going from black to white.
COLOR_EXTENT = {"rgb": 1.0, "lab": 100.0, "oklab": 1.0}
MAX_SUMMARY_REGIONS = 1000
# The overlay of a photo is a photo: JPEG at quality 90 without chroma subsampling keeps
# 1-pixel outlines crisp; 0.07-0.16 s and about 3 MB at 12 MP, where a PNG took 0.75 s
# (our fastest) to 4 s (Pillow level 6) for 13-15 MB.
OVERLAY_JPEG = {"quality": 90, "subsampling": 0}
WRITERS = 4  # files encoded at once, in threads (zlib and libjpeg release the GIL)


@dataclass(frozen=True)
class Segmentation:
    """An image split into colour segments.

    Attributes
    ----------
    labels : ndarray of shape (H, W), int16
        Segment of each pixel, ``0..k-1``, heaviest segment first; -1 for transparent pixels.
    palette : Palette
        Each segment's colour (its K-means centre, in sRGB) and share of the counted pixels.
        With a spatial weight, two segments may have the same colour.
    original : RGBImage
        The segmented image.
    color_space, spatial_weight, min_region
        The settings that produced it.

    Examples
    --------
    >>> img = np.zeros((4, 6, 3), np.uint8); img[:, 4:] = (255, 0, 0)
    >>> seg = segment(img, 2)
    >>> seg.labels[0].tolist(), seg.palette.hex
    ([0, 0, 0, 0, 1, 1], ['#000000', '#ff0000'])
    >>> [int(m.sum()) for m in seg.masks()]
    [16, 8]
    >>> seg.picture().width  # the overlay with its legend under it, to look at
    320
    """

    labels: np.ndarray
    palette: Palette
    original: RGBImage
    color_space: str = "lab"
    spatial_weight: float = 0.0
    min_region: int = 0

    def __len__(self) -> int:
        return len(self.palette)

    @property
    def image(self) -> np.ndarray:
        """Every pixel painted with its segment's colour (``H×W×3`` uint8; black if transparent)."""
        colors = np.vstack([self.palette.colors, [[0, 0, 0]]]).astype(np.uint8)
        return colors[self.labels]

    @property
    def overlay_file(self) -> str:
        """Name of the overlay :meth:`save` writes: ``overlay.jpg``, or ``overlay.png`` when
        the photo has transparent pixels (JPEG has no transparency)."""
        return "overlay.jpg" if self.original.mask is None else "overlay.png"

    def masks(self) -> list[np.ndarray]:
        """One ``H×W`` boolean mask per segment; together they cover every opaque pixel once."""
        return [self.labels == i for i in range(len(self))]

    def cutout(self, index: int, *, crop: bool = False) -> np.ndarray:
        """The photo as ``H×W×4`` RGBA with only segment ``index`` opaque.

        With ``crop``, only the segment's bounding box (:meth:`box`; an empty segment gives
        ``0×0``).
        """
        validate_params("Segmentation.cutout", {"index": index},
                        {"index": [Interval(Integral, 0, len(self) - 1)]})
        inside = self.labels == index
        box = bounding_box(inside) if crop else None
        return cutout(self._words, inside, box)

    def box(self, index: int) -> tuple[int, int, int, int]:
        """``(top, left, bottom, right)`` of segment ``index`` (bottom and right exclusive;
        ``(0, 0, 0, 0)`` when it is empty)."""
        validate_params("Segmentation.box", {"index": index},
                        {"index": [Interval(Integral, 0, len(self) - 1)]})
        return bounding_box(self.labels == index)

    def overlay(self, style: str = "tint", *, color: str = "#ffff00", alpha: float = 0.45,
                thickness: int = 1, min_area: int | None = None) -> np.ndarray:
        """The photo with the segments shown, full size.

        ``"tint"`` blends each segment with a distinct colour (``alpha`` of it; the tints are
        :func:`pixelmeans.render.segment_pictures.tint_colors`); ``"outline"`` draws in
        ``color`` the boundaries between connected regions of at least ``min_area`` pixels
        (default 1/2000 of the image; 0 draws every boundary).

        Returns ``H×W×3`` uint8, or ``H×W×4`` with the original transparency.
        """
        validate_params("Segmentation.overlay",
                        {"style": style, "alpha": alpha, "thickness": thickness,
                         "min_area": min_area}, OVERLAY_CONSTRAINTS)
        area = default_min_area(self.labels.shape) if min_area is None else min_area
        ids = self._connected[0] if style == "outline" and area > 1 else None
        out = overlay_pixels(self.original.pixels, self.labels, style=style, alpha=alpha,
                             color=color, thickness=thickness, min_area=area, region_ids=ids)
        if self.original.mask is None:
            return out
        alpha_channel = np.where(self.original.mask, 255, 0).astype(np.uint8)[..., None]
        return np.concatenate([out, alpha_channel], axis=2)

    def picture(self, style: str = "tint", *, max_size: int | None = VIEW_SIZE,
                legend: bool = True) -> Image.Image:
        """The segmentation to look at: the overlay, at most ``max_size`` pixels on its
        longest side, with a legend under it (tint, segment colour, number, hex, share).

        See :func:`pixelmeans.render.segment_pictures.segment_overlay`.
        """
        return segment_overlay(self.labels, self.original.pixels, self.palette.colors,
                               self.palette.weights, mask=self.original.mask, style=style,
                               max_size=max_size, show_legend=legend)

    def contact_sheet(self, style: str = "tint", *, tile: int = 320,
                      columns: int = 4) -> Image.Image:
        """The overlay and every segment's cut-out, captioned, ``tile`` pixels a side,
        ``columns`` a row.

        See :func:`pixelmeans.render.segment_pictures.contact_sheet`.
        """
        return contact_sheet(self.labels, self.original.pixels, self.palette.colors,
                             self.palette.weights, mask=self.original.mask, style=style,
                             tile=tile, columns=columns)

    @cached_property
    def _words(self) -> np.ndarray:
        return rgba_words(self.original.pixels)

    @cached_property
    def _connected(self) -> tuple[np.ndarray, int]:
        return connected_regions(self.labels)

    @cached_property
    def _regions(self) -> RegionTable:
        return region_table(self.labels, self.original.pixels, connected=self._connected)

    def regions(self, *, min_area: int = 1) -> list[Region]:
        """Connected regions (4-connected pixels of one segment), largest first (found once,
        then kept)."""
        return self._regions.regions(min_area=min_area)

    def to_dict(self, *, max_regions: int = MAX_SUMMARY_REGIONS) -> dict:
        """A JSON-ready summary: settings, segments and the largest regions."""
        regions = self._regions
        per_segment = np.bincount(regions.segment, minlength=len(self))
        pixels = np.bincount(self.labels[self.labels >= 0].ravel(), minlength=len(self))
        h, w = self.labels.shape
        return {
            "source": self.original.source, "width": w, "height": h,
            "color_space": self.color_space, "spatial_weight": self.spatial_weight,
            "min_region": self.min_region,
            "segments": [{"index": i, "hex": hx, "rgb": [int(v) for v in rgb],
                          "share": round(float(s), 6), "pixels": int(p), "regions": int(r)}
                         for i, (hx, rgb, s, p, r) in enumerate(zip(
                             self.palette.hex, self.palette.colors, self.palette.weights,
                             pixels, per_segment, strict=True))],
            "n_regions": len(regions),
            "regions": [r.to_dict() for r in regions.regions(max_regions)],
        }

    def save(self, folder, *, overwrite: bool = False, overlay: str = "tint") -> Path:
        """Write the segmentation to a new folder; return its path.

        The folder gets ``labels.png`` (indexed: pixel value = segment),
        ``masks/segment-NN.png`` (1-bit, full size), ``cutouts/segment-NN.png`` (RGBA,
        cropped to the segment's bounding box; its place in the photo is in the PNG's
        ``oFFs`` chunk and in the summary), ``overlay.jpg`` (the photo with the segments
        shown in the ``overlay`` style, full size; ``overlay.png`` with the photo's
        transparency when it has some), ``sheet.png`` (:meth:`contact_sheet`) and
        ``summary.json`` (:meth:`to_dict` plus the files and the cut-outs' boxes).

        The folder appears complete or not at all; an existing non-empty folder is replaced
        only with ``overwrite``. The files are encoded in a few threads at once.
        """
        validate_params("Segmentation.save", {"overlay": overlay},
                        {"overlay": OVERLAY_CONSTRAINTS["style"]})
        return write_folder_atomically(folder, lambda tmp: self._write(tmp, overlay),
                                       overwrite=overwrite)

    def _write(self, folder: Path, style: str) -> None:
        digits = max(2, len(str(len(self) - 1)))
        names = [f"segment-{i:0{digits}d}.png" for i in range(len(self))]
        (folder / "masks").mkdir()
        (folder / "cutouts").mkdir()
        overlay_name = self.overlay_file
        if style == "outline":
            _ = self._connected  # found once, before the threads share it
        _ = self._words
        with ThreadPoolExecutor(max(1, min(WRITERS, os.cpu_count() or 1))) as pool:
            boxes = [pool.submit(self._write_segment, i, folder, name)
                     for i, name in enumerate(names)]
            others = [pool.submit(self._write_labels, folder / "labels.png"),
                      pool.submit(self._write_overlay, folder / overlay_name, style),
                      pool.submit(lambda: self.contact_sheet(style).save(folder / "sheet.png"))]
            summary = self.to_dict()  # meanwhile, in this thread
            for other in others:
                other.result()
            for entry, name, job in zip(summary["segments"], names, boxes, strict=True):
                top, left, bottom, right = job.result()
                entry["mask"] = f"masks/{name}"
                entry["cutout"] = {"file": f"cutouts/{name}", "left": left, "top": top,
                                   "width": right - left, "height": bottom - top}
        summary["files"] = {"labels": "labels.png", "overlay": overlay_name,
                            "overlay_style": style, "sheet": "sheet.png"}
        (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")

    def _write_segment(self, index: int, folder: Path, name: str
                       ) -> tuple[int, int, int, int]:
        inside = self.labels == index
        box = bounding_box(inside)
        if box[2] == 0:
            box = (0, 0, 1, 1)  # an empty segment: one transparent pixel
        (folder / "masks" / name).write_bytes(png_bytes(inside))
        (folder / "cutouts" / name).write_bytes(cutout_png(self._words, inside, box))
        return box

    def _write_labels(self, path: Path) -> None:
        opaque = self.labels >= 0
        write_png(indexed_image(np.maximum(self.labels, 0), self.palette.colors, opaque), path)

    def _write_overlay(self, path: Path, style: str) -> None:
        drawn = self.overlay(style)
        if path.suffix == ".png":
            path.write_bytes(png_bytes(drawn))
        else:
            Image.fromarray(drawn).save(path, "JPEG", **OVERLAY_JPEG)

    # In notebooks (render/notebook.py draws them).
    def _picture(self):
        from ..render import notebook

        return notebook.segmentation_picture(self.labels, self.original.pixels,
                                             self.palette.colors, self.palette.weights,
                                             self.original.mask)

    def _repr_html_(self) -> str:
        from ..render import notebook

        summary = self.to_dict(max_regions=0)
        return notebook.segmentation_html(self._picture(), summary["segments"],
                                          self.original.source, summary["n_regions"])

    def _repr_png_(self) -> bytes:
        from ..render import notebook

        return notebook.png_bytes(self._picture())

    def to_pandas(self):
        """One row per segment (index, hex, rgb, share, pixels, regions) as a
        ``pandas.DataFrame`` (needs pandas)."""
        from ..render import notebook

        return notebook.data_frame(self.to_dict(max_regions=0)["segments"])


OVERLAY_CONSTRAINTS: Constraints = {
    "style": [Options(OVERLAY_STYLES)],
    "alpha": [Interval(Real, 0, 1)],
    "thickness": [Interval(Integral, 1, None)],
    "min_area": [Options((None,)), Interval(Integral, 0, None)],
}


@validated({
    "n_segments": [Interval(Integral, 1, 255)],
    "color_space": [Options(COLOR_SPACES)],
    "spatial_weight": [Interval(Real, 0, None)],
    "min_region": [Interval(Integral, 0, None)],
    "random_state": [RandomStates()],
})
def segment(
    image,
    n_segments: int = 5,
    *,
    color_space: str = "lab",
    spatial_weight: float = 0.0,
    min_region: int = 0,
    random_state=0,
) -> Segmentation:
    """Split an image into ``n_segments`` colour segments.

    Parameters
    ----------
    image : path, URL, bytes, file object, PIL image, array or RGBImage
    n_segments : int, default 5
        Segments (K-means clusters), 1 to 255.
    color_space : {"lab", "oklab", "rgb"}, default "lab"
        Space where colours are compared; CIELAB matches what people see as one region.
    spatial_weight : float, default 0
        How much pixel position counts next to colour. 0 clusters colour alone (a segment may
        be scattered over the image); at 1, crossing the whole image (its longer side) costs as
        much as going from black to white, so segments become compact areas. Large weights
        split big uniform areas by position too.
    min_region : int, default 0
        Connected regions smaller than this many pixels join their most similar neighbour.
    random_state : int, RandomState or None, default 0

    Returns
    -------
    Segmentation

    Examples
    --------
    >>> img = np.zeros((20, 60, 3), np.uint8); img[:, 20:40] = 255  # black, white, black
    >>> segment(img, 2).labels[0, ::10].tolist()
    [0, 0, 1, 1, 0, 0]
    >>> segment(img, 3, spatial_weight=1.0).labels[0, ::10].tolist()
    [0, 0, 1, 1, 2, 2]
    """
    img = as_image(image)
    if spatial_weight == 0:
        quantized = redraw(img, n_segments, color_space=color_space, dither=False,
                           palette=None, random_state=random_state)
        labels, palette = quantized.labels.astype(np.int16), quantized.palette
        if img.mask is not None:
            labels[~img.mask] = -1
    else:
        labels, palette = _spatial(img, n_segments, color_space, float(spatial_weight),
                                   random_state)
    if min_region > 1:
        space_colors = from_srgb(palette.colors / 255.0, color_space)
        labels = merge_small_regions(labels, space_colors, min_region)
        palette = _with_shares(palette, labels)
    return Segmentation(labels, palette, img, color_space, float(spatial_weight),
                        int(min_region))


def _with_shares(palette: Palette, labels: np.ndarray) -> Palette:
    counts = np.bincount(labels[labels >= 0].ravel(), minlength=len(palette))
    return Palette(palette.colors, counts / counts.sum(), palette.source, palette.color_space)


def _spatial(img: RGBImage, n_segments: int, color_space: str, weight: float, random_state):
    """Labels and palette from K-means on colour plus scaled position."""
    h, w = img.shape
    scale = weight * COLOR_EXTENT[color_space] / max(h, w)
    codes = pack_rgb(img.pixels)
    hist = histogram_of_codes(img.counted(codes))
    hist.require_pixels(img.source)
    space_of_color = from_srgb(hist.colors / 255.0, color_space).astype(np.float32)
    index = np.zeros(N_CODES, dtype=np.int32)
    index[pack_rgb(hist.colors)] = np.arange(hist.n_colors, dtype=np.int32)
    features, weights = _grid_features(img, color_space, scale)
    k = min(n_segments, len(features))
    fit = fit_kmeans(features, k, sample_weight=weights, n_init=SPATIAL_SEEDINGS,
                     random_state=random_state)
    centers = fit.centers.astype(np.float32)
    labels = _nearest_centers(codes, index, space_of_color, centers, scale, (h, w))
    colors = to_uint8(np.clip(to_srgb(centers[:, :3].astype(np.float64), color_space), 0, 1))
    counts = np.bincount(img.counted(labels.ravel()), minlength=k)
    order, remap = heaviest_first(counts, centers[:, 3], centers[:, 4])  # ties: reading order
    labels = remap.astype(np.int16)[labels]
    if img.mask is not None:
        labels[~img.mask] = -1
    palette = Palette(colors[order], counts[order] / counts.sum(), img.source, color_space)
    return labels, palette


def _nearest_centers(codes, index, space_of_color, centers, scale, shape):
    """Nearest centre of every pixel in (colour, scaled position) space, by rows of pixels.

    The squared distance splits into a colour part (one small GEMM on the pixel colours,
    gathered from the per-distinct-colour table) and a position part that is a sum of a
    per-row and a per-column term, so no per-pixel feature rows are ever built.
    """
    h, w = shape
    k = len(centers)
    colour = np.zeros((len(space_of_color), 4), dtype=np.float32)  # 16-byte rows gather fast
    colour[:, :3] = space_of_color
    towards = np.zeros((4, k), dtype=np.float32)
    towards[:3] = -2 * centers[:, :3].T
    offset = (centers[:, :3] ** 2).sum(axis=1)
    s = np.float32(scale)
    row_term = (np.arange(h, dtype=np.float32)[:, None] * s - centers[:, 3]) ** 2
    col_term = (np.arange(w, dtype=np.float32)[:, None] * s - centers[:, 4]) ** 2 + offset
    labels = np.empty((h, w), dtype=np.int16)
    step = max(1, ASSIGN_PIXELS // w)
    for top in range(0, h, step):
        bottom = min(h, top + step)
        ids = np.take(index, codes[top * w:bottom * w])
        block = (np.take(colour, ids, axis=0) @ towards).reshape(bottom - top, w, k)
        block += row_term[top:bottom, None, :]
        block += col_term[None, :, :]
        labels[top:bottom] = block.argmin(axis=2)
    return labels


def _grid_features(img: RGBImage, color_space: str, scale: float):
    """Block means of colour (in ``color_space``) and position, weighted by opaque pixels.

    Blocks are ``f×f`` with the smallest ``f`` that gives at most ``GRID_PIXELS`` blocks;
    the last partial rows and columns are left out of the fit (every pixel is still labelled).
    """
    h, w = img.shape
    f = max(1, math.ceil(math.sqrt(h * w / GRID_PIXELS)))
    gh, gw = max(1, h // f), max(1, w // f)
    fy, fx = min(f, h), min(f, w)
    crop = img.pixels[:gh * fy, :gw * fx]
    if img.mask is None:
        count = np.full((gh, gw), fy * fx, dtype=np.float32)
    else:
        opaque = img.mask[:gh * fy, :gw * fx]
        count = opaque.reshape(gh, fy, gw, fx).sum(axis=(1, 3), dtype=np.float32)
        crop = crop * opaque[..., None]
    sums = crop.reshape(gh, fy, gw, fx, 3).sum(axis=(1, 3), dtype=np.float32)
    used = count > 0
    mean_rgb = sums[used] / count[used][:, None] / 255.0
    cy, cx = np.nonzero(used)
    features = np.empty((len(mean_rgb), 5), dtype=np.float32)
    features[:, :3] = from_srgb(mean_rgb, color_space)
    features[:, 3] = (cy * fy + (fy - 1) / 2) * scale
    features[:, 4] = (cx * fx + (fx - 1) / 2) * scale
    return features, count[used].astype(np.float64)
