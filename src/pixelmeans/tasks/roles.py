"""Named colour roles of an image: Vibrant, DarkVibrant, LightVibrant, Muted, DarkMuted,
LightMuted and Dominant, each with readable title and body text colours.

Roles are chosen from our K-means palette as Android's Palette library chooses them
(``androidx.palette.graphics.Target``): each role has a lightness range and a saturation
range (minimum, target, maximum); among the palette colours inside both ranges and not yet
taken by an earlier role, the one with the best score wins, where the score weighs
closeness to the target saturation (0.24), to the target lightness (0.52) and the colour's
share relative to the largest (0.24). Roles are filled in Android's order (LightVibrant,
Vibrant, DarkVibrant, LightMuted, Muted, DarkMuted), each colour used once.

Two spaces measure lightness and saturation: ``"hsl"`` with Android's own ranges, and
``"oklch"`` (the default) with ranges on OKLCH lightness and chroma. HSL calls a near-black
brown "fully saturated" and pure yellow as dark as pure blue; OKLCH measures what the eye
sees. benchmarks/RESULTS.md compares both on real photos (which space gives vibrant roles
that look vibrant and dark roles that look dark).

A role no palette colour fits is never left empty: it is synthesised from the palette
colour that scores best for it, moved to the role's target lightness and saturation, and
marked so, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..image.colorspace import to_hex, to_uint8
from ..image.cylindrical import oklch_to_rgb, rgb_to_hsl, rgb_to_oklch
from ..image.wcag import BODY_CONTRAST, TITLE_CONTRAST, readable_text
from ..params import Integral, Interval, Options, validate_params, validated
from ..render.cards import roles_card, short_name
from ..render.table import text_table
from .palette import DEFAULT_COLOR_SPACE, PALETTE_CONSTRAINTS, Palette, extract_palette

ROLE_SPACES = ("oklch", "hsl")
DEFAULT_ROLE_SPACE = "oklch"
DEFAULT_ROLE_COLORS = 16  # Android's Palette also looks at 16 colours by default
ROLE_ORDER = ("LightVibrant", "Vibrant", "DarkVibrant", "LightMuted", "Muted", "DarkMuted")
SHOWN_ORDER = ("Dominant", "Vibrant", "DarkVibrant", "LightVibrant", "Muted", "DarkMuted",
               "LightMuted")
WEIGHT_SATURATION, WEIGHT_LIGHTNESS, WEIGHT_SHARE = 0.24, 0.52, 0.24

Range = tuple[float, float, float]  # minimum, target, maximum

# Android's Target.java: lightness and saturation in HSL.
_HSL_LIGHTNESS = {"Light": (0.55, 0.74, 1.0), "": (0.3, 0.5, 0.7), "Dark": (0.0, 0.26, 0.45)}
_HSL_SATURATION = {"Vibrant": (0.35, 1.0, 1.0), "Muted": (0.0, 0.3, 0.4)}
# The same roles on OKLCH lightness (0-1) and chroma. Lightness: each of Android's HSL
# bounds moved to the OKLCH lightness of the grey with that HSL lightness (HSL 0.26, 0.45,
# 0.5, 0.74 are OKLCH 0.38, 0.56, 0.60, 0.80), so greys fall in the same bands. Chroma:
# sRGB's strongest colours reach 0.2-0.32; below about 0.09 a colour reads as greyish.
# Chroma closeness is measured over CHROMA_SPAN.
_OKLCH_LIGHTNESS = {"Light": (0.64, 0.80, 1.0), "": (0.42, 0.60, 0.76),
                    "Dark": (0.0, 0.38, 0.56)}
_OKLCH_CHROMA = {"Vibrant": (0.09, 0.20, 0.40), "Muted": (0.0, 0.04, 0.09)}
CHROMA_SPAN = 0.2


@dataclass(frozen=True)
class Role:
    """One named role.

    Attributes
    ----------
    name : str
        "Vibrant", "DarkMuted", ... or "Dominant".
    color : ndarray of shape (3,), uint8
    share : float
        Share of the image of the palette colour chosen (0 for a synthesised role).
    synthesized : bool
        True when no palette colour fitted the role's ranges and the colour was derived.
    reason : str
        Why the role was synthesised (empty otherwise).
    title_text, body_text : ndarray of shape (3,), uint8
        Text colours that read on ``color``: WCAG contrast at least 3.0 (large title text)
        and 4.5 (body text).
    title_contrast, body_contrast : float
        Their contrast ratios.
    """

    name: str
    color: np.ndarray
    share: float
    synthesized: bool
    reason: str
    title_text: np.ndarray
    body_text: np.ndarray
    title_contrast: float
    body_contrast: float

    @property
    def hex(self) -> str:
        return to_hex([self.color])[0]

    def to_dict(self) -> dict:
        return {"role": self.name, "hex": self.hex, "share": round(self.share, 6),
                "synthesized": self.synthesized, "reason": self.reason or None,
                "title_text": to_hex([self.title_text])[0],
                "body_text": to_hex([self.body_text])[0],
                "title_contrast": round(self.title_contrast, 2),
                "body_contrast": round(self.body_contrast, 2)}


@dataclass(frozen=True)
class Roles:
    """The roles of an image (see :func:`palette_roles`), Dominant first.

    Examples
    --------
    >>> import numpy as np
    >>> p = Palette(np.array([[200, 30, 30], [90, 90, 100]], np.uint8), np.array([.5, .5]))
    >>> roles = roles_of_palette(p)
    >>> roles["Vibrant"].hex, roles["Vibrant"].synthesized
    ('#c81e1e', False)
    >>> len(roles.roles)
    7
    """

    roles: tuple[Role, ...]
    palette: Palette
    space: str

    def __getitem__(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {"source": self.palette.source, "space": self.space,
                "roles": [r.to_dict() for r in self.roles]}

    def format(self, fmt: str = "text") -> str:
        """``"text"`` (a table) or ``"json"``; ``"css"`` gives ``--vibrant: #...`` etc."""
        validate_params("Roles.format", {"fmt": fmt},
                        {"fmt": [Options(("text", "json", "css"))]})
        if fmt == "json":
            import json

            return json.dumps(self.to_dict(), indent=2) + "\n"
        if fmt == "css":
            lines = [f"  --{_kebab(r.name)}: {r.hex};\n  --{_kebab(r.name)}-title: "
                     f"{to_hex([r.title_text])[0]};\n  --{_kebab(r.name)}-body: "
                     f"{to_hex([r.body_text])[0]};" for r in self.roles]
            return ":root {\n" + "\n".join(lines) + "\n}\n"
        rows = [[r.name, r.hex, f"{r.share:.1%}", to_hex([r.title_text])[0],
                 f"{r.title_contrast:.1f}", to_hex([r.body_text])[0], f"{r.body_contrast:.1f}",
                 ("synthesised: " + r.reason) if r.synthesized else ""] for r in self.roles]
        return text_table(["role", "hex", "share", "title", "ratio", "body", "ratio", "note"],
                          rows, left=(0, 1, 3, 5, 7))

    def card(self, width: int = 840) -> Image.Image:
        """A card of the roles, each with its title and body text drawn in their colours."""
        return roles_card([r.name for r in self.roles],
                          np.array([r.color for r in self.roles]),
                          np.array([r.title_text for r in self.roles]),
                          np.array([r.body_text for r in self.roles]),
                          ["synthesised" if r.synthesized else f"{r.share:.1%} of the image"
                           for r in self.roles],
                          width=width,
                          heading=f"{short_name(self.palette.source)} · roles in {self.space}")


def _kebab(name: str) -> str:
    return "".join("-" + c.lower() if c.isupper() and i else c.lower()
                   for i, c in enumerate(name))


def _targets(space: str) -> dict[str, tuple[Range, Range]]:
    lightness = _OKLCH_LIGHTNESS if space == "oklch" else _HSL_LIGHTNESS
    saturation = _OKLCH_CHROMA if space == "oklch" else _HSL_SATURATION
    return {f"{band}{kind}": (lightness[band], saturation[kind])
            for kind in ("Vibrant", "Muted") for band in ("Light", "", "Dark")}


def _measure(colors: np.ndarray, space: str) -> tuple[np.ndarray, np.ndarray]:
    """Lightness and saturation (HSL) or lightness and chroma (OKLCH) of each colour."""
    if space == "oklch":
        lch = rgb_to_oklch(colors)
        return lch[:, 0], lch[:, 1]
    hsl = rgb_to_hsl(colors)
    return hsl[:, 2], hsl[:, 1]


def _scores(lightness, saturation, shares, target: tuple[Range, Range], space: str):
    (_, l_target, _), (_, s_target, _) = target
    span = CHROMA_SPAN if space == "oklch" else 1.0
    s_close = 1 - np.minimum(np.abs(saturation - s_target) / span, 1)
    l_close = 1 - np.abs(lightness - l_target)
    return (WEIGHT_SATURATION * s_close + WEIGHT_LIGHTNESS * l_close
            + WEIGHT_SHARE * shares / shares.max())


def _inside(values, bounds: Range) -> np.ndarray:
    return (values >= bounds[0]) & (values <= bounds[2])


def _synthesize(color: np.ndarray, target: tuple[Range, Range], space: str) -> np.ndarray:
    """``color`` moved to the target lightness and saturation (chroma), hue kept."""
    (_, l_target, _), (_, s_target, _) = target
    if space == "oklch":
        _, _, hue = rgb_to_oklch(color[None])[0]
        return to_uint8(oklch_to_rgb(np.array([l_target, s_target, hue])))
    import colorsys

    hue = rgb_to_hsl(color[None])[0, 0] / 360
    return to_uint8(np.array(colorsys.hls_to_rgb(hue, l_target, s_target)))


def _role(name: str, color, share: float, reason: str = "") -> Role:
    title, title_ratio = readable_text(color, TITLE_CONTRAST)
    body, body_ratio = readable_text(color, BODY_CONTRAST)
    return Role(name, np.asarray(color, dtype=np.uint8), float(share), bool(reason), reason,
                title, body, title_ratio, body_ratio)


@validated({"space": [Options(ROLE_SPACES)]})
def roles_of_palette(palette: Palette, space: str = DEFAULT_ROLE_SPACE) -> Roles:
    """The seven roles of a palette (see :func:`palette_roles`)."""
    colors, shares = palette.colors, np.asarray(palette.weights, dtype=np.float64)
    lightness, saturation = _measure(colors, space)
    targets = _targets(space)
    taken = np.zeros(len(colors), dtype=bool)
    chosen: dict[str, Role] = {}
    for name in ROLE_ORDER:
        target = targets[name]
        scores = _scores(lightness, saturation, shares, target, space)
        fits = _inside(lightness, target[0]) & _inside(saturation, target[1]) & ~taken
        if fits.any():
            best = int(np.argmax(np.where(fits, scores, -np.inf)))
            taken[best] = True
            chosen[name] = _role(name, colors[best], shares[best])
            continue
        source = int(np.argmax(scores))
        (l_lo, _, l_hi), (s_lo, _, s_hi) = target
        measure = "chroma" if space == "oklch" else "saturation"
        reason = (f"no palette colour has {space} lightness {l_lo:g}-{l_hi:g} and {measure} "
                  f"{s_lo:g}-{s_hi:g}; derived from {to_hex([colors[source]])[0]}")
        chosen[name] = _role(name, _synthesize(colors[source], target, space), 0.0, reason)
    dominant = _role("Dominant", colors[int(np.argmax(shares))], float(shares.max()))
    roles = (dominant, *(chosen[name] for name in SHOWN_ORDER[1:]))
    return Roles(roles, palette, space)


@validated({**PALETTE_CONSTRAINTS, "space": [Options(ROLE_SPACES)],
            "n_colors": [Interval(Integral, 1, 4096)]})
def palette_roles(image, n_colors: int = DEFAULT_ROLE_COLORS, *, space: str = DEFAULT_ROLE_SPACE,
                  color_space: str = DEFAULT_COLOR_SPACE, random_state=0, **options) -> Roles:
    """The named colour roles of an image, chosen from its K-means palette.

    Parameters
    ----------
    image : anything :func:`pixelmeans.extract_palette` reads
    n_colors : int, default 16
        Palette colours the roles are chosen from.
    space : {"oklch", "hsl"}, default "oklch"
        Where lightness and saturation are measured (see the module notes).
    color_space, random_state, **options
        Passed to :func:`pixelmeans.extract_palette` (e.g. ``fixed_colors``, ``exclude``).

    Returns
    -------
    Roles
        Dominant, Vibrant, DarkVibrant, LightVibrant, Muted, DarkMuted, LightMuted; none
        missing (a synthesised role says why).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((10, 10, 3), np.uint8); img[:5] = (220, 40, 40)
    >>> roles = palette_roles(img, 2)
    >>> roles["Dominant"].hex, roles["Vibrant"].hex, roles["Muted"].synthesized
    ('#000000', '#dc2828', True)
    """
    palette = extract_palette(image, n_colors, color_space=color_space,
                              random_state=random_state, **options)
    return roles_of_palette(palette, space)
