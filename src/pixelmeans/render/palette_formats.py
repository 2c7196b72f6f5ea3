"""A palette as text: a table (with colour blocks on a terminal), JSON, CSS, GIMP, hex, SCSS,
and Tailwind v4 ``@theme`` variables with a 50–950 shade scale per colour.

The functions take plain values (hex codes, RGB triples, shares); :class:`pixelmeans.Palette`
presents itself through them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from ..errors import InvalidParameterError
from ..image.colorspace import to_uint8
from ..image.cylindrical import oklch_to_rgb, rgb_to_oklch
from .table import text_table

TEXT_FORMATS = ("text", "json", "css", "gpl", "hex", "scss", "tailwind")
PALETTE_FORMATS = (*TEXT_FORMATS, "ase", "swatches", "sketch")
# Tailwind's shade names, and the OKLCH lightness and relative chroma of each shade: those
# of Tailwind v4's own colour scales (its red, blue and neutral scales, averaged and rounded),
# so a generated scale steps like the built-in ones. The chroma is relative to the 500 shade.
SHADES = (50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 950)
SHADE_LIGHTNESS = (0.975, 0.94, 0.885, 0.81, 0.71, 0.63, 0.56, 0.49, 0.43, 0.38, 0.27)
SHADE_CHROMA = (0.06, 0.14, 0.27, 0.48, 0.8, 1.0, 1.03, 0.9, 0.75, 0.6, 0.4)


def color_block(rgb: Sequence[int]) -> str:
    """Six spaces on a background of the colour ``rgb`` (a 24-bit terminal escape)."""
    r, g, b = (int(v) for v in rgb)
    return f"\x1b[48;2;{r};{g};{b}m      \x1b[0m"


def palette_dict(hexes: Sequence[str], colors: np.ndarray, weights: np.ndarray,
                 source: str) -> dict:
    """``{"source": ..., "colors": [{"hex", "rgb", "share", "weight"}, ...]}``.

    "share" is the word every output uses; "weight" (the same number) is kept for readers
    written before it.
    """
    return {
        "source": source,
        "colors": [{"hex": h, "rgb": [int(v) for v in rgb], "share": round(float(w), 6),
                    "weight": round(float(w), 6)}
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
    """A GIMP palette (``.gpl``) with one named entry per colour. The name stays on its one
    header line (a newline in a file name would start a line of its own).

    Examples
    --------
    >>> palette_gpl(["#ff0000"], np.array([[255, 0, 0]]), np.array([1.0]),
    ...             "a\\nb").splitlines()[:2]
    ['GIMP Palette', 'Name: a b']
    """
    lines = ["GIMP Palette", f"Name: {' '.join(name.split())}", "Columns: 8", "#"]
    lines += [f"{r:3d} {g:3d} {b:3d}\t{h} ({w:.1%})"
              for (r, g, b), h, w in zip(np.asarray(colors).tolist(), hexes, weights,
                                         strict=True)]
    return "\n".join(lines) + "\n"


def palette_scss(hexes: Sequence[str], weights: np.ndarray, prefix: str = "color") -> str:
    """SCSS variables, one per colour with its share, and a map of them all.

    Examples
    --------
    >>> print(palette_scss(["#ff0000"], np.array([1.0])), end="")
    $color-1: #ff0000; // 100.0%
    $palette: (1: $color-1);
    """
    lines = [f"${prefix}-{i}: {h}; // {w:.1%}"
             for i, (h, w) in enumerate(zip(hexes, weights, strict=True), 1)]
    entries = ", ".join(f"{i}: ${prefix}-{i}" for i in range(1, len(hexes) + 1))
    return "\n".join([*lines, f"$palette: ({entries});"]) + "\n"


def shade_scale(rgb) -> np.ndarray:
    """Eleven ``uint8`` shades (Tailwind's 50 to 950) of one colour, built in OKLCH.

    Each shade keeps the colour's hue, takes the lightness of that Tailwind shade and the
    colour's chroma scaled as Tailwind's scales do (gamut-mapped by reducing chroma). The
    shade nearest the colour in lightness is the colour itself, exactly; lightness falls
    from 50 to 950.

    Examples
    --------
    >>> scale = shade_scale([59, 130, 246])
    >>> len(scale), [59, 130, 246] in scale.tolist()
    (11, True)
    """
    lightness, chroma, hue = rgb_to_oklch(np.asarray(rgb, dtype=np.uint8))
    lch = np.stack([np.array(SHADE_LIGHTNESS), chroma * np.array(SHADE_CHROMA),
                    np.full(len(SHADES), hue)], axis=1)
    scale = to_uint8(oklch_to_rgb(lch))
    scale[int(np.argmin(np.abs(np.array(SHADE_LIGHTNESS) - lightness)))] = rgb
    return scale


def palette_tailwind(hexes: Sequence[str], colors: np.ndarray, weights: np.ndarray,
                     names: Sequence[str] | None = None) -> str:
    """Tailwind CSS v4 theme variables: ``--color-NAME-50`` … ``-950`` for each colour
    (written as ``oklch()``), and ``--color-NAME`` for the colour itself.

    Examples
    --------
    >>> text = palette_tailwind(["#3b82f6"], np.array([[59, 130, 246]]), np.array([1.0]))
    >>> text.splitlines()[:2]
    ['@theme {', '  --color-palette-1: #3b82f6; /* 100.0% */']
    """
    names = names or [f"palette-{i}" for i in range(1, len(hexes) + 1)]
    lines = ["@theme {"]
    for name, h, rgb, w in zip(names, hexes, np.asarray(colors), weights, strict=True):
        lines.append(f"  --color-{name}: {h}; /* {w:.1%} */")
        scale = shade_scale(rgb)
        for shade, (lightness, chroma, hue) in zip(SHADES, rgb_to_oklch(scale), strict=True):
            lines.append(f"  --color-{name}-{shade}: "
                         f"oklch({lightness:.1%} {chroma:.3f} {hue:.1f});")
    return "\n".join([*lines, "}"]) + "\n"


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
    """The palette as text in one of :data:`TEXT_FORMATS` (an unknown name is an error, not
    the text table).

    Examples
    --------
    >>> format_palette("yaml", ["#000000"], np.zeros((1, 3), int), np.ones(1), "x")
    Traceback (most recent call last):
    ...
    pixelmeans.errors.InvalidParameterError: format 'yaml' is not one of text, json, css, \
gpl, hex, scss, tailwind (nor ase, swatches, sketch: files)
    """
    if fmt not in TEXT_FORMATS:
        msg = (f"format {fmt!r} is not one of {', '.join(TEXT_FORMATS)} (nor "
               f"{', '.join(f for f in PALETTE_FORMATS if f not in TEXT_FORMATS)}: files)")
        raise InvalidParameterError(msg)
    if fmt == "json":
        return json.dumps(palette_dict(hexes, colors, weights, source), indent=2) + "\n"
    if fmt == "css":
        return palette_css(hexes, weights)
    if fmt == "gpl":
        return palette_gpl(hexes, colors, weights, f"pixelmeans {source}")
    if fmt == "hex":
        return "\n".join(hexes) + "\n"
    if fmt == "scss":
        return palette_scss(hexes, weights)
    if fmt == "tailwind":
        return palette_tailwind(hexes, colors, weights)
    return palette_table(hexes, colors, weights, color_blocks=color_blocks)
