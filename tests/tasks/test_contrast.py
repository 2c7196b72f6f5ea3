"""The contrast report: WCAG grid, simulations and the confusable pairs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pixelmeans.image.difference import delta_e_2000
from pixelmeans.image.vision import simulate
from pixelmeans.tasks.contrast import contrast_report

DATA = Path(__file__).parents[2] / "src" / "pixelmeans" / "data"


def test_ratios_of_a_given_palette():
    report = contrast_report(["#000000", "#ffffff", "#777777"], simulate_vision=())
    np.testing.assert_allclose(np.diag(report.ratios), 1)
    np.testing.assert_allclose(report.ratios, report.ratios.T)
    assert report.ratios[0, 1] == pytest.approx(21)
    assert report.ratios[1, 2] == pytest.approx(4.48, abs=0.005)
    pairs = {(p["text"], p["background"]): p for p in report.pairs()}
    grey_on_white = pairs[("#777777", "#ffffff")]
    assert (grey_on_white["aa_normal"], grey_on_white["aa_large"]) == (False, True)
    assert len(report.pairs()) == 6


def test_confusable_pairs_match_a_brute_force_check():
    colors = ["#be3c28", "#647828", "#2980b9", "#f1c40f", "#000000", "#ffffff"]
    report = contrast_report(colors)
    rgb = report.palette.colors
    expected = set()
    for d in ("protanopia", "deuteranopia", "tritanopia"):
        seen = simulate(rgb, d)
        for i in range(len(rgb)):
            for j in range(i + 1, len(rgb)):
                if delta_e_2000(seen[i], seen[j]) < 10 <= delta_e_2000(rgb[i], rgb[j]):
                    expected.add((d, i, j))
    assert {(c.deficiency, c.first, c.second) for c in report.confusable} == expected
    assert any(c.deficiency in ("protanopia", "deuteranopia") for c in report.confusable)


def test_report_of_an_image_has_pictures_and_formats():
    report = contrast_report(DATA / "coffee.jpg", 5)
    assert report.quantized is not None and len(report.palette) == 5
    assert report.grid().size[0] > 400 and report.preview().size[0] == 840
    doc = json.loads(report.format("json"))
    assert len(doc["pairs"]) == 10 and set(doc["simulated"]) == {
        "protanopia", "deuteranopia", "tritanopia"}
    assert report.format("csv").splitlines()[0].startswith("color_a,color_b,ratio")
