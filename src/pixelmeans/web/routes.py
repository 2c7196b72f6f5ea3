"""The HTTP API (under ``/api``) and the page: each route parses, calls one function of
:mod:`pixelmeans.web.work` in the job limiter, and presents the result."""

from __future__ import annotations

import json
from typing import Annotated, Literal

import anyio
from fastapi import APIRouter, Body, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from ..image.formats import MAX_INDEXED
from . import work
from .app import STATIC, ServerState
from .cache import Upload
from .urls import fetch_url

router = APIRouter()

Space = Literal["rgb", "lab", "oklab"]  # image.colorspace.COLOR_SPACES
UploadId = Annotated[str, Path(pattern="^[0-9a-f]{32}$", description="the id of an upload")]
K = Annotated[int, Query(ge=1, le=256, description="number of colours")]
Seed = Annotated[int, Query(ge=0, le=2**32 - 1, description="random seed")]
SpaceQ = Annotated[Space, Query(description="colour space to cluster in")]
Dither = Annotated[bool, Query(description="Floyd–Steinberg dithering")]
Size = Annotated[Literal["preview", "full"],
                 Query(description="the preview (fast, what the page shows) or the full "
                                   "photo")]
PREVIEW_CACHE = {"Cache-Control": "private, max-age=3600"}


class ErrorAnswer(BaseModel):
    """Every error: one line saying what was wrong."""

    error: str


class UploadInfo(BaseModel):
    """An upload, kept by the server until the cache needs its room."""

    id: str
    name: str
    bytes: int
    width: int
    height: int
    distinct_colors: int
    preview_width: int
    preview_height: int


class UrlSource(BaseModel):
    """An image to fetch from the web."""

    url: str = Field(max_length=2048, description="http:// or https:// URL of an image")


ERRORS: dict[int | str, dict] = {status: {"model": ErrorAnswer, "description": text}
                                 for status, text in (
    (400, "the image or a parameter is unusable"), (404, "no such upload (or dropped)"),
    (413, "the upload or image is too large"), (422, "a parameter is invalid"),
    (503, "busy: try again (Retry-After)"), (504, "the computation took too long"))}


def _state(request: Request) -> ServerState:
    return request.app.state.pixelmeans


def _upload(request: Request, upload_id: str) -> Upload:
    upload = _state(request).cache.get(upload_id)
    if upload is None:
        raise HTTPException(404, f"no upload {upload_id}: it was never made, or was dropped "
                                 "to make room; upload the photo again")
    return upload


async def _run(request: Request, function, *args):
    jobs = _state(request).jobs
    assert jobs is not None, "the app's lifespan has not started"
    return await jobs.run(function, *args)


def _file(result: work.FileResult, *, download: bool) -> Response:
    headers = dict(PREVIEW_CACHE)
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return Response(result.data, media_type=result.media_type, headers=headers)


# The pages load nothing from elsewhere, and the browser is told to hold them to it.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; "
                               "style-src 'self' 'unsafe-inline'; script-src 'self' "
                               "'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html", headers=PAGE_HEADERS)


@router.get("/docs", include_in_schema=False)
async def docs() -> FileResponse:
    return FileResponse(STATIC / "docs.html", media_type="text/html", headers=PAGE_HEADERS)


@router.get("/api/limits", tags=["server"])
async def limits(request: Request) -> dict:
    """The server's limits (largest upload and image, preview size, k range, cache size)
    and how full its cache is."""
    state = _state(request)
    s = state.settings
    return {"max_upload_bytes": s.max_upload_bytes, "max_pixels": s.max_pixels,
            "preview_side": s.preview_side, "k_min": 1, "k_max": 256,
            "allow_private_urls": s.allow_private_urls, "cache_bytes": s.cache_bytes,
            "cache_bytes_used": state.cache.nbytes, "uploads_kept": len(state.cache)}


async def _receive(request: Request) -> bytes:
    """The request body, refused over the upload limit or slower than the request
    timeout."""
    s = _state(request).settings
    if request.headers.get("content-type", "").startswith("multipart/"):
        raise HTTPException(415, "send the image file itself as the request body (e.g. curl "
                                 "--data-binary @photo.jpg), not a multipart form")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > s.max_upload_bytes:
        raise HTTPException(413, f"upload of {int(length):,} bytes is over the limit of "
                                 f"{s.max_upload_bytes:,} bytes")
    chunks, total = [], 0
    try:
        with anyio.fail_after(s.request_timeout):
            async for chunk in request.stream():
                total += len(chunk)
                if total > s.max_upload_bytes:
                    raise HTTPException(413, f"upload is over the limit of "
                                             f"{s.max_upload_bytes:,} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise HTTPException(408, f"the upload took longer than {s.request_timeout:g} s"
                            ) from None
    if not total:
        raise HTTPException(400, "the request body is empty: send the image file as the body")
    return b"".join(chunks)


async def _keep(request: Request, data: bytes, name: str) -> UploadInfo:
    state = _state(request)
    upload = await _run(request, work.new_upload, data, name, state.work)
    state.cache.add(upload)
    return UploadInfo(**work.upload_info(upload))


@router.post("/api/uploads", status_code=201, tags=["uploads"], responses=ERRORS,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string",
                                                         "format": "binary"}}}}})
async def upload_file(
    request: Request,
    name: Annotated[str, Query(max_length=200, description="file name, for downloads")]
    = "photo",
) -> UploadInfo:
    """Upload an image (the file itself as the body). Its colour histogram is built once
    and kept; use the id it returns with the other endpoints."""
    data = await _receive(request)
    return await _keep(request, data, work.safe_name(name))


@router.post("/api/uploads/url", status_code=201, tags=["uploads"], responses=ERRORS)
async def upload_url(request: Request, source: Annotated[UrlSource, Body()]) -> UploadInfo:
    """Fetch an image from an http(s) URL. Loopback, private, link-local and multicast
    addresses are refused unless the server was started with `--allow-private-urls`."""
    s = _state(request).settings
    data = await _run(request, lambda: fetch_url(
        source.url, allow_private=s.allow_private_urls, timeout=s.request_timeout,
        max_bytes=s.max_upload_bytes))
    return await _keep(request, data, work.safe_name(source.url.split("?")[0]))


@router.get("/api/uploads/{upload_id}", tags=["uploads"], responses=ERRORS)
async def upload_details(request: Request, upload_id: UploadId) -> UploadInfo:
    """What the server knows of an upload."""
    return UploadInfo(**work.upload_info(_upload(request, upload_id)))


@router.delete("/api/uploads/{upload_id}", status_code=204, tags=["uploads"],
               responses=ERRORS)
async def forget_upload(request: Request, upload_id: UploadId) -> Response:
    """Forget an upload now (the server also drops the least recently used when full)."""
    if not _state(request).cache.remove(upload_id):
        _upload(request, upload_id)  # the same 404
    return Response(status_code=204)


@router.get("/api/uploads/{upload_id}/original", tags=["uploads"], responses=ERRORS,
            response_class=Response)
async def original(request: Request, upload_id: UploadId) -> Response:
    """The photo as uploaded, scaled to the preview size (JPEG, or PNG if transparent)."""
    upload = _upload(request, upload_id)
    return _file(await _run(request, work.original_preview, upload), download=False)


@router.get("/api/uploads/{upload_id}/palette", tags=["jobs"], responses=ERRORS)
async def palette(
    request: Request, upload_id: UploadId, k: K = 8, space: SpaceQ = "rgb", seed: Seed = 0,
    format: Annotated[Literal["json", "css", "gpl", "hex", "text", "png"],
                      Query(description="json: the palette as JSON; others: a file to "
                                        "download (png: a swatch)")] = "json",
    download: Annotated[bool, Query(description="json too as a file to download")] = False,
) -> Response:
    """The k dominant colours of the whole photo with their shares, heaviest first."""
    upload = _upload(request, upload_id)
    if format == "json" and not download:
        from fastapi.responses import JSONResponse

        found = await _run(request, work.palette_json, upload, k, space, seed)
        return JSONResponse(found)
    result = await _run(request, work.palette_file, upload, k, space, seed, format)
    return _file(result, download=True)


@router.get("/api/uploads/{upload_id}/quantize", tags=["jobs"], responses=ERRORS,
            response_class=Response)
async def quantize(
    request: Request, upload_id: UploadId, k: K = 16, space: SpaceQ = "rgb",
    dither: Dither = False, seed: Seed = 0, size: Size = "full",
    format: Annotated[Literal["png", "gif", "webp", "json"],
                      Query(description="the picture's file format, or json: its colours "
                                        "and their shares of it")] = "png",
) -> Response:
    """The photo redrawn with the k colours of its palette: the preview as PNG, or the full
    photo as an indexed PNG (or GIF, lossless WebP) to download; or, as JSON, the colours
    with their shares of the redrawn picture."""
    upload = _upload(request, upload_id)
    settings = None if size == "preview" else _state(request).work
    if format == "json":
        from fastapi.responses import JSONResponse

        return JSONResponse(await _run(request, work.quantized_summary, upload, k, space,
                                       dither, seed, settings))
    if settings is None:
        result = await _run(request, work.quantized_preview_png, upload, k, space, dither,
                            seed)
        return _file(result, download=False)
    result = await _run(request, work.quantized_file, upload, k, space, dither, seed, format,
                        settings)
    return _file(result, download=True)


@router.get("/api/uploads/{upload_id}/segment", tags=["jobs"], responses=ERRORS)
async def segment(
    request: Request, upload_id: UploadId, k: Annotated[int, Query(ge=1, le=255)] = 5,
    space: SpaceQ = "lab",
    spatial_weight: Annotated[float, Query(ge=0, le=100, allow_inf_nan=False)] = 0.0,
    min_region: Annotated[int, Query(ge=0, le=1_000_000)] = 0, seed: Seed = 0,
    size: Size = "preview",
    format: Annotated[Literal["json", "png", "zip"],
                      Query(description="json: segments and largest regions; png: the "
                                        "photo tinted by segment; zip: labels, masks, "
                                        "cut-outs, overlay and summary")] = "json",
) -> Response:
    """The photo split into k colour segments."""
    upload = _upload(request, upload_id)
    state = _state(request)
    full = size == "full" or format == "zip"
    seg = await _run(request, work.segmented, upload, k, space, spatial_weight, min_region,
                     seed, state.work if full else None)
    if format == "json":
        from fastapi.responses import JSONResponse

        return JSONResponse(await _run(request, work.segment_legend, seg))
    if format == "png":
        return _file(await _run(request, work.segment_overlay, seg, full), download=full)
    assert state.temp is not None
    return _file(await _run(request, work.segment_zip, seg, upload.name, state.temp),
                 download=True)


@router.get("/api/uploads/{upload_id}/compress", tags=["jobs"], responses=ERRORS)
async def compress(
    request: Request, upload_id: UploadId, k: K = 16, space: SpaceQ = "rgb",
    dither: Dither = False, seed: Seed = 0, size: Size = "full",
    download: Annotated[bool, Query(description="as a JSON file to download")] = False,
) -> Response:
    """What k colours cost and save: PNG bytes, ratio, bits per pixel, MSE, PSNR, SSIM
    and mean ΔE2000 (a lossless PSNR is null)."""
    from fastapi.responses import JSONResponse

    upload = _upload(request, upload_id)
    if size == "preview":
        report = await _run(request, work.compress_preview, upload, k, space, dither, seed)
    else:
        report = await _run(request, work.compress_full, upload, k, space, dither, seed,
                            _state(request).work)
    if not download:
        return JSONResponse(report)
    name = f"{work.stem(upload.name)}-compress-k{report['n_colors']}.json"
    return _file(work.FileResult(json.dumps(report, indent=2).encode() + b"\n",
                                 "application/json", name), download=True)


@router.get("/api/uploads/{upload_id}/compress/sweep", tags=["jobs"], responses=ERRORS)
async def compress_sweep(
    request: Request, upload_id: UploadId,
    ks: Annotated[list[int] | None, Query(min_length=1, max_length=12,
                                   description="the k to measure (repeat the parameter; "
                                               "default 2, 4, 8, 16, 32, 64)")]
    = None,
    space: SpaceQ = "rgb", dither: Dither = False, seed: Seed = 0,
) -> list[dict]:
    """The compression figures of the preview for several k (the page's chart of size and error
    against k)."""
    ks = list(work.SWEEP_KS) if ks is None else ks
    if any(not 1 <= k <= MAX_INDEXED for k in ks):
        raise HTTPException(422, f"ks: every k must lie in [1, {MAX_INDEXED}]")
    upload = _upload(request, upload_id)
    return await _run(request, work.compress_sweep_preview, upload, ks, space, dither, seed)
