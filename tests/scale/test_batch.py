"""Batches of images, in this process and on a LocalCluster: same results, bad files kept apart."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from pixelmeans import InvalidParameterError, extract_palette, quantize
from pixelmeans.cli import main
from pixelmeans.files.paths import names_several
from pixelmeans.image.histogram import color_histogram
from pixelmeans.scale.batch import (
    batch_palettes,
    batch_quantize,
    find_images,
    output_paths,
    palettes_to_csv,
    palettes_to_jsonl,
    shared_palette,
)
from pixelmeans.scale.runner import DaskRunner, Runner, open_runner
from pixelmeans.tasks.palette import palette_from_histogram

DATA = Path(__file__).parents[2] / "src" / "pixelmeans" / "data"


@pytest.fixture
def photos(tmp_path):
    """Three small photos (one in a sub-folder), a corrupt file and a text file."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for name, target in (("coffee", "coffee.png"), ("chelsea", "chelsea.jpg"),
                         ("astronaut", "sub/astronaut.png")):
        with Image.open(DATA / f"{name}.jpg") as im:
            im.convert("RGB").resize((96, 64)).save(folder / target)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\ntruncated")
    (folder / "notes.txt").write_text("not an image")
    return folder


def test_find_images_folder_and_glob(photos):
    paths, root = find_images(str(photos))
    assert [p.relative_to(photos).as_posix() for p in paths] == [
        "broken.png", "chelsea.jpg", "coffee.png", "sub/astronaut.png"]
    assert root == photos
    paths, root = find_images(str(photos / "*.png"))
    assert [p.name for p in paths] == ["broken.png", "coffee.png"] and root == photos
    with pytest.raises(InvalidParameterError, match="no images found"):
        find_images(str(photos / "*.gif"))


def test_output_paths_keep_the_tree_and_avoid_collisions(tmp_path):
    root = tmp_path / "in"
    out = output_paths([root / "a.jpg", root / "a.png", root / "s" / "b.gif"], root,
                       tmp_path / "out")
    assert [p.relative_to(tmp_path).as_posix() for p in out] == [
        "out/a.jpg.png", "out/a.png.png", "out/s/b.png"]


@given(st.lists(st.sampled_from(["a.png", "a.jpg", "a.png.png", "a.jpg.png", "a-2.png",
                                 "a.png-2.png", "s/a.png", "s/a.gif", "b.webp"]),
                min_size=1, max_size=9, unique=True))
def test_output_paths_are_unique_whatever_the_names(names):
    out = output_paths([Path("in") / n for n in names], Path("in"), Path("out"))
    assert len(set(out)) == len(out)
    assert all(p.suffix == ".png" and p.parts[0] == "out" for p in out)


def test_existing_files_with_pattern_characters_are_files_not_patterns(tmp_path, capsys):
    for name in ("scan[1].png", "what?.png", "star*.png"):
        Image.new("RGB", (4, 4), (200, 30, 30)).save(tmp_path / name)
        assert not names_several(str(tmp_path / name))
        assert main(["palette", str(tmp_path / name), "-k", "1", "--format", "hex"]) == 0
        assert capsys.readouterr().out == "#c81e1e\n"
    assert names_several(str(tmp_path / "*.png")) and names_several(str(tmp_path))


def _check_palettes(results, paths):
    assert [r.path for r in results] == [str(p) for p in paths]  # input order
    broken = results[0]
    assert not broken.ok and "broken.png" in broken.error
    for r in results[1:]:
        expected = extract_palette(r.path, 4)
        assert r.ok and r.palette.hex == expected.hex
        np.testing.assert_allclose(r.palette.weights, expected.weights)


def test_batch_palettes_in_process(photos):
    paths, _ = find_images(str(photos))
    seen = []
    results = batch_palettes(paths, 4, progress=lambda *a: seen.append(a))
    _check_palettes(results, paths)
    assert [s[0] for s in seen] == [1, 2, 3, 4]


def test_batch_palettes_on_a_local_cluster(photos, dask_client):
    paths, _ = find_images(str(photos))
    results = batch_palettes(paths, 4, runner=DaskRunner(dask_client))
    _check_palettes(results, paths)


def test_csv_and_jsonl_rows(photos):
    paths, _ = find_images(str(photos))
    results = batch_palettes(paths, 3)
    rows = list(csv.DictReader(io.StringIO(palettes_to_csv(results))))
    assert [r["path"] for r in rows] == [str(p) for p in paths]
    assert rows[0]["error"] and rows[1]["hex_1"] == results[1].palette.hex[0]
    assert float(rows[1]["share_1"]) == pytest.approx(results[1].palette.weights[0], abs=1e-6)
    lines = [json.loads(line) for line in palettes_to_jsonl(results).splitlines()]
    assert lines[0]["colors"] is None and lines[0]["error"]
    assert [c["hex"] for c in lines[2]["colors"]] == results[2].palette.hex


@pytest.mark.parametrize("where", ["process", "cluster"])
def test_shared_palette_is_the_palette_of_all_colours_together(photos, where, request):
    paths, _ = find_images(str(photos))
    runner = DaskRunner(request.getfixturevalue("dask_client")) if where == "cluster" \
        else Runner()
    palette, failed = shared_palette(paths, 6, runner=runner)
    assert [r.path for r in failed] == [str(paths[0])]
    # Reference: one histogram of all readable images stacked into one picture.
    stacked = np.concatenate([np.asarray(Image.open(p).convert("RGB")).reshape(-1, 3)
                              for p in paths[1:]])[:, None, :]
    expected = palette_from_histogram(color_histogram(stacked), 6)
    assert palette.hex == expected.hex
    np.testing.assert_allclose(palette.weights, expected.weights)


def test_batch_quantize_with_a_shared_palette_on_a_cluster(photos, tmp_path, dask_client):
    paths, root = find_images(str(photos))
    palette, _ = shared_palette(paths, 5)
    targets = output_paths(paths, root, tmp_path / "out")
    results = batch_quantize(paths, targets, palette=palette, runner=DaskRunner(dask_client))
    assert not results[0].ok and not targets[0].exists()
    for path, target, r in zip(paths[1:], targets[1:], results[1:], strict=True):
        assert r.ok and Path(r.output) == target and r.output_bytes == target.stat().st_size
        with Image.open(target) as im:
            assert im.mode == "P"
            written = np.asarray(im.convert("RGB"))
        expected = quantize(str(path), palette=palette).image
        assert (written == expected).all()
        assert {tuple(c) for c in written.reshape(-1, 3).tolist()} <= {
            tuple(c) for c in palette.colors.tolist()}


def test_batch_quantize_never_replaces_without_overwrite(photos, tmp_path):
    paths, root = find_images(str(photos))
    targets = output_paths(paths, root, tmp_path / "out")
    batch_quantize(paths[1:2], targets[1:2], 4)
    before = targets[1].read_bytes()
    again = batch_quantize(paths[1:2], targets[1:2], 8)
    assert not again[0].ok and "already exists" in again[0].error
    assert targets[1].read_bytes() == before


def test_open_runner_choices():
    with open_runner() as runner:
        assert type(runner) is Runner
    with pytest.raises(InvalidParameterError, match="not both"):
        with open_runner("tcp://127.0.0.1:1", 2):
            pass
    with pytest.raises(InvalidParameterError, match="cannot reach"):
        with open_runner("tcp://127.0.0.1:1"):
            pass


def test_tree_reduce_in_process_merges_everything():
    runner = Runner()
    for n in (1, 2, 5, 8, 13):
        assert runner.tree_reduce(lambda x: [x], list(range(n)),
                                  lambda a, b: a + b) == list(range(n))


def test_cli_batch_palette_and_quantize(photos, tmp_path, capsys):
    out_csv = tmp_path / "palettes.csv"
    assert main(["palette", str(photos), "-k", "3", "--out", str(out_csv)]) == 2
    err = capsys.readouterr().err
    assert "broken.png" in err and "4 images: 3 palettes, 1 failed" in err
    assert len(list(csv.DictReader(io.StringIO(out_csv.read_text())))) == 4
    out = tmp_path / "out"
    status = main(["quantize", str(photos / "*.png"), "-k", "4", "-o", str(out),
                   "--shared-palette", "--workers", "2"])
    captured = capsys.readouterr()
    assert status == 2 and "shared palette of 1 images" in captured.out
    assert "2 images: 1 written, 1 failed" in captured.err and "2 workers" in captured.err
    assert sorted(p.name for p in out.rglob("*.png")) == ["coffee.png"]
    assert main(["quantize", str(photos), "-k", "4", "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["palette", str(photos), "-o", str(tmp_path / "p.txt")]) == 2
    assert ".csv or .jsonl" in capsys.readouterr().err
