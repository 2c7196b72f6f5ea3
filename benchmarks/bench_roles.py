"""Named roles on real photos: which space (HSL as Android, or OKLCH) gives agreeable roles.

For the bundled photos and scikit-image's colour photos, the seven roles are chosen from the
16-colour K-means palette in both spaces. The roles are then judged in CIELAB, a third space
that neither selection uses: a Vibrant role should look colourful (CIELAB chroma C*), a
Muted one less so; a Dark role should look dark (L*), a Light one light. Written to the
"roles" section of RESULTS.md with the roles of every photo.

    python benchmarks/bench_roles.py
"""

from __future__ import annotations

import numpy as np
from common import ROOT, header, table, write_section

from pixelmeans.image.colorspace import rgb_to_lab
from pixelmeans.tasks.roles import SHOWN_ORDER, palette_roles

DATA = ROOT / "src" / "pixelmeans" / "data"
SKIMAGE_PHOTOS = ("rocket", "hubble_deep_field", "immunohistochemistry", "retina",
                  "colorwheel", "logo", "stereo_motorcycle")
FAMILIES = ("Vibrant", "Muted")
GREYISH_CHROMA = 20  # CIELAB C*: below this a colour reads as greyish
DARK_LIGHTNESS, LIGHT_LIGHTNESS = 50, 60  # CIELAB L*


def photos():
    for path in sorted(DATA.glob("*.jpg")):
        yield path.stem, path
    import skimage.data

    for name in SKIMAGE_PHOTOS:
        try:
            image = getattr(skimage.data, name)()
        except Exception:  # a data file scikit-image would have to download
            continue
        yield f"skimage {name}", image[0] if isinstance(image, tuple) else image


def lab(rgb) -> np.ndarray:
    return rgb_to_lab(np.asarray(rgb, dtype=np.float64) / 255)


def judge(roles) -> dict:
    """Counts of roles that look as their names say, in CIELAB."""
    found = sum(not r.synthesized for r in roles.roles[1:])
    chroma = {r.name: float(np.hypot(*lab(r.color)[1:])) for r in roles.roles}
    lightness = {r.name: float(lab(r.color)[0]) for r in roles.roles}
    vibrant = [n for n in chroma if n.endswith("Vibrant")]
    muted = [n for n in chroma if n.endswith("Muted")]
    ordered = sum(lightness[f"Dark{f}"] < lightness[f] < lightness[f"Light{f}"]
                  for f in FAMILIES)
    return {
        "found": found,
        "greyish vibrant": sum(chroma[n] < GREYISH_CHROMA for n in vibrant),
        "vibrant C*": np.mean([chroma[n] for n in vibrant]),
        "muted C*": np.mean([chroma[n] for n in muted]),
        "muted more colourful than vibrant": sum(
            chroma[f"{band}Muted"] > chroma[f"{band}Vibrant"] for band in ("Dark", "", "Light")),
        "dark not dark": sum(lightness[f"Dark{f}"] > DARK_LIGHTNESS for f in FAMILIES),
        "light not light": sum(lightness[f"Light{f}"] < LIGHT_LIGHTNESS for f in FAMILIES),
        "lightness in order": ordered,
    }


def main() -> None:
    rows = {space: [] for space in ("oklch", "hsl")}
    scores = {space: [] for space in rows}
    for name, source in photos():
        for space in rows:
            roles = palette_roles(source, space=space)
            scores[space].append(judge(roles))
            cells = {r.name: r.hex + ("*" if r.synthesized else "") for r in roles.roles}
            rows[space].append({"photo": name, **cells})
    n = len(scores["oklch"])
    keys = list(scores["oklch"][0])
    summary = []
    for space, values in scores.items():
        row = {"space": space}
        for key in keys:
            total = np.sum([v[key] for v in values]) if "C*" not in key else \
                np.mean([v[key] for v in values])
            row[key] = f"{total:.1f}" if "C*" in key else int(total)
        summary.append(row)
    body = "\n\n".join([
        "## Named roles: HSL (Android's ranges) or OKLCH (`benchmarks/bench_roles.py`)",
        header("numpy", "Pillow", "scikit-image"),
        f"{n} photos (the bundled ones and scikit-image's colour photos), roles from the "
        "16-colour palette in each space, judged in CIELAB (used by neither): *found* roles "
        f"taken from the palette (of {6 * n}; the others synthesised); *greyish vibrant* "
        f"Vibrant roles with C* < {GREYISH_CHROMA} (of {3 * n}); mean C* of the Vibrant and "
        "Muted roles; Muted roles more colourful than the Vibrant role of the same band (of "
        f"{3 * n}); Dark roles with L* > {DARK_LIGHTNESS} and Light roles with L* < "
        f"{LIGHT_LIGHTNESS} (of {2 * n} each); families whose Dark < normal < Light in L* (of "
        f"{2 * n}).",
        table(summary, ["space", *keys]),
        "Roles chosen in OKLCH (the default); `*` marks a synthesised role.",
        table(rows["oklch"], ["photo", *SHOWN_ORDER]),
        "The same photos with HSL (`--role-space hsl`).",
        table(rows["hsl"], ["photo", *SHOWN_ORDER]),
    ])
    write_section("roles", body)


if __name__ == "__main__":
    main()
