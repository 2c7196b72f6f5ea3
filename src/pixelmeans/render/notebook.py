"""How results show themselves in Jupyter: HTML (tables, colour strips, embedded pictures),
PNG bytes, and tables as pandas data frames.

Everything takes plain values (colours, shares, rows of dicts, pictures), so that each result
class needs only one-line ``_repr_html_`` / ``_repr_png_`` / ``to_pandas`` methods. Pictures
are embedded as PNG ``data:`` URIs, scaled down to :data:`VIEW_WIDTH` so that a notebook
holding a 12 MP photo stays small. pandas is optional and imported only by
:func:`data_frame`.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from PIL import Image

from ..errors import require
from .labels import ink_for
from .pictures import shrunk_to_fit

Shares = Sequence[float] | np.ndarray
VIEW_WIDTH = 640  # widest picture embedded in a notebook, in pixels
STYLE = "font-family:sans-serif;font-size:13px"


def png_bytes(picture, max_width: int | None = VIEW_WIDTH) -> bytes:
    """A picture (PIL image or ``H×W``, ``H×W×3``, ``H×W×4`` uint8 array) as PNG bytes,
    scaled down to ``max_width``.

    Examples
    --------
    >>> png_bytes(np.zeros((2, 3, 3), np.uint8))[:4]
    b'\\x89PNG'
    """
    image = picture if isinstance(picture, Image.Image) else Image.fromarray(np.asarray(picture))
    if image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGBA")  # a palette image, with its transparent entry
    image = shrunk_to_fit(image, max_width, None)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def img_tag(picture, alt: str, max_width: int | None = VIEW_WIDTH) -> str:
    """An ``<img>`` holding the picture as a PNG ``data:`` URI."""
    data = base64.b64encode(png_bytes(picture, max_width)).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def color_strip(hexes: Sequence[str], shares: Shares) -> str:
    """The colours side by side as wide as their shares, each labelled with its hex and
    share in a colour that reads on it (labels left out where a colour is too narrow).

    Examples
    --------
    >>> "#ff0000" in color_strip(["#ff0000"], [1.0])
    True
    """
    cells = []
    for hx, share in zip(hexes, shares, strict=True):
        label = f"{hx}<br>{share:.1%}" if share >= 0.06 else ""
        cells.append(f'<div title="{hx} {share:.1%}" style="flex:{max(share, 0.004):.4f};'
                     f"background:{hx};color:{ink_for(hx)};padding:6px 2px;text-align:center;"
                     f'font-family:monospace;font-size:11px;overflow:hidden">{label}</div>')
    return (f'<div style="display:flex;width:{VIEW_WIDTH}px;min-height:44px;'
            f'border:1px solid #ccc">{"".join(cells)}</div>')


def html_table(rows: Sequence[Mapping[str, object]], columns: Mapping[str, str] | None = None,
               *, colors: Sequence[str] | None = None) -> str:
    """Rows of dicts as an HTML table: ``columns`` maps keys to headings (default: every
    key of the first row); ``colors`` adds a leading cell of each row's colour.

    Examples
    --------
    >>> html_table([{"k": 2, "psnr": 30.123}])
    '<table><tr><th>k</th><th>psnr</th></tr><tr><td>2</td><td>30.12</td></tr></table>'
    """
    columns = columns or {key: key for key in (rows[0] if rows else {})}
    head = ("<th></th>" if colors else "") + "".join(
        f"<th>{html.escape(title)}</th>" for title in columns.values())
    body = []
    for i, row in enumerate(rows):
        swatch = (f'<td style="background:{colors[i]};min-width:28px"></td>'
                  if colors else "")
        cells = "".join(f"<td>{html.escape(_cell(row.get(key)))}</td>" for key in columns)
        body.append(f"<tr>{swatch}{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isinf(value):
            return "inf"
        return f"{value:,.4g}" if abs(value) >= 1e4 else f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return str(value)


def card(title: str, *parts: str) -> str:
    """A titled block of HTML parts, as a result shows itself in a notebook."""
    return (f'<div style="{STYLE}"><div style="font-weight:bold;margin:4px 0">'
            f'{html.escape(title)}</div>{"".join(parts)}</div>')


def data_frame(rows: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None):
    """Rows of dicts as a ``pandas.DataFrame`` (pandas is imported here, with a clear
    message naming it when it is missing).

    Examples
    --------
    >>> data_frame([{"k": 2, "psnr": 30.0}]).shape
    (1, 2)
    """
    pandas = require("pandas", "notebook", "Converting results to a data frame")
    return pandas.DataFrame(list(rows), columns=list(columns) if columns else None)


def _percent(share: float) -> str:
    return f"{share:.1%}"


def palette_html(hexes: Sequence[str], colors: np.ndarray, shares: Shares,
                 source: str) -> str:
    """A palette: its colours as a strip by share, and a table of hex, RGB and share."""
    rows = [{"hex": hx, "rgb": ", ".join(str(int(v)) for v in rgb), "share": _percent(s)}
            for hx, rgb, s in zip(hexes, colors, shares, strict=True)]
    return card(f"{len(hexes)} colours of {source}", color_strip(hexes, shares),
                html_table(rows, colors=hexes))


def palette_rows(hexes: Sequence[str], colors: np.ndarray, shares: Shares) -> list:
    """One dict per colour: hex, r, g, b and share (for a data frame)."""
    return [{"hex": hx, "r": int(rgb[0]), "g": int(rgb[1]), "b": int(rgb[2]),
             "share": float(s)} for hx, rgb, s in zip(hexes, colors, shares, strict=True)]


def quantized_html(picture, hexes: Sequence[str], shares: Shares, source: str) -> str:
    """A redrawn image: the picture (scaled to fit) over its palette strip."""
    width, height = picture.size if isinstance(picture, Image.Image) else \
        np.asarray(picture).shape[1::-1]
    return card(f"{source} redrawn with {len(hexes)} colours ({width}×{height})",
                f"<div>{img_tag(picture, f'{source} with {len(hexes)} colours')}</div>",
                color_strip(hexes, shares))


COMPRESSION_COLUMNS = {"n_colors": "colours", "png_bytes": "PNG bytes", "ratio": "ratio",
                       "bits_per_pixel": "bits/px", "mse": "MSE", "psnr": "PSNR dB",
                       "ssim": "SSIM", "delta_e": "ΔE2000"}


def compression_html(rows: Sequence[Mapping[str, object]]) -> str:
    """Compression reports as a table under a line naming the source and its sizes."""
    first = rows[0]
    original = f", original file {first['original_bytes']:,} bytes" \
        if first.get("original_bytes") else ""
    title = (f"{first['source']}: {first['width']}×{first['height']}, raw RGB "
             f"{first['raw_bytes']:,} bytes{original}")
    shown = [{**row, "psnr": math.inf if row.get("psnr") is None else row["psnr"]}
             for row in rows]  # a lossless PSNR is None in the dicts
    return card(title, html_table(shown, COMPRESSION_COLUMNS))


DATASET_COLUMNS = {"n_clusters": "K", "fit_seconds": "fit s", "n_iter": "iter",
                   "inertia": "inertia", "accuracy": "accuracy",
                   "accuracy_hungarian": "hungarian", "nmi": "NMI", "ari": "ARI",
                   "homogeneity": "homog.", "completeness": "compl.", "v_measure": "V"}


def dataset_rows(results: Sequence[Mapping[str, object]]) -> list[dict]:
    """The numbers of each K (no per-cluster lists) from :meth:`KResult.to_dict` dicts."""
    return [{key: r.get(key) for key in DATASET_COLUMNS} for r in results]


def dataset_html(results: Sequence[Mapping[str, object]], method: str,
                 evaluated_on: str) -> str:
    """A data set report: one row per K."""
    rows = [{**r, **{k: _percent(v) for k, v in r.items()  # type: ignore[arg-type]
                     if k.startswith("accuracy") and v is not None}}
            for r in dataset_rows(results)]
    return card(f"K-means ({method}), accuracy on {evaluated_on}",
                html_table(rows, DATASET_COLUMNS))


def segmentation_picture(labels: np.ndarray, pixels: np.ndarray, colors: np.ndarray,
                         shares: np.ndarray, mask: np.ndarray | None = None) -> Image.Image:
    """The overlay with its legend (from :mod:`.segment_pictures` where it exists), else
    the photo beside its segments painted in their colours."""
    try:
        from .segment_pictures import segment_overlay  # type: ignore[attr-defined]
    except ImportError:
        painted = np.vstack([colors, [[0, 0, 0]]]).astype(np.uint8)[labels]
        gap = np.full((pixels.shape[0], 8, 3), 255, np.uint8)
        return Image.fromarray(np.hstack([pixels, gap, painted]))
    return segment_overlay(labels, pixels, colors, shares, mask=mask)


def segmentation_html(picture, segments: Sequence[Mapping[str, Any]], source: str,
                      n_regions: int) -> str:
    """A segmentation: its picture, and a table of the segments (colour, share, regions)."""
    hexes = [str(s["hex"]) for s in segments]
    rows = [{"segment": s["index"], "hex": s["hex"], "share": _percent(float(s["share"])),
             "pixels": s["pixels"], "regions": s["regions"]} for s in segments]
    return card(f"{source} in {len(segments)} segments, {n_regions:,} regions",
                f"<div>{img_tag(picture, f'segments of {source}')}</div>",
                html_table(rows, colors=hexes))
