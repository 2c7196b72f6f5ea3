"""Schema-driven tests: schemathesis makes requests from the app's own OpenAPI schema and
checks that none is answered with a server error (5xx)."""

from __future__ import annotations

import numpy as np
import pytest

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is not installed (the 'apitest' extra; it needs a "
                           "newer hypothesis than the minimum-version run installs)")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from pixelmeans.web import work  # noqa: E402
from pixelmeans.web.app import create_app  # noqa: E402
from pixelmeans.web.settings import ServerSettings  # noqa: E402

from .conftest import png_bytes  # noqa: E402

APP = create_app(ServerSettings(max_upload_bytes=1 << 20, max_pixels=1 << 20,
                                preview_side=32, job_timeout=60))
_state = APP.state.pixelmeans
_pixels = np.random.default_rng(7).integers(0, 256, (24, 40, 3), dtype=np.uint8)
KEPT = work.new_upload(png_bytes(_pixels), "noise.png", _state.work)
_state.cache.add(KEPT)

# The URL source is left out: fuzzed host names would be looked up on the network.
# tests/web/test_urls.py covers it against a local server.
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(
    path="/api/uploads/url")


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_a_server_error(case):
    if case.path_parameters and "upload_id" in case.path_parameters \
            and case.method.upper() != "DELETE":
        case.path_parameters["upload_id"] = KEPT.id  # reach the jobs, not only the 404
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code >= 400:
        assert "error" in response.json()
