import importlib
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from sklearn.metrics import adjusted_rand_score

from pixelmeans import InvalidParameterError, OutputExistsError, segment
from pixelmeans.image.colorspace import from_srgb
from pixelmeans.image.load import RGBImage
from pixelmeans.image.regions import connected_regions, describe_regions, merge_small_regions

COLORS = np.array([[240, 240, 235], [200, 30, 40], [30, 90, 200], [40, 160, 60]], np.uint8)


def shapes_image(seed=0, noise=10.0, size=(120, 160)):
    """Flat shapes (a disc, a rectangle, a triangle) on a plain background plus seeded noise."""
    h, w = size
    yy, xx = np.mgrid[:h, :w]
    truth = np.zeros((h, w), int)
    truth[(yy - 40) ** 2 + (xx - 45) ** 2 < 28 ** 2] = 1
    truth[70:110, 80:150] = 2
    truth[(yy > 10) & (yy < 60) & (xx > 100) & (xx - 100 < (yy - 10))] = 3
    rng = np.random.default_rng(seed)
    noisy = COLORS[truth] + rng.normal(0, noise, (h, w, 3))
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8), truth


def two_squares():
    img = np.full((60, 130, 3), 255, np.uint8)
    img[5:55, 5:55] = 0
    img[5:55, 75:125] = 0
    return img


@pytest.mark.parametrize("space", ["lab", "oklab", "rgb"])
def test_recovers_known_regions(space):
    img, truth = shapes_image()
    seg = segment(img, 4, color_space=space)
    assert adjusted_rand_score(truth.ravel(), seg.labels.ravel()) >= 0.99


def test_recovers_known_regions_with_min_region_and_heavy_noise():
    img, truth = shapes_image(seed=3, noise=30.0)
    seg = segment(img, 4, min_region=30)
    assert adjusted_rand_score(truth.ravel(), seg.labels.ravel()) >= 0.99


def test_same_colour_squares_are_one_segment_without_spatial_weight():
    seg = segment(two_squares(), 2)
    assert seg.labels[30, 30] == seg.labels[30, 100] != seg.labels[0, 0]


def test_spatial_weight_separates_same_colour_squares():
    seg = segment(two_squares(), 3, spatial_weight=1.0)
    left, right, background = seg.labels[30, 30], seg.labels[30, 100], seg.labels[0, 0]
    assert len({left, right, background}) == 3
    assert (seg.labels[5:55, 5:55] == left).all() and (seg.labels[5:55, 75:125] == right).all()
    assert seg.palette.hex.count("#000000") == 2  # two segments may share a colour


def test_spatial_labels_are_the_nearest_centres_of_the_features():
    """Full-resolution labels equal a brute-force nearest centre on (colour, position)."""
    module = importlib.import_module("pixelmeans.tasks.segment")  # the attribute is the function
    img, _truth = shapes_image(seed=1, noise=20.0, size=(40, 50))
    rng = np.random.default_rng(0)
    codes = module.pack_rgb(img)
    hist = module.histogram_of_codes(codes)
    table = np.zeros(module.N_CODES, np.int32)
    table[module.pack_rgb(hist.colors)] = np.arange(hist.n_colors)
    space = from_srgb(hist.colors / 255.0, "lab").astype(np.float32)
    centers = np.column_stack([rng.uniform(0, 100, 6), rng.uniform(-50, 50, (6, 2)),
                               rng.uniform(0, 30, (6, 2))]).astype(np.float32)
    scale = 0.6
    labels = module._nearest_centers(codes, table, space, centers, scale, (40, 50))
    yy, xx = np.mgrid[:40, :50]
    features = np.column_stack([from_srgb(img.reshape(-1, 3) / 255.0, "lab"),
                                yy.ravel() * scale, xx.ravel() * scale])
    d = ((features[:, None, :] - centers[None].astype(np.float64)) ** 2).sum(axis=2)
    chosen = d[np.arange(len(d)), labels.ravel()]
    assert np.allclose(chosen, d.min(axis=1), rtol=1e-4, atol=1e-3)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.booleans(), st.sampled_from([0, 0.5]))
def test_masks_partition_the_opaque_pixels(seed, k, masked, weight):
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (9, 11, 3), dtype=np.uint8)
    mask = rng.random((9, 11)) < 0.7 if masked else None
    if mask is not None:
        mask[0, 0] = True
    seg = segment(RGBImage(pixels, mask), k, spatial_weight=weight)
    cover = np.sum(seg.masks(), axis=0)
    opaque = np.ones((9, 11), bool) if mask is None else mask
    assert (cover == opaque).all()
    assert ((seg.labels == -1) == ~opaque).all()
    assert np.isclose(seg.palette.weights.sum(), 1.0)


def test_cutout_is_transparent_outside_its_segment():
    img, _ = shapes_image()
    seg = segment(img, 4)
    for i in range(len(seg)):
        rgba = seg.cutout(i)
        inside = seg.labels == i
        assert ((rgba[..., 3] == 255) == inside).all()
        assert (rgba[inside, :3] == img[inside]).all()
        assert (rgba[~inside] == 0).all()
    cropped = seg.cutout(2, crop=True)
    rows, cols = np.nonzero(seg.labels == 2)
    assert cropped.shape[:2] == (np.ptp(rows) + 1, np.ptp(cols) + 1)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5), st.integers(2, 40))
def test_min_region_leaves_no_smaller_region(seed, k, min_region):
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (24, 30, 3), dtype=np.uint8)
    seg = segment(pixels, k, min_region=min_region, random_state=seed % 1000)
    ids, n = connected_regions(seg.labels)
    areas = np.bincount(ids.ravel())[1:]
    assert n >= 1 and (areas >= min_region).all()
    assert np.isclose(seg.palette.weights.sum(), 1.0)


def test_min_region_merges_into_the_most_similar_neighbour():
    labels = np.zeros((5, 9), int)
    labels[:, 6:] = 2
    labels[2, 5] = 1  # a one-pixel region touching segment 0 (left) and segment 2 (right)
    colors = np.array([[0.0], [10.0], [8.0]])  # segment 1 is closest in colour to segment 2
    merged = merge_small_regions(labels, colors, 2)
    assert merged[2, 5] == 2 and (merged[:, :5] == 0).all()
    assert (labels[2, 5] == 1)  # the input is not modified


def test_min_region_keeps_a_region_without_neighbours():
    labels = np.full((3, 3), -1)
    labels[1, 1] = 0
    assert (merge_small_regions(labels, np.zeros((1, 3)), 5) == labels).all()


def test_regions_describe_each_connected_area():
    pixels = np.zeros((4, 6, 3), np.uint8)
    pixels[:, 2:4] = (200, 100, 0)
    pixels[0, 2] = (100, 50, 0)
    labels = np.zeros((4, 6), int)
    labels[:, 2:4] = 1
    regions = describe_regions(labels, pixels)
    assert [(r.segment, r.area, r.bbox) for r in regions] == [  # equal areas: reading order
        (0, 8, (0, 0, 4, 2)), (1, 8, (0, 2, 4, 4)), (0, 8, (0, 4, 4, 6))]
    assert regions[1].color == (188, 94, 0)  # (7·200 + 100) / 8 = 187.5 → 188
    assert sum(r.area for r in describe_regions(labels, pixels, min_area=9)) == 0


def test_overlay_outline_and_tint():
    img, _ = shapes_image()
    seg = segment(img, 4)
    out = seg.overlay("outline", color="#ff00ff")
    changed = (out != img).any(axis=2)
    assert changed.any() and (out[changed] == (255, 0, 255)).all()
    assert out[60, 2].tolist() == img[60, 2].tolist()  # far from any boundary
    thick = seg.overlay("outline", thickness=3)
    assert (thick != img).any(axis=2).sum() > changed.sum()
    tint = seg.overlay("tint", alpha=1.0)
    assert len(np.unique(tint.reshape(-1, 3), axis=0)) == 4
    assert (seg.overlay() == seg.overlay("tint")).all()  # tint is the default
    with pytest.raises(InvalidParameterError, match="style"):
        seg.overlay("glow")
    with pytest.raises(InvalidParameterError, match="min_area"):
        seg.overlay("outline", min_area=-1)


def test_outline_leaves_out_regions_under_min_area():
    """Speckle is not outlined: a 2×2 island draws nothing; a large square still does."""
    img = np.zeros((100, 100, 3), np.uint8)
    img[20:70, 20:70] = 255
    img[85:87, 85:87] = 255
    seg = segment(img, 2)
    every = seg.overlay("outline", min_area=0)
    default = seg.overlay("outline")  # 1/2000 of 10,000 pixels -> 16 pixels at least
    island = (slice(84, 88), slice(84, 88))
    assert (every[island] != img[island]).any()
    assert (default[island] == img[island]).all()
    square_edge = (slice(20, 70), slice(19, 21))
    assert (default[square_edge] != img[square_edge]).any()


def _reassembled_cutout(folder, entry, shape):
    """A full-size RGBA cut-out from the cropped file and the place the summary gives."""
    full = np.zeros((*shape, 4), np.uint8)
    box = entry["cutout"]
    with Image.open(folder / box["file"]) as im:
        assert im.mode == "RGBA" and im.size == (box["width"], box["height"])
        crop = np.asarray(im)
    full[box["top"]:box["top"] + box["height"], box["left"]:box["left"] + box["width"]] = crop
    return full


def test_save_writes_a_complete_folder(tmp_path):
    img, _ = shapes_image()
    pixels = img.copy()
    mask = np.ones(img.shape[:2], bool)
    mask[:5] = False
    seg = segment(RGBImage(pixels, mask, "shapes"), 4)
    out = seg.save(tmp_path / "seg")
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*"))
    assert names == ["cutouts/segment-00.png", "cutouts/segment-01.png",
                     "cutouts/segment-02.png", "cutouts/segment-03.png", "labels.png",
                     "masks/segment-00.png", "masks/segment-01.png", "masks/segment-02.png",
                     "masks/segment-03.png", "overlay.png", "sheet.png", "summary.json"]
    with Image.open(out / "labels.png") as im:
        assert im.mode == "P"
        index = np.asarray(im)
    assert (np.where(mask, index.astype(int), -1) == seg.labels).all()
    summary = json.loads((out / "summary.json").read_text())
    for i, entry in enumerate(summary["segments"]):
        with Image.open(out / entry["mask"]) as im:
            assert im.mode == "1"  # 1 bit a pixel
            assert (np.asarray(im) == (seg.labels == i)).all()
        assert (_reassembled_cutout(out, entry, mask.shape) == seg.cutout(i)).all()
        assert entry["cutout"]["height"] * entry["cutout"]["width"] < mask.size  # cropped
        top, left, bottom, right = seg.box(i)
        assert [entry["cutout"][k] for k in ("top", "left", "height", "width")] == [
            top, left, bottom - top, right - left]
    with Image.open(out / "overlay.png") as im:  # transparent photo: PNG with its alpha
        assert (np.asarray(im) == seg.overlay()).all()
    with Image.open(out / "sheet.png") as im:
        assert im.mode == "RGB" and im.width > 4 * im.height / 3
    assert summary["source"] == "shapes"
    assert summary["files"] == {"labels": "labels.png", "overlay": "overlay.png",
                                "overlay_style": "tint", "sheet": "sheet.png"}
    assert [s["pixels"] for s in summary["segments"]] == [
        int((seg.labels == i).sum()) for i in range(4)]
    assert sum(r["area"] for r in summary["regions"]) == int(mask.sum())
    assert (pixels == img).all()  # nothing drawn on the caller's array


def test_save_of_an_opaque_photo_writes_a_jpeg_overlay_of_the_chosen_style(tmp_path):
    img, _ = shapes_image()
    seg = segment(img, 4)
    out = seg.save(tmp_path / "seg", overlay="outline")
    with Image.open(out / "overlay.jpg") as im:
        assert im.format == "JPEG" and im.size == (160, 120)
        drawn = np.asarray(im).astype(int)
    outline = seg.overlay("outline")
    edges = (outline != img).any(axis=2)
    assert np.abs(drawn[edges] - (255, 255, 0)).mean() < 30  # yellow lines stay yellow
    error = np.abs(drawn - outline).mean()
    assert error < 8 and error < np.abs(drawn - seg.overlay("tint")).mean() / 3
    assert json.loads((out / "summary.json").read_text())["files"]["overlay_style"] == \
        "outline"
    with pytest.raises(InvalidParameterError, match="overlay"):
        seg.save(tmp_path / "other", overlay="glow")


def test_cutout_file_carries_its_offset(tmp_path):
    """The PNG's oFFs chunk holds the crop's place in the photo (in pixels)."""
    img = np.zeros((40, 50, 3), np.uint8)
    img[10:20, 30:45] = 255
    out = segment(img, 2).save(tmp_path / "seg")
    data = (out / "cutouts" / "segment-01.png").read_bytes()
    at = data.index(b"oFFs")
    assert data[at + 4:at + 13] == (30).to_bytes(4, "big") + (10).to_bytes(4, "big") + b"\0"


def test_save_never_replaces_without_overwrite_and_leaves_nothing_on_error(tmp_path,
                                                                           monkeypatch):
    seg = segment(two_squares(), 2)
    out = tmp_path / "seg"
    seg.save(out)
    with pytest.raises(OutputExistsError, match="not empty"):
        seg.save(out)
    before = sorted(p.name for p in tmp_path.iterdir())
    seg3 = segment(two_squares(), 3, spatial_weight=1.0)
    seg3.save(out, overwrite=True)
    assert len(json.loads((out / "summary.json").read_text())["segments"]) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no leftovers

    def broken(self, folder, style):
        (folder / "labels.png").write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(type(seg), "_write", broken)
    with pytest.raises(OSError, match="disk full"):
        seg.save(tmp_path / "other")
    with pytest.raises(OSError, match="disk full"):
        seg.save(out, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert len(json.loads((out / "summary.json").read_text())["segments"]) == 3


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"n_segments": 0}, "n_segments"), ({"n_segments": 256}, "n_segments"),
    ({"n_segments": 2.5}, "n_segments"), ({"color_space": "hsv"}, "color_space"),
    ({"spatial_weight": -1}, "spatial_weight"), ({"spatial_weight": float("nan")}, "spatial"),
    ({"min_region": -3}, "min_region"), ({"min_region": 1.5}, "min_region"),
])
def test_bad_parameters_are_refused(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        segment(two_squares(), **kwargs)


def test_fully_transparent_image_is_refused():
    with pytest.raises(InvalidParameterError, match="no opaque pixels"):
        segment(RGBImage(two_squares(), np.zeros((60, 130), bool)), 2)


def test_large_image_fits_on_a_grid_and_labels_every_pixel():
    """Above GRID_PIXELS the fit uses block means; every pixel still gets its own label."""
    img = np.zeros((600, 700, 3), np.uint8)
    img[:, 351:] = 255
    img[300, 100] = 255  # a single white pixel inside the black half, finer than a block
    seg = segment(img, 2, spatial_weight=0.05)
    assert seg.labels[300, 100] == seg.labels[0, 699] != seg.labels[0, 0]
