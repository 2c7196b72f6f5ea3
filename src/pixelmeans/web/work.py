"""What each request computes, on an :class:`~pixelmeans.web.cache.Upload`, by calling the
library: no web framework here, so every piece is testable as a plain function.

Slider moves work on the kept histogram (the palette) and the kept preview (the pictures
and the figures the page shows); downloads decode the file again and work at full size.
A k larger than the photo's number of distinct colours is lowered to it (the library would
warn and do the same).
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ..image.formats import check_encodable
from ..image.load import RGBImage, load_image
from ..render.segment_pictures import tint_colors
from ..tasks.compress import compress, report_for
from ..tasks.palette import Palette, palette_from_histogram
from ..tasks.quantize import Quantized, pixel_colors, quantize, redraw
from ..tasks.segment import Segmentation, segment
from .cache import Upload, new_upload_id

PREVIEW_PNG_LEVEL = 1  # previews are shown once and thrown away: encode fast, not small
NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Settings:
    """What :mod:`work` needs to know of the server's settings."""

    max_pixels: int
    preview_side: int


@dataclass(frozen=True)
class FileResult:
    """A file to send: its bytes, media type and suggested name."""

    data: bytes
    media_type: str
    filename: str


def safe_name(name: str | None, default: str = "photo") -> str:
    """A short file name made of safe characters, from whatever a client sent.

    Examples
    --------
    >>> safe_name("../../etc/My Photo (1).JPG"), safe_name(""), safe_name("https://a.b/c.png?x")
    ('My_Photo_1_.JPG', 'photo', 'c.png_x')
    """
    base = re.split(r"[/\\]", name or "")[-1]
    cleaned = NAME_CHARS.sub("_", base).strip("._")[:80]
    return cleaned or default


def stem(name: str) -> str:
    """The name without its suffix."""
    return name.rsplit(".", 1)[0] if "." in name else name


def decode(data: bytes, name: str, max_pixels: int) -> RGBImage:
    """The full image of an upload (named in messages), refused over ``max_pixels``."""
    source = io.BytesIO(data)
    source.name = name  # type: ignore[attr-defined]
    return load_image(source, max_pixels=max_pixels)


def _preview(img: RGBImage, side: int) -> RGBImage:
    h, w = img.shape
    scale = side / max(h, w)
    if scale >= 1:
        return img
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    pixels = Image.fromarray(img.pixels).resize(size, Image.Resampling.BOX, reducing_gap=2.0)
    mask = None
    if img.mask is not None:
        alpha = Image.fromarray(img.mask.astype(np.uint8) * 255).resize(size,
                                                                        Image.Resampling.BOX)
        mask = np.asarray(alpha) >= 128
    return RGBImage(np.asarray(pixels), mask, img.source, None)


def new_upload(data: bytes, name: str, settings: Settings) -> Upload:
    """Decode an upload once: its full-resolution histogram and its preview."""
    img = decode(data, name, settings.max_pixels)
    histogram = pixel_colors(img).hist
    preview = _preview(img, settings.preview_side)
    h, w = img.shape
    return Upload(new_upload_id(), name, data, w, h, histogram, preview,
                  pixel_colors(preview))


def upload_info(upload: Upload) -> dict:
    """What the page and API clients learn about an upload."""
    ph, pw = upload.preview.shape
    return {"id": upload.id, "name": upload.name, "bytes": len(upload.data),
            "width": upload.width, "height": upload.height,
            "distinct_colors": upload.histogram.n_colors,
            "preview_width": pw, "preview_height": ph}


def effective_k(upload: Upload, k: int) -> int:
    """``k``, lowered to the photo's number of distinct colours (at least 1)."""
    return max(1, min(k, upload.histogram.n_colors))


def palette(upload: Upload, k: int, space: str, seed: int) -> Palette:
    """The palette of the whole photo (its kept histogram); remembered per upload."""
    k = effective_k(upload, k)
    return upload.remembered(("palette", k, space, seed), lambda: palette_from_histogram(
        upload.histogram, k, color_space=space, random_state=seed, source=upload.name))


def palette_json(upload: Upload, k: int, space: str, seed: int) -> dict:
    """The palette as JSON, with the k asked for and the k given."""
    found = palette(upload, k, space, seed)
    return {**found.to_dict(), "k": k, "n_colors": len(found), "color_space": space}


PALETTE_FILES = {"json": ("application/json", "json"), "css": ("text/css", "css"),
                 "gpl": ("text/plain", "gpl"), "hex": ("text/plain", "hex.txt"),
                 "text": ("text/plain", "txt")}


def palette_file(upload: Upload, k: int, space: str, seed: int, fmt: str) -> FileResult:
    """The palette as a file in one of :data:`PALETTE_FILES`, or ``"png"`` (a swatch)."""
    found = palette(upload, k, space, seed)
    base = f"{stem(upload.name)}-palette-k{len(found)}"
    if fmt == "png":
        buffer = io.BytesIO()
        found.swatch().save(buffer, format="PNG")
        return FileResult(buffer.getvalue(), "image/png", base + ".png")
    media_type, suffix = PALETTE_FILES[fmt]
    return FileResult(found.format(fmt).encode(), media_type, f"{base}.{suffix}")


def _preview_png(im: Image.Image) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, format="PNG", compress_level=PREVIEW_PNG_LEVEL)
    return buffer.getvalue()


def original_preview(upload: Upload) -> FileResult:
    """The preview of the photo as it is (JPEG, or PNG when it has transparency)."""
    img = upload.preview
    buffer = io.BytesIO()
    if img.mask is None:
        Image.fromarray(img.pixels).save(buffer, format="JPEG", quality=90)
        return FileResult(buffer.getvalue(), "image/jpeg", "original.jpg")
    rgba = np.dstack([img.pixels, img.mask.astype(np.uint8) * 255])
    return FileResult(_preview_png(Image.fromarray(rgba)), "image/png", "original.png")


def quantized_preview(upload: Upload, k: int, space: str, dither: bool, seed: int
                      ) -> Quantized:
    """The preview redrawn with the whole photo's palette."""
    found = palette(upload, k, space, seed)
    return redraw(upload.preview, len(found), color_space=space, dither=dither,
                  palette=found, random_state=seed, colors=upload.preview_colors)


def quantized_preview_png(upload: Upload, k: int, space: str, dither: bool, seed: int
                          ) -> FileResult:
    """:func:`quantized_preview` as a quickly encoded PNG."""
    q = quantized_preview(upload, k, space, dither, seed)
    return FileResult(_preview_png(q.to_pil()), "image/png", "preview.png")


def quantized_summary(upload: Upload, k: int, space: str, dither: bool, seed: int,
                      settings: Settings | None) -> dict:
    """The colours of the preview (``settings`` None) or the full photo redrawn, with their
    shares of the redrawn picture."""
    if settings is None:
        q, (h, w) = quantized_preview(upload, k, space, dither, seed), upload.preview.shape
    else:
        found = palette(upload, k, space, seed)
        img = decode(upload.data, upload.name, settings.max_pixels)
        q = quantize(img, len(found), color_space=space, dither=dither, palette=found)
        h, w = img.shape
    return {**q.palette.to_dict(), "width": w, "height": h, "k": k,
            "n_colors": len(q.palette), "color_space": space, "dither": dither}


QUANTIZED_FILES = {"png": ("PNG", "image/png"), "gif": ("GIF", "image/gif"),
                   "webp": ("WEBP", "image/webp")}


def quantized_file(upload: Upload, k: int, space: str, dither: bool, seed: int, fmt: str,
                   settings: Settings) -> FileResult:
    """The full-resolution photo redrawn with the palette, as an indexed PNG, GIF or WebP."""
    pillow_format, media_type = QUANTIZED_FILES[fmt]
    name = f"{stem(upload.name)}-k{effective_k(upload, k)}.{fmt}"
    check_encodable(name, pillow_format, (upload.width, upload.height))
    found = palette(upload, k, space, seed)
    img = decode(upload.data, upload.name, settings.max_pixels)
    q = quantize(img, len(found), color_space=space, dither=dither, palette=found)
    return FileResult(q.encode(pillow_format), media_type,
                      f"{stem(upload.name)}-k{len(found)}.{fmt}")


def compress_preview(upload: Upload, k: int, space: str, dither: bool, seed: int) -> dict:
    """Size and error of the preview redrawn with the palette (what the page shows)."""
    key = ("compress", effective_k(upload, k), space, dither, seed)

    def measure() -> dict:
        q = quantized_preview(upload, k, space, dither, seed)
        report = report_for(upload.preview, q, upload.preview_colors).to_dict()
        return {**report, "measured_on": "preview", "original_bytes": None}

    return upload.remembered(key, measure)


def compress_full(upload: Upload, k: int, space: str, dither: bool, seed: int,
                  settings: Settings) -> dict:
    """Size and error of the full-resolution photo at k colours."""
    img = decode(upload.data, upload.name, settings.max_pixels)
    report, _ = compress(img, effective_k(upload, k), color_space=space, dither=dither,
                         random_state=seed)
    return {**report.to_dict(), "measured_on": "full"}


def segmented(upload: Upload, k: int, space: str, spatial_weight: float, min_region: int,
              seed: int, settings: Settings | None) -> Segmentation:
    """The preview (``settings`` None) or the full photo split into k colour segments."""
    if settings is None:
        k = max(1, min(k, upload.preview_colors.hist.n_colors, 255))
        return upload.remembered(
            ("segment", k, space, spatial_weight, min_region, seed),
            lambda: segment(upload.preview, k, color_space=space,
                            spatial_weight=spatial_weight, min_region=min_region,
                            random_state=seed), heavy=True)
    img = decode(upload.data, upload.name, settings.max_pixels)
    return segment(img, min(effective_k(upload, k), 255), color_space=space,
                   spatial_weight=spatial_weight, min_region=min_region, random_state=seed)


def segment_legend(seg: Segmentation, max_regions: int = 20) -> dict:
    """The segmentation's summary with each segment's overlay tint."""
    summary = seg.to_dict(max_regions=max_regions)
    tints = tint_colors(len(seg))
    for entry in summary["segments"]:
        entry["tint"] = "#{:02x}{:02x}{:02x}".format(*tints[entry["index"]])
    return summary


def segment_overlay(seg: Segmentation, full: bool) -> FileResult:
    """The photo tinted by segment, as PNG."""
    im = Image.fromarray(seg.overlay("tint"))
    data = _preview_png(im) if not full else _encode_png(im)
    return FileResult(data, "image/png", "segments.png")


def _encode_png(im: Image.Image) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, format="PNG")
    return buffer.getvalue()


def segment_zip(seg: Segmentation, name: str, temp_root: Path) -> FileResult:
    """The segmentation's files (labels, masks, cut-outs, overlay, summary) as a ZIP,
    written through a temporary folder under ``temp_root`` that is removed at once."""
    base = f"{stem(name)}-segments-k{len(seg)}"
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(dir=temp_root) as tmp:
        folder = seg.save(Path(tmp) / base)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, str(path.relative_to(folder.parent)))
    return FileResult(buffer.getvalue(), "application/zip", base + ".zip")


SWEEP_KS = (2, 4, 8, 16, 32, 64)


def compress_sweep_preview(upload: Upload, ks, space: str, dither: bool, seed: int
                           ) -> list[dict]:
    """:func:`compress_preview` for each k (the page's chart)."""
    return [compress_preview(upload, k, space, dither, seed) for k in ks]
