"""A before/after picture: the original and its redrawn version, side by side or split."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from ..errors import InvalidParameterError
from .labels import draw_label
from .pictures import shrunk_to_fit

LAYOUTS = ("side", "split")
GAP = 8
CHECKER = 12  # side of the squares drawn behind transparent pixels


def _as_rgba(picture) -> Image.Image:
    if isinstance(picture, Image.Image):
        return picture.convert("RGBA")
    array = np.asarray(picture)
    if array.dtype != np.uint8 or array.ndim not in (2, 3) or \
            (array.ndim == 3 and array.shape[2] not in (3, 4)):
        msg = f"expected an H×W, H×W×3 or H×W×4 uint8 image; got {array.dtype} {array.shape}"
        raise InvalidParameterError(msg)
    return Image.fromarray(array).convert("RGBA")


def _on_checker(picture: Image.Image) -> Image.Image:
    """``picture`` over a light grey checkerboard, so that transparency shows."""
    w, h = picture.size
    squares = (np.add.outer(np.arange(h) // CHECKER, np.arange(w) // CHECKER) % 2).astype(bool)
    board = np.where(squares[..., None], 205, 240).astype(np.uint8)
    checker = Image.fromarray(np.repeat(board, 3, axis=2)).convert("RGBA")
    return Image.alpha_composite(checker, picture).convert("RGB")


def before_after(before, after, *, labels: tuple[str, str] = ("original", "redrawn"),
                 layout: str = "side", max_width: int | None = None,
                 max_height: int | None = None) -> Image.Image:
    """The two pictures with their labels, for a person to compare: ``"side"`` puts them
    side by side, ``"split"`` shows the left half of ``before`` next to the right half of
    ``after`` with a line between.

    Parameters
    ----------
    before, after : array (H×W, H×W×3 or H×W×4 uint8) or PIL image
        Of the same size. Transparent pixels show over a checkerboard.
    labels : (str, str)
        Drawn in the top corners (white on a dark box, readable on any picture).
    layout : {"side", "split"}
    max_width, max_height : int, optional
        Scale each picture down to fit this box first, keeping its shape (a 12 MP photo
        side by side is otherwise 24 MP).

    Returns
    -------
    PIL.Image.Image
        RGB.

    Examples
    --------
    >>> a = np.zeros((20, 30, 3), np.uint8); b = np.full((20, 30, 3), 255, np.uint8)
    >>> before_after(a, b).size
    (68, 20)
    >>> split = np.asarray(before_after(a, b, layout="split", labels=("", "")))
    >>> split[10, 2].tolist(), split[10, 27].tolist()
    ([0, 0, 0], [255, 255, 255])
    """
    if layout not in LAYOUTS:
        msg = f"layout should be one of {', '.join(LAYOUTS)}; got {layout!r}"
        raise InvalidParameterError(msg)
    first, second = _as_rgba(before), _as_rgba(after)
    if first.size != second.size:
        msg = f"the pictures differ in size: {first.size} and {second.size}"
        raise InvalidParameterError(msg)
    first, second = (_on_checker(shrunk_to_fit(p, max_width, max_height)) for p in (first, second))
    w, h = first.size
    size = max(11, min(28, h // 18))
    if layout == "side":
        sheet = Image.new("RGB", (2 * w + GAP, h), "white")
        sheet.paste(first, (0, 0))
        sheet.paste(second, (w + GAP, 0))
        corners = [(size // 2, size // 2), (w + GAP + size // 2, size // 2)]
    else:
        sheet = first.copy()
        half = w // 2
        sheet.paste(second.crop((half, 0, w, h)), (half, 0))
        ImageDraw.Draw(sheet).line([(half, 0), (half, h)], fill="white", width=max(1, w // 400))
        corners = [(size // 2, size // 2), (w - size // 2, size // 2)]
    draw = ImageDraw.Draw(sheet, "RGBA")
    for (x, y), text, anchor in zip(corners, labels, ("left", "right" if layout == "split"
                                                      else "left"), strict=True):
        if text:
            draw_label(draw, (x, y), text, size, anchor=anchor)
    return sheet
