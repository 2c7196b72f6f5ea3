"""WCAG 2.x contrast: relative luminance, contrast ratios, and readable text colours.

The formulas are those of WCAG 2.1 (§ 1.4.3 and the definitions of *relative luminance*
and *contrast ratio*): luminance from linearised sRGB with the Rec. 709 weights, ratio
``(L1 + 0.05) / (L2 + 0.05)``. AA asks 4.5 for normal text and 3 for large text; AAA asks
7 and 4.5. It knows nothing about K-means.
"""

from __future__ import annotations

import numpy as np

from .colorspace import srgb_to_linear

# WCAG 2.1 success criteria 1.4.3 (AA) and 1.4.6 (AAA): minimum ratios.
AA_NORMAL, AA_LARGE, AAA_NORMAL, AAA_LARGE = 4.5, 3.0, 7.0, 4.5
# Role cards and palette cards: title text is large (≥ 3), body text normal (≥ 4.5).
TITLE_CONTRAST, BODY_CONTRAST = AA_LARGE, AA_NORMAL
_LUMA = np.array([0.2126, 0.7152, 0.0722])
_WHITE = np.array([255, 255, 255], np.uint8)
_BLACK = np.array([0, 0, 0], np.uint8)


def relative_luminance(rgb8) -> np.ndarray:
    """WCAG relative luminance (0 for black, 1 for white) of ``uint8`` sRGB colours.

    Examples
    --------
    >>> float(relative_luminance([255, 255, 255])), float(relative_luminance([0, 0, 0]))
    (1.0, 0.0)
    """
    return srgb_to_linear(np.asarray(rgb8, dtype=np.float64) / 255.0) @ _LUMA


def contrast_ratio(a, b) -> np.ndarray:
    """WCAG contrast ratio (1 to 21) between ``uint8`` sRGB colours, broadcast.

    Examples
    --------
    >>> round(float(contrast_ratio([119, 119, 119], [255, 255, 255])), 2)  # #777 on white
    4.48
    >>> float(contrast_ratio([0, 0, 0], [255, 255, 255]))
    21.0
    """
    la, lb = relative_luminance(a), relative_luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def readable_text(background, minimum: float) -> tuple[np.ndarray, float]:
    """A text colour on ``background`` with a contrast ratio of at least ``minimum``.

    White or black text with the background's hue mixed in as far as the ratio allows (as
    Android's Palette does with its alpha search): the most tinted colour that still reaches
    ``minimum``, else plain white or black, whichever contrasts more. Returns the colour
    and its ratio.

    Examples
    --------
    >>> text, ratio = readable_text([0, 0, 128], 4.5)
    >>> ratio >= 4.5, text.tolist() != [0, 0, 128]
    (True, True)
    """
    bg = np.asarray(background, dtype=np.float64)
    best = None
    for end in (_WHITE, _BLACK):
        # Mixes from the pure end towards the background: the ratio falls as the mix grows.
        mixes = np.linspace(0.0, 1.0, 41)
        candidates = np.rint((1 - mixes)[:, None] * end + mixes[:, None] * bg).astype(np.uint8)
        ratios = contrast_ratio(candidates, bg.astype(np.uint8))
        ok = np.flatnonzero(ratios >= minimum)
        if ok.size:
            i = ok[-1]
            option = (candidates[i], float(ratios[i]))
            if best is None or ratios[0] > best[2]:
                best = (*option, float(ratios[0]))
    if best is None:  # no colour reaches the minimum: the stronger of white and black
        on_white, on_black = (float(contrast_ratio(end, bg.astype(np.uint8)))
                              for end in (_WHITE, _BLACK))
        end = _WHITE if on_white >= on_black else _BLACK
        return end.copy(), max(on_white, on_black)
    return best[0], best[1]
