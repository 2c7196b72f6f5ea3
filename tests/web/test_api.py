"""The HTTP API through the framework's test client: every endpoint, every bad input."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

from pixelmeans.image.histogram import color_histogram
from pixelmeans.image.load import load_image
from pixelmeans.web import work

from .conftest import TestClient, make_client, png_bytes


def upload(client, data: bytes, name: str = "photo.png") -> dict:
    response = client.post(f"/api/uploads?name={name}", content=data)
    assert response.status_code == 201, response.text
    return response.json()


def decoded(response) -> Image.Image:
    im = Image.open(io.BytesIO(response.content))
    im.load()
    return im


def test_upload_reports_the_photo_and_its_exact_histogram(client, photo_bytes):
    info = upload(client, photo_bytes, "astronaut.jpg")
    reference = color_histogram(load_image(photo_bytes))
    assert info["name"] == "astronaut.jpg" and info["bytes"] == len(photo_bytes)
    assert (info["width"], info["height"]) == (512, 512)
    assert info["distinct_colors"] == reference.n_colors
    again = client.get(f"/api/uploads/{info['id']}")
    assert again.json() == info


def test_palette_of_three_stripes_is_their_colours_in_thirds(client, stripes):
    info = upload(client, png_bytes(stripes))
    answer = client.get(f"/api/uploads/{info['id']}/palette", params={"k": 3}).json()
    colors = {c["hex"]: c["weight"] for c in answer["colors"]}
    assert colors == pytest.approx({"#c81e1e": 1 / 3, "#1ea03c": 1 / 3, "#1428dc": 1 / 3},
                                   abs=1e-6)
    assert (answer["k"], answer["n_colors"]) == (3, 3)


def test_a_k_above_the_distinct_colours_gives_them_all(client, stripes):
    info = upload(client, png_bytes(stripes))
    answer = client.get(f"/api/uploads/{info['id']}/palette", params={"k": 10}).json()
    assert (answer["k"], answer["n_colors"]) == (10, 3)


@pytest.mark.parametrize("fmt", ["css", "gpl", "hex", "text", "json"])
def test_palette_files_hold_every_colour(client, stripes, fmt):
    info = upload(client, png_bytes(stripes), "stripes.png")
    response = client.get(f"/api/uploads/{info['id']}/palette",
                          params={"k": 3, "format": fmt, "download": True})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert "stripes-palette-k3" in response.headers["content-disposition"]
    for hex_code in ("#c81e1e", "#1ea03c", "#1428dc"):
        assert hex_code in response.text


def test_palette_swatch_is_a_picture_of_the_colours(client, stripes):
    info = upload(client, png_bytes(stripes))
    swatch = decoded(client.get(f"/api/uploads/{info['id']}/palette",
                                params={"k": 3, "format": "png"})).convert("RGB")
    found = {tuple(c) for c in np.asarray(swatch).reshape(-1, 3).tolist()}
    assert {(200, 30, 30), (30, 160, 60), (20, 40, 220)} <= found


def test_quantized_preview_and_download_redraw_the_photo(client, stripes):
    info = upload(client, png_bytes(stripes))
    base = f"/api/uploads/{info['id']}/quantize"
    preview = client.get(base, params={"k": 3, "size": "preview"})
    assert preview.headers["content-type"] == "image/png"
    assert np.array_equal(np.asarray(decoded(preview).convert("RGB")), stripes)
    full = client.get(base, params={"k": 2})
    im = decoded(full)
    assert im.mode == "P" and im.size == (90, 60)
    assert len(np.unique(np.asarray(im.convert("RGB")).reshape(-1, 3), axis=0)) == 2
    for fmt in ("gif", "webp"):
        other = client.get(base, params={"k": 3, "format": fmt})
        assert other.headers["content-type"] == f"image/{fmt}"
        assert np.array_equal(np.asarray(decoded(other).convert("RGB")), stripes)


def test_quantized_colours_as_json(client, stripes):
    info = upload(client, png_bytes(stripes))
    base = f"/api/uploads/{info['id']}/quantize"
    for size in ("preview", "full"):
        answer = client.get(base, params={"k": 2, "size": size, "format": "json"}).json()
        assert (answer["width"], answer["height"], answer["n_colors"]) == (90, 60, 2)
        shares = sorted(c["weight"] for c in answer["colors"])
        assert shares == pytest.approx([1 / 3, 2 / 3], abs=1e-5)  # two stripes merged


def test_the_compression_report_as_a_file(client, stripes):
    info = upload(client, png_bytes(stripes), "stripes.png")
    response = client.get(f"/api/uploads/{info['id']}/compress",
                          params={"k": 3, "download": True})
    assert 'filename="stripes-compress-k3.json"' in response.headers["content-disposition"]
    assert json.loads(response.content)["mse"] == 0


def test_dithering_changes_the_preview_of_a_gradient(client):
    ramp = np.repeat(np.linspace(0, 255, 128).astype(np.uint8)[None, :, None], 32, 0)
    info = upload(client, png_bytes(np.repeat(ramp, 3, axis=2)))
    base = f"/api/uploads/{info['id']}/quantize"
    flat = np.asarray(decoded(client.get(base, params={"k": 2, "size": "preview"})))
    dithered = np.asarray(decoded(client.get(base, params={"k": 2, "size": "preview",
                                                           "dither": True})))
    assert not np.array_equal(flat, dithered)


def test_large_photos_are_previewed_small_and_downloaded_whole(temp_root):
    img = np.zeros((300, 600, 3), np.uint8)
    img[:, 300:] = 255
    with make_client(preview_side=100) as client:
        info = upload(client, png_bytes(img))
        assert (info["preview_width"], info["preview_height"]) == (100, 50)
        base = f"/api/uploads/{info['id']}"
        assert decoded(client.get(f"{base}/original")).size == (100, 50)
        assert decoded(client.get(f"{base}/quantize", params={"size": "preview",
                                                              "k": 2})).size == (100, 50)
        assert decoded(client.get(f"{base}/quantize", params={"k": 2})).size == (600, 300)


def test_original_keeps_transparency(client, stripes):
    rgba = np.dstack([stripes, np.full(stripes.shape[:2], 255, np.uint8)])
    rgba[:10, :10, 3] = 0
    info = upload(client, png_bytes(rgba, "RGBA"))
    original = client.get(f"/api/uploads/{info['id']}/original")
    assert original.headers["content-type"] == "image/png"
    assert np.asarray(decoded(original))[0, 0, 3] == 0
    jpeg = upload(client, png_bytes(stripes))
    assert client.get(f"/api/uploads/{jpeg['id']}/original").headers["content-type"] \
        == "image/jpeg"


def test_segments_as_json_png_and_zip(client, stripes):
    info = upload(client, png_bytes(stripes), "stripes.png")
    base = f"/api/uploads/{info['id']}/segment"
    summary = client.get(base, params={"k": 3}).json()
    assert len(summary["segments"]) == 3
    assert sum(s["share"] for s in summary["segments"]) == pytest.approx(1, abs=1e-5)
    assert all(s["tint"].startswith("#") for s in summary["segments"])
    assert summary["n_regions"] == 3
    overlay = decoded(client.get(base, params={"k": 3, "format": "png"}))
    assert overlay.size == (90, 60)
    archive = client.get(base, params={"k": 3, "format": "zip"})
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        names = set(z.namelist())
        folder = "stripes-segments-k3/"
        assert {folder + n for n in ("labels.png", "overlay.jpg", "sheet.png", "summary.json",
                                     "masks/segment-00.png", "cutouts/segment-02.png")} <= names
        masks = [np.asarray(Image.open(z.open(f"{folder}masks/segment-{i:02d}.png")))
                 for i in range(3)]
        assert json.loads(z.read(folder + "summary.json"))["width"] == 90
    assert np.array_equal(sum(m.astype(int) for m in masks), np.ones((60, 90)))


def test_compression_figures_match_the_download(client, stripes):
    info = upload(client, png_bytes(stripes))
    base = f"/api/uploads/{info['id']}"
    full = client.get(f"{base}/compress", params={"k": 3}).json()
    assert full["mse"] == 0 and full["psnr"] is None and full["measured_on"] == "full"
    png = client.get(f"{base}/quantize", params={"k": 3}).content
    assert full["png_bytes"] == len(png)
    assert full["original_bytes"] == info["bytes"]
    two = client.get(f"{base}/compress", params={"k": 2, "size": "preview"}).json()
    assert two["mse"] > 0 and two["measured_on"] == "preview"


def test_compression_sweep_measures_each_k(client, photo_bytes):
    info = upload(client, photo_bytes)
    sweep = client.get(f"/api/uploads/{info['id']}/compress/sweep",
                       params=[("ks", 2), ("ks", 16)]).json()
    assert [r["n_colors"] for r in sweep] == [2, 16]
    assert sweep[0]["mse"] > sweep[1]["mse"] and sweep[0]["png_bytes"] < sweep[1]["png_bytes"]


def test_delete_forgets_an_upload(client, stripes):
    info = upload(client, png_bytes(stripes))
    assert client.delete(f"/api/uploads/{info['id']}").status_code == 204
    gone = client.get(f"/api/uploads/{info['id']}/palette")
    assert gone.status_code == 404 and "upload the photo again" in gone.json()["error"]
    assert client.delete(f"/api/uploads/{info['id']}").status_code == 404


def test_the_page_docs_and_schema_are_served_without_outside_assets(client):
    page = client.get("/")
    assert page.status_code == 200 and 'id="k"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "openapi.json" in docs.text
    for name in ("app.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200
    for text in (page.text, docs.text, client.get("/static/app.js").text,
                 client.get("/static/style.css").text):
        assert "//cdn" not in text and "https://" not in text.replace(
            "https://example.org", "")
    schema = client.get("/openapi.json").json()
    assert {"/api/uploads", "/api/uploads/{upload_id}/palette",
            "/api/uploads/{upload_id}/quantize", "/api/uploads/{upload_id}/segment",
            "/api/uploads/{upload_id}/compress"} <= set(schema["paths"])
    assert client.get("/redoc").status_code == 404


def test_limits_are_published(temp_root):
    with make_client(max_upload_bytes=1234, max_pixels=99) as client:
        limits = client.get("/api/limits").json()
    assert (limits["max_upload_bytes"], limits["max_pixels"]) == (1234, 99)


# ---------------------------------------------------------------- bad input: 4xx JSON

def assert_error(response, status: int, *fragments: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    message = response.json()["error"]
    assert isinstance(message, str) and "Traceback" not in message
    for fragment in fragments:
        assert fragment in message


def test_not_an_image(client):
    assert_error(client.post("/api/uploads?name=notes.txt", content=b"hello, world"), 400,
                 "notes.txt", "not an image")


def test_truncated_image(client, stripes):
    data = png_bytes(stripes)
    assert_error(client.post("/api/uploads", content=data[:len(data) // 2]), 400,
                 "photo")


def test_empty_body(client):
    assert_error(client.post("/api/uploads", content=b""), 400, "empty")


def test_oversize_upload(temp_root, stripes):
    with make_client(max_upload_bytes=100) as client:
        assert_error(client.post("/api/uploads", content=png_bytes(stripes)), 413,
                     "over the limit")

        def chunks():  # no Content-Length: the limit holds while reading
            yield b"x" * 80
            yield b"x" * 80

        assert_error(client.post("/api/uploads", content=chunks()), 413, "over the limit")
    assert list(temp_root.iterdir()) == []


def test_decompression_bomb_is_refused_before_decoding(temp_root):
    bomb = png_bytes(np.zeros((3000, 3000), np.uint8), "L")  # 9 MP, a few kB
    assert len(bomb) < 50_000
    with make_client(max_pixels=1_000_000) as client:
        assert_error(client.post("/api/uploads", content=bomb), 413, "3000×3000",
                     "over the limit")


def test_multipart_forms_are_refused_with_advice(client, stripes):
    response = client.post("/api/uploads", files={"file": ("a.png", png_bytes(stripes))})
    assert_error(response, 415, "--data-binary")


@pytest.mark.parametrize("query", [{"k": 0}, {"k": 257}, {"k": "x"}, {"space": "hsv"},
                                   {"seed": -1}, {"format": "pdf"}])
def test_bad_palette_parameters(client, stripes, query):
    info = upload(client, png_bytes(stripes))
    assert_error(client.get(f"/api/uploads/{info['id']}/palette", params=query), 422,
                 next(iter(query)))


@pytest.mark.parametrize(("path", "query"), [
    ("quantize", {"size": "huge"}), ("quantize", {"format": "jpg"}),
    ("segment", {"k": 256}), ("segment", {"spatial_weight": "nan"}),
    ("segment", {"min_region": -1}), ("compress", {"dither": "maybe"}),
    ("compress/sweep", {"ks": 0}), ("compress/sweep", {"ks": "a"}),
])
def test_bad_job_parameters(client, stripes, path, query):
    info = upload(client, png_bytes(stripes))
    assert_error(client.get(f"/api/uploads/{info['id']}/{path}", params=query), 422)


def test_unknown_and_malformed_upload_ids(client):
    assert_error(client.get(f"/api/uploads/{'0' * 32}/palette"), 404, "no upload")
    assert_error(client.get("/api/uploads/../../etc/palette"), 404)
    assert_error(client.get("/api/uploads/ABC/palette"), 422, "upload_id")
    assert_error(client.get("/nowhere"), 404)
    assert_error(client.put("/api/uploads"), 405)


def test_a_private_url_is_refused(client):
    for url in ("http://127.0.0.1/a.png", "http://10.0.0.1/a.png", "http://[::1]/a.png",
                "http://169.254.169.254/latest/meta-data/", "http://224.0.0.1/a.png",
                "http://0.0.0.0/a.png"):
        assert_error(client.post("/api/uploads/url", json={"url": url}), 400, "refused",
                     "--allow-private-urls")
    assert_error(client.post("/api/uploads/url", json={"url": "file:///etc/passwd"}), 400,
                 "http://")
    assert_error(client.post("/api/uploads/url", json={}), 422, "url")


def test_a_transparent_photo_has_no_colours_to_take(client):
    clear = np.zeros((8, 8, 4), np.uint8)
    info = upload(client, png_bytes(clear, "RGBA"))
    assert_error(client.get(f"/api/uploads/{info['id']}/palette"), 400, "no opaque pixels")


def test_a_bug_is_a_json_500_without_its_trace(client, stripes, monkeypatch):
    info = upload(client, png_bytes(stripes))

    def broken(*args):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(work, "palette_json", broken)
    # a client that answers server errors as a browser sees them, instead of raising them
    with TestClient(client.app, raise_server_exceptions=False) as quiet:
        response = quiet.get(f"/api/uploads/{info['id']}/palette")
    assert_error(response, 500, "internal error")
    assert "secret" not in response.text
