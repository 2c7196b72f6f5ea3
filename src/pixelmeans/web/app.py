"""The FastAPI application: settings, shared state, error answers, and the routes.

Every error is answered as JSON ``{"error": message}`` with a 4xx status (5xx only for
"busy", "too slow" and a bug, which is logged and answered without its trace).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ImageTooLargeError, PixelmeansError, require
from .cache import UploadCache
from .jobs import Busy, JobLimiter, TimedOut
from .settings import ServerSettings
from .work import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

LOG = logging.getLogger("pixelmeans.web")
STATIC = Path(__file__).resolve().parent / "static"
RETRY_AFTER_SECONDS = "2"


class ServerState:
    """What the requests of one app share: settings, the upload cache, the job limiter and
    the temporary folder (made when the app starts, removed when it stops)."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.work = Settings(settings.max_pixels, settings.preview_side)
        self.cache = UploadCache(settings.cache_bytes)
        self.jobs: JobLimiter | None = None
        self.temp: Path | None = None


def _error(status: int, message: str, headers: dict | None = None):
    from fastapi.responses import JSONResponse

    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    @app.exception_handler(PixelmeansError)
    async def library_error(request: Request, exc: PixelmeansError):
        return _error(413 if isinstance(exc, ImageTooLargeError) else 400, str(exc))

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy):
        return _error(503, "the server is busy; try again in a moment",
                      {"Retry-After": RETRY_AFTER_SECONDS})

    @app.exception_handler(TimedOut)
    async def timed_out(request: Request, exc: TimedOut):
        seconds = request.app.state.pixelmeans.settings.job_timeout
        return _error(504, f"the computation took longer than {seconds:g} s; try a smaller "
                           "k or photo")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        parts = []
        for problem in exc.errors():
            where = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("query",
                                                                                 "path"))
            parts.append(f"{where}: {problem.get('msg', 'invalid')}")
        return _error(422, "; ".join(parts) or "invalid request")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return _error(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception):
        LOG.exception("unexpected error in %s %s", request.method, request.url.path)
        return _error(500, "internal error (logged by the server)")


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """The web app: the page at ``/``, the API under ``/api``, its schema at
    ``/openapi.json`` and a self-contained documentation page at ``/docs``.

    Needs the ``web`` extra (FastAPI); raises
    :class:`~pixelmeans.errors.MissingDependencyError` naming it otherwise.

    Examples
    --------
    >>> app = create_app(ServerSettings(max_jobs=4))
    >>> app.title, app.state.pixelmeans.settings.max_jobs
    ('pixelmeans', 4)
    """
    require("fastapi", "web", "the web app")
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from .routes import router

    state = ServerState(settings or ServerSettings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        state.jobs = JobLimiter(state.settings.max_jobs, state.settings.max_waiting,
                                state.settings.job_timeout)
        state.temp = temp = Path(tempfile.mkdtemp(prefix="pixelmeans-web-"))
        try:
            yield
        finally:
            shutil.rmtree(temp, ignore_errors=True)

    from .. import __version__

    app = FastAPI(title="pixelmeans", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,
                  description="K-means for the colours of a photo: upload it once, then ask "
                              "for its palette, quantized image, segments and compression "
                              "figures at any k. Errors are JSON `{\"error\": message}`.")
    app.state.pixelmeans = state
    _add_error_handlers(app)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
