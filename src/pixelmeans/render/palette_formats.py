"""A palette as text: a table (with colour blocks on a terminal), JSON, CSS, GIMP, hex.

The functions take plain values (hex codes, RGB triples, shares); :class:`pixelmeans.Palette`
presents itself through them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from .table import text_table

PALETTE_FORMATS = ("text", "json", "css", "gpl", "hex")


def color_block(rgb: Sequence[int]) -> str:
    """Six spaces on a background of the colour ``rgb`` (a 24-bit terminal escape)."""
    r, g, b = (int(v) for v in rgb)
    return f"\x1b[48;2;{r};{g};{b}m      \x1b[0m"


def palette_dict(hexes: Sequence[str], colors: np.ndarray, weights: np.ndarray,
                 source: str) -> dict:
    """``{"source": ..., "colors": [{"hex", "rgb", "weight"}, ...]}``."""
    return {
        "source": source,
        "colors": [{"hex": h, "rgb": [int(v) for v in rgb], "weight": round(float(w), 6)}
                   for h, rgb, w in zip(hexes, colors, weights, strict=True)],
    }


def palette_css(hexes: Sequence[str], weights: np.ndarray, prefix: str = "color") -> str:
    """CSS custom properties in a ``:root`` rule, one per colour with its share."""
    lines = [":root {"]
    lines += [f"  --{prefix}-{i}: {h}; /* {w:.1%} */"
              for i, (h, w) in enumerate(zip(hexes, weights, strict=True), 1)]
    return "\n".join([*lines, "}"]) + "\n"


def palette_gpl(hexes: Sequence[str], colors: np.ndarray, weights: np.ndarray,
                name: str) -> str:
    """A GIMP palette (``.gpl``) with one named entry per colour."""
    lines = ["GIMP Palette", f"Name: {name}", "Columns: 8", "#"]
    lines += [f"{r:3d} {g:3d} {b:3d}\t{h} ({w:.1%})"
              for (r, g, b), h, w in zip(np.asarray(colors).tolist(), hexes, weights,
                                         strict=True)]
    return "\n".join(lines) + "\n"


def palette_table(hexes: Sequence[str], colors: np.ndarray, weights: np.ndarray, *,
                  color_blocks: bool = False) -> str:
    """An aligned table of hex, RGB and share, optionally led by a block of each colour.

    Examples
    --------
    >>> print(palette_table(["#ff0000"], np.array([[255, 0, 0]]), np.array([1.0])), end="")
    hex      rgb               share
    #ff0000  (255,   0,   0)  100.0%
    """
    header = ["hex", "rgb", "share"]
    rows = [[h, "({:3d}, {:3d}, {:3d})".format(*(int(v) for v in rgb)), f"{w:.1%}"]
            for h, rgb, w in zip(hexes, colors, weights, strict=True)]
    if color_blocks:
        header = ["", *header]
        rows = [[color_block(rgb), *row] for rgb, row in zip(colors, rows, strict=True)]
    return text_table(header, rows, left=range(len(header) - 1))


def format_palette(fmt: str, hexes: Sequence[str], colors: np.ndarray, weights: np.ndarray,
                   source: str, *, color_blocks: bool = False) -> str:
    """The palette as text in one of :data:`PALETTE_FORMATS`."""
    if fmt == "json":
        return json.dumps(palette_dict(hexes, colors, weights, source), indent=2) + "\n"
    if fmt == "css":
        return palette_css(hexes, weights)
    if fmt == "gpl":
        return palette_gpl(hexes, colors, weights, f"pixelmeans {source}")
    if fmt == "hex":
        return "\n".join(hexes) + "\n"
    return palette_table(hexes, colors, weights, color_blocks=color_blocks)
