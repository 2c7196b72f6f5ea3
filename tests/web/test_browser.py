"""The page in a real browser: Debian's Chromium driven by Playwright's Python package.

Skipped when either is missing. The server runs in a thread on a free 127.0.0.1 port.
Screenshots go to the test's temporary folder, or to $PIXELMEANS_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright's Python package is not installed")

DATA = Path(__file__).resolve().parents[2] / "src" / "pixelmeans" / "data"


def chromium_binary() -> str | None:
    """Debian's Chromium (apt-get install chromium), never a downloaded browser."""
    for candidate in (shutil.which("chromium"), "/usr/lib/chromium/chromium",
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = chromium_binary()
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--headless=new",
                                                   "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("PIXELMEANS_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1010},
                                  accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server.url)
    page.console_errors = errors  # a test that provokes an error removes it from here
    yield page
    context.close()
    assert errors == []


TIMEOUT = 120_000  # ms: generous for a loaded CI machine; waits end on conditions


def shown_colors(page, selector: str) -> set[tuple[int, int, int]]:
    """The distinct colours of an <img> as the browser decoded it."""
    pixels = page.evaluate("""(selector) => {
        const img = document.querySelector(selector);
        const canvas = document.createElement("canvas");
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        const ctx = canvas.getContext("2d");
        ctx.drawImage(img, 0, 0);
        return Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data);
    }""", selector)
    rgba = np.array(pixels, dtype=np.uint8).reshape(-1, 4)
    return {tuple(c) for c in rgba[:, :3].tolist()}


def hex_to_rgb(text: str) -> tuple[int, int, int]:
    return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_upload_slide_see_it_change_and_download(page, shots, live_server):
    page.set_input_files("#file", str(DATA / "coffee.jpg"))
    page.wait_for_selector("#after[data-shown]", timeout=TIMEOUT)
    first = page.get_attribute("#after", "src")
    assert page.locator("#swatches .swatch").count() == 8

    # the keyboard moves the slider: 8 -> 12
    page.focus("#k")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    assert page.input_value("#k") == "12"
    page.wait_for_function(
        "() => (document.querySelector('#after').dataset.shown || '').endsWith(':12:rgb:false')",
        timeout=TIMEOUT)
    assert page.get_attribute("#after", "src") != first
    page.wait_for_function("() => document.querySelector('#swatches').dataset.k === '12'",
                           timeout=TIMEOUT)

    # the swatches are the palette the API gives, painted in their colours
    upload_id = page.evaluate("state.upload.id")
    palette = page.request.get(f"{live_server.url}/api/uploads/{upload_id}/palette?k=12").json()
    hexes = [c["hex"] for c in palette["colors"]]
    swatches = page.locator("#swatches .swatch")
    assert [swatches.nth(i).get_attribute("data-hex") for i in range(12)] == hexes
    painted = swatches.nth(0).evaluate("b => getComputedStyle(b).backgroundColor")
    assert painted == "rgb({}, {}, {})".format(*hex_to_rgb(hexes[0]))
    # the picture shown has exactly those colours
    assert shown_colors(page, "#after") <= {hex_to_rgb(h) for h in hexes}

    # a swatch copies its hex code (Enter on the focused button)
    swatches.nth(1).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("(hex) => document.querySelector('#status').textContent"
                           ".includes(hex)", arg=hexes[1], timeout=TIMEOUT)
    assert page.evaluate("navigator.clipboard.readText()") == hexes[1]

    page.wait_for_selector("#chart[data-points='6']", timeout=TIMEOUT)
    page.wait_for_function("() => !document.body.classList.contains('working')",
                           timeout=TIMEOUT)
    page.screenshot(path=str(shots / "web-page.png"))

    with page.expect_download(timeout=TIMEOUT) as download:
        page.click("a[data-kind='quantize'][data-format='png']")
    saved = Path(download.value.path())
    assert download.value.suggested_filename == "coffee-k12.png"
    with Image.open(saved) as im:
        assert im.mode == "P" and im.size == (600, 400)
        assert {tuple(c) for c in np.asarray(im.convert("RGB")).reshape(-1, 3).tolist()} \
            == {hex_to_rgb(h) for h in hexes}
    with page.expect_download(timeout=TIMEOUT) as download:
        page.click("a[data-kind='palette'][data-format='css']")
    css = Path(download.value.path()).read_text()
    assert all(h in css for h in hexes)


def test_segments_view_and_a_phone_width(page, shots):
    page.set_input_files("#file", str(DATA / "chelsea.jpg"))
    page.wait_for_selector("#after[data-shown]", timeout=TIMEOUT)
    page.check("input[name='view'][value='segment']")
    page.wait_for_selector("#segments[data-shown]", timeout=TIMEOUT)
    assert page.locator("#legend li").count() == 8
    assert page.is_hidden("#quantize-view") and page.is_visible("#segment-view")
    page.wait_for_function("() => !document.body.classList.contains('working')",
                           timeout=TIMEOUT)
    page.screenshot(path=str(shots / "web-segments.png"))

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "web-phone.png"), full_page=True)


def test_a_file_that_is_not_an_image_is_explained(page, tmp_path):
    fake = tmp_path / "holiday.png"
    fake.write_bytes(b"these bytes are not a picture")
    page.set_input_files("#file", str(fake))
    page.wait_for_selector("#status.error", timeout=TIMEOUT)
    assert "holiday.png: not an image" in page.text_content("#status")
    assert page.is_hidden("#workspace")
    assert len(page.console_errors) == 1 and "400" in page.console_errors[0]
    page.console_errors.clear()


@pytest.mark.parametrize("event", ["drop", "paste"])
def test_a_dropped_or_pasted_photo_is_uploaded(page, event):
    data = list((DATA / "astronaut.jpg").read_bytes())
    page.evaluate("""([bytes, event]) => {
        const file = new File([new Uint8Array(bytes)], event + ".jpg", {type: "image/jpeg"});
        const transfer = new DataTransfer();
        transfer.items.add(file);
        const init = {bubbles: true, cancelable: true};
        document.querySelector("#drop").dispatchEvent(event === "drop"
            ? new DragEvent("drop", {...init, dataTransfer: transfer})
            : new ClipboardEvent("paste", {...init, clipboardData: transfer}));
    }""", [data, event])
    page.wait_for_selector("#after[data-shown]", timeout=TIMEOUT)
    assert f"{event}.jpg" in page.text_content("#photo-info")


def test_a_private_url_is_refused_on_the_page(page, live_server):
    page.fill("#url", f"{live_server.url}/static/app.js")
    page.press("#url", "Enter")
    page.wait_for_selector("#status.error", timeout=TIMEOUT)
    assert "--allow-private-urls" in page.text_content("#status")
    assert len(page.console_errors) == 1 and "400" in page.console_errors[0]
    page.console_errors.clear()
