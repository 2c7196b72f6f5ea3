"""Named roles: Android's targets and scoring, never a missing role, readable text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pixelmeans.image.cylindrical import rgb_to_hsl
from pixelmeans.image.wcag import contrast_ratio
from pixelmeans.tasks.palette import Palette
from pixelmeans.tasks.roles import SHOWN_ORDER, palette_roles, roles_of_palette

DATA = Path(__file__).parents[2] / "src" / "pixelmeans" / "data"
HSL_RANGES = {  # Android's Target.java: (lightness min, max), (saturation min, max)
    "LightVibrant": ((0.55, 1.0), (0.35, 1.0)), "Vibrant": ((0.3, 0.7), (0.35, 1.0)),
    "DarkVibrant": ((0.0, 0.45), (0.35, 1.0)), "LightMuted": ((0.55, 1.0), (0.0, 0.4)),
    "Muted": ((0.3, 0.7), (0.0, 0.4)), "DarkMuted": ((0.0, 0.45), (0.0, 0.4)),
}


def android_reference(colors: np.ndarray, shares: np.ndarray) -> dict[str, int]:
    """Android's Palette.generate() selection, written out plainly: targets in its order,
    each the best-scoring unused swatch inside both ranges."""
    targets = {"LightVibrant": (0.74, 1.0), "Vibrant": (0.5, 1.0), "DarkVibrant": (0.26, 1.0),
               "LightMuted": (0.74, 0.3), "Muted": (0.5, 0.3), "DarkMuted": (0.26, 0.3)}
    used: set[int] = set()
    chosen = {}
    for name, (l_target, s_target) in targets.items():
        (l_lo, l_hi), (s_lo, s_hi) = HSL_RANGES[name]
        best, best_score = None, -1.0
        for i, rgb in enumerate(colors):
            _, s, lightness = rgb_to_hsl(rgb[None])[0]
            if i in used or not (l_lo <= lightness <= l_hi and s_lo <= s <= s_hi):
                continue
            score = (0.24 * (1 - abs(s - s_target)) + 0.52 * (1 - abs(lightness - l_target))
                     + 0.24 * shares[i] / shares.max())
            if score > best_score:
                best, best_score = i, score
        if best is not None:
            used.add(best)
            chosen[name] = best
    return chosen


def test_hsl_roles_are_androids_choice(rng):
    for _ in range(20):
        colors = rng.integers(0, 256, (16, 3)).astype(np.uint8)
        shares = rng.dirichlet(np.ones(16))
        roles = roles_of_palette(Palette(colors, shares), "hsl")
        for name, i in android_reference(colors, shares).items():
            assert roles[name].color.tolist() == colors[i].tolist()
            assert not roles[name].synthesized


@pytest.mark.parametrize("space", ["oklch", "hsl"])
@pytest.mark.parametrize("photo", ["astronaut.jpg", "chelsea.jpg", "coffee.jpg"])
def test_every_role_present_with_readable_text(photo, space):
    roles = palette_roles(DATA / photo, space=space)
    assert [r.name for r in roles.roles] == list(SHOWN_ORDER)
    for r in roles.roles:
        assert r.synthesized == bool(r.reason)
        assert float(contrast_ratio(r.title_text, r.color)) >= 3.0
        assert float(contrast_ratio(r.body_text, r.color)) >= 4.5
    assert roles["Dominant"].share == pytest.approx(roles.palette.weights.max())


def test_a_missing_role_is_synthesised_with_the_reason():
    p = Palette(np.array([[220, 40, 40], [30, 30, 30]], np.uint8), np.array([0.5, 0.5]))
    roles = roles_of_palette(p)
    light = roles["LightMuted"]
    assert light.synthesized and light.share == 0
    assert "no palette colour has oklch lightness 0.64-1" in light.reason
    assert "derived from" in light.reason
    assert roles["Vibrant"].hex == "#dc2828" and not roles["Vibrant"].synthesized


def test_a_colour_serves_one_role_only():
    p = Palette(np.array([[200, 30, 30]], np.uint8), np.array([1.0]))
    roles = roles_of_palette(p)
    found = [r.name for r in roles.roles[1:] if not r.synthesized]
    assert len(found) == 1


def test_near_black_is_dark_vibrant_in_hsl_but_not_in_oklch():
    # HSL calls #220a05 (a near-black brown) fully saturated; OKLCH sees it as greyish.
    p = Palette(np.array([[34, 10, 5], [161, 40, 13]], np.uint8), np.array([0.7, 0.3]))
    assert roles_of_palette(p, "hsl")["DarkVibrant"].hex == "#220a05"
    oklch = roles_of_palette(p, "oklch")
    assert oklch["DarkVibrant"].hex != "#220a05" and oklch["DarkMuted"].hex == "#220a05"


def test_outputs():
    roles = palette_roles(DATA / "coffee.jpg")
    assert roles.format().splitlines()[0].split()[:3] == ["role", "hex", "share"]
    assert "--dark-vibrant:" in roles.format("css")
    assert roles.to_dict()["roles"][0]["role"] == "Dominant"
    assert roles.card().size[0] == 840
