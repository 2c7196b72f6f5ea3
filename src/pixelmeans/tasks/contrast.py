"""Contrast and colour-vision checks of a palette: the WCAG 2.x grid over every pair of
colours, and how the palette and the image look with protanopia, deuteranopia and
tritanopia (Machado et al. 2009), with the pairs of colours that become hard to tell apart.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import InvalidParameterError
from ..image.colorspace import to_hex
from ..image.difference import delta_e_2000
from ..image.load import DEFAULT_MAX_PIXELS, as_image
from ..image.vision import DEFICIENCIES, simulate
from ..image.wcag import AA_LARGE, AA_NORMAL, AAA_LARGE, AAA_NORMAL, contrast_ratio
from ..params import Integral, Interval, Options, Real, validate_params, validated
from ..render.cards import contrast_grid, vision_preview, wcag_level
from ..render.palette_files import is_palette_file
from ..render.table import text_table
from .palette import DEFAULT_COLOR_SPACE, PALETTE_CONSTRAINTS, Palette, as_palette
from .quantize import Quantized, quantize

# Two colours closer than this (CIEDE2000) are hard to tell apart side by side.
CONFUSABLE_DELTA_E = 10.0
PREVIEW_PIXELS = 200_000  # the image in the preview is drawn at about this size
# Every pair is compared (k² ratios, k²/2 rows of text): more colours is not a palette.
MAX_CONTRAST_COLORS = 256


@dataclass(frozen=True)
class Confusable:
    """Two palette colours that look alike to someone with a colour-vision deficiency."""

    deficiency: str
    first: int
    second: int
    delta_e: float  # CIEDE2000 between the two as simulated
    delta_e_normal: float  # and as seen with normal colour vision


@dataclass(frozen=True)
class ContrastReport:
    """Every pair of palette colours: WCAG ratios, and what colour-vision deficiencies do.

    Attributes
    ----------
    palette : Palette
    ratios : ndarray of shape (k, k)
        WCAG 2.x contrast ratio of each pair (1 on the diagonal).
    simulated : dict of str to ndarray of shape (k, 3)
        The palette as seen with each simulated deficiency.
    confusable : list of Confusable
        Pairs at least ΔE2000 10 apart with normal vision but closer under a simulation.
    quantized : Quantized or None
        The image redrawn with the palette (when an image was given), for the preview.
    """

    palette: Palette
    ratios: np.ndarray
    simulated: dict[str, np.ndarray]
    confusable: list[Confusable]
    quantized: Quantized | None = field(default=None, repr=False)

    def pairs(self) -> list[dict]:
        """One record per ordered pair (text colour on background colour)."""
        out = []
        hexes = self.palette.hex
        for i in range(len(hexes)):
            for j in range(len(hexes)):
                if i == j:
                    continue
                r = float(self.ratios[i, j])
                out.append({"text": hexes[i], "background": hexes[j], "ratio": round(r, 2),
                            "aa_normal": r >= AA_NORMAL, "aa_large": r >= AA_LARGE,
                            "aaa_normal": r >= AAA_NORMAL, "aaa_large": r >= AAA_LARGE})
        return out

    def to_dict(self) -> dict:
        hexes = self.palette.hex
        return {
            "source": self.palette.source,
            "colors": hexes,
            "pairs": [p for p in self.pairs() if p["text"] < p["background"]],
            "simulated": {d: to_hex(c) for d, c in self.simulated.items()},
            "confusable": [{"deficiency": c.deficiency, "colors": [hexes[c.first],
                                                                   hexes[c.second]],
                            "delta_e": round(c.delta_e, 2),
                            "delta_e_normal": round(c.delta_e_normal, 2)}
                           for c in self.confusable],
        }

    def format(self, fmt: str = "text") -> str:
        """``"text"``: the table of pairs (each unordered pair once: the ratio is
        symmetric) and the confusable pairs; ``"json"``; ``"csv"``."""
        validate_params("ContrastReport.format", {"fmt": fmt},
                        {"fmt": [Options(("text", "json", "csv"))]})
        if fmt == "json":
            return json.dumps(self.to_dict(), indent=2) + "\n"
        if len(self.palette) < 2 and fmt == "text":
            return f"{self.palette.hex[0]}: one colour, no pairs to compare\n"
        rows = [[p["text"], p["background"], f"{p['ratio']:.2f}", wcag_level(p["ratio"]),
                 _yes(p["aa_normal"]), _yes(p["aa_large"]), _yes(p["aaa_normal"]),
                 _yes(p["aaa_large"])]
                for p in sorted(self.to_dict()["pairs"], key=lambda p: -p["ratio"])]
        if fmt == "csv":
            head = "color_a,color_b,ratio,level,aa_normal,aa_large,aaa_normal,aaa_large\n"
            return head + "".join(",".join(r) + "\n" for r in rows)
        text = text_table(["colour", "on", "ratio", "level", "AA", "AA large", "AAA",
                           "AAA large"], rows, left=(0, 1, 3))
        if self.simulated:
            text += "\n" + self._confusable_text()
        return text

    def _confusable_text(self) -> str:
        if not self.confusable:
            return (f"no two colours become closer than ΔE2000 {CONFUSABLE_DELTA_E:g} with "
                    f"{', '.join(self.simulated)}\n")
        hexes = self.palette.hex
        rows = [[c.deficiency, hexes[c.first], hexes[c.second], f"{c.delta_e:.1f}",
                 f"{c.delta_e_normal:.1f}"] for c in self.confusable]
        return "become hard to tell apart (ΔE2000 < 10 as simulated):\n" + text_table(
            ["vision", "colour", "colour", "ΔE seen", "ΔE normal"], rows, left=(0, 1, 2))

    def grid(self, cell: int = 84) -> Image.Image:
        """The contrast grid: text in each row's colour on each column's colour, with the
        ratio and the WCAG level it reaches."""
        return contrast_grid(self.palette.colors, cell=cell)

    def preview(self, width: int = 840) -> Image.Image:
        """Normal vision and each simulated deficiency: the palette and the image as seen."""
        rows = []
        for label, colors in [("normal", self.palette.colors), *self.simulated.items()]:
            image = None
            if self.quantized is not None:
                image = colors[_small_labels(self.quantized.labels)]
            rows.append((label, colors, image))
        hexes = self.palette.hex
        notes = [f"{c.deficiency}: {hexes[c.first]} and {hexes[c.second]} look alike "
                 f"(CIEDE2000 {c.delta_e:.1f}, normally {c.delta_e_normal:.1f})"
                 for c in self.confusable[:6]]
        return vision_preview(rows, width=width, notes=notes)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _small_labels(labels: np.ndarray) -> np.ndarray:
    """Every n-th row and column, so the preview's image is about PREVIEW_PIXELS."""
    step = max(1, int(np.sqrt(labels.size / PREVIEW_PIXELS)))
    return labels[::step, ::step]


def confusable_pairs(colors: np.ndarray, simulated: dict[str, np.ndarray],
                     threshold: float = CONFUSABLE_DELTA_E) -> list[Confusable]:
    """Pairs of colours that become hard to tell apart: at least ``threshold`` (ΔE2000)
    apart with normal vision, closer than that under a simulation. (Pairs already closer
    with normal vision are the palette's own near-duplicates, not a colour-vision issue.)

    Examples
    --------
    >>> red_green = np.array([[200, 60, 40], [110, 120, 40]], np.uint8)
    >>> sim = {"deuteranopia": simulate(red_green, "deuteranopia")}
    >>> [(c.first, c.second) for c in confusable_pairs(red_green, sim)]
    [(0, 1)]
    """
    i, j = np.triu_indices(len(colors), k=1)
    normal = delta_e_2000(colors[i], colors[j])
    found = []
    for deficiency, seen in simulated.items():
        delta = delta_e_2000(seen[i], seen[j])
        for n in np.flatnonzero((delta < threshold) & (normal >= threshold)):
            found.append(Confusable(deficiency, int(i[n]), int(j[n]), float(delta[n]),
                                    float(normal[n])))
    return found


def _is_given_palette(source) -> bool:
    if isinstance(source, Palette):
        return True
    if isinstance(source, str | os.PathLike):
        return is_palette_file(str(source)) or (isinstance(source, str) and
                                                "#" in source and not Path(source).exists())
    return isinstance(source, Sequence) and bool(source) and isinstance(source[0], str)


@validated({**PALETTE_CONSTRAINTS, "n_colors": [Interval(Integral, 1, MAX_CONTRAST_COLORS)],
            "threshold": [Interval(Real, 0, 100)],
            "max_pixels": [Interval(Integral, 1, None)]})
def contrast_report(source, n_colors: int = 6, *, simulate_vision: Sequence[str] = DEFICIENCIES,
                    threshold: float = CONFUSABLE_DELTA_E, color_space: str = DEFAULT_COLOR_SPACE,
                    random_state=0, max_pixels: int = DEFAULT_MAX_PIXELS) -> ContrastReport:
    """WCAG contrast of every pair of palette colours, and colour-vision simulations.

    Parameters
    ----------
    source : image, Palette, palette file or hex codes
        An image (anything :func:`pixelmeans.load_image` reads) gives its ``n_colors``
        palette and is redrawn with it for the preview; a palette is checked as given.
    n_colors : int, default 6
        At most 256 (a palette given as it is, too).
    simulate_vision : names from "protanopia", "deuteranopia", "tritanopia"
        Deficiencies to simulate (Machado et al. 2009, severity 1); empty for none.
    threshold : float, default 10
        Pairs at least this CIEDE2000 distance apart with normal vision and closer under a
        simulation are flagged.
    color_space, random_state
        As for :func:`pixelmeans.quantize`.
    max_pixels : int, default 250 million
        Refuse larger images.

    Examples
    --------
    >>> report = contrast_report(["#000000", "#ffffff", "#777777"], simulate_vision=())
    >>> round(float(report.ratios[0, 1]), 1), round(float(report.ratios[1, 2]), 2)
    (21.0, 4.48)
    """
    unknown = [d for d in simulate_vision if d not in DEFICIENCIES]
    if unknown:
        msg = f"simulate: expected some of {', '.join(DEFICIENCIES)}; got {unknown[0]!r}"
        raise InvalidParameterError(msg)
    quantized = None
    if _is_given_palette(source):
        palette = as_palette(source)
    else:
        quantized = quantize(as_image(source, max_pixels=max_pixels), n_colors,
                             color_space=color_space, random_state=random_state)
        palette = quantized.palette
    colors = palette.colors
    if len(colors) > MAX_CONTRAST_COLORS:
        msg = (f"{palette.source}: {len(colors):,} colours; contrast compares every pair of "
               f"at most {MAX_CONTRAST_COLORS}")
        raise InvalidParameterError(msg)
    ratios = contrast_ratio(colors[:, None, :], colors[None, :, :])
    simulated = {d: simulate(colors, d) for d in simulate_vision}
    return ContrastReport(palette, ratios, simulated,
                          confusable_pairs(colors, simulated, threshold), quantized)
