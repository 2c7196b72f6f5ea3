"""Text on pictures: a font of a given size, and a label that reads on any background."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageDraw, ImageFont

from ..image.colorspace import parse_hex
from ..image.wcag import contrast_ratio

LABEL_FILL = (20, 20, 20, 190)  # a dark, slightly see-through box under white text


def ink_for(hex_color: str) -> str:
    """``"black"`` or ``"white"``, whichever reads better on ``hex_color`` (by WCAG relative
    luminance: the one with the higher contrast ratio).

    Examples
    --------
    >>> ink_for("#a27c62"), ink_for("#1e3a8a")
    ('black', 'white')
    """
    color = parse_hex(hex_color)
    on_black, on_white = contrast_ratio(color, [[0, 0, 0], [255, 255, 255]])
    return "black" if on_black > on_white else "white"


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's own font at ``size`` pixels (Pillow >= 10.1 scales it; older Pillow has only
    its small bitmap font, which is used then).

    Examples
    --------
    >>> font(14).getbbox("A")[3] > 0
    True
    """
    try:
        return ImageFont.load_default(size=size)  # type: ignore[call-arg]
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def draw_label(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int = 14, *,
               anchor: str = "left") -> tuple[int, int, int, int]:
    """White ``text`` on a dark rounded box whose top-left corner is ``xy`` (its top-right
    corner with ``anchor="right"``); returns the box. The image drawn on should be RGBA or
    RGB.

    Examples
    --------
    >>> from PIL import Image
    >>> im = Image.new("RGB", (80, 30), "white")
    >>> box = draw_label(ImageDraw.Draw(im), (2, 2), "k = 8")
    >>> box[0], box[1], im.getpixel((3, 3)) != (255, 255, 255)
    (2, 2, True)
    """
    face = font(size)
    left, top, right, bottom = (round(v) for v in draw.textbbox((0, 0), text, font=face))
    pad = max(2, size // 3)
    width, height = right - left + 2 * pad, bottom - top + 2 * pad
    x = xy[0] - width if anchor == "right" else xy[0]
    box = (x, xy[1], x + width, xy[1] + height)
    draw.rounded_rectangle(box, radius=pad, fill=LABEL_FILL)
    draw.text((x + pad - left, xy[1] + pad - top), text, font=face, fill="white")
    return box
