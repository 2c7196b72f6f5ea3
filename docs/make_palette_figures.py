"""Render the README's pictures of palettes put to work into docs/ (from the repository root).

    python docs/make_palette_figures.py

A palette card, a roles card, a WCAG contrast grid and a colour-vision preview, all of the
bundled photos.
"""

from __future__ import annotations

from pathlib import Path

from pixelmeans import extract_palette
from pixelmeans.tasks.contrast import contrast_report
from pixelmeans.tasks.roles import palette_roles

DOCS = Path(__file__).resolve().parent
PHOTOS = DOCS.parent / "src" / "pixelmeans" / "data"


def main() -> None:
    coffee, astronaut = PHOTOS / "coffee.jpg", PHOTOS / "astronaut.jpg"
    card = extract_palette(coffee, 8).card()
    card.save(DOCS / "coffee-card.png", optimize=True)
    palette_roles(astronaut).card().save(DOCS / "astronaut-roles.png", optimize=True)
    contrast_report(coffee, 6, simulate_vision=()).grid().save(DOCS / "coffee-contrast.png",
                                                              optimize=True)
    preview = contrast_report(astronaut, 10).preview(width=640)
    # 10 colours per row and some text: 256 indexed colours hold it at a third of the bytes.
    preview.quantize(256).save(DOCS / "astronaut-cvd.png", optimize=True)


if __name__ == "__main__":
    main()
