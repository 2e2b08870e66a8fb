"""The security baseline of every page: the security headers and a Content-Security-Policy on every
response of every route, and uploaded files never reachable by URL without an access check.

Elsewhere: `check --deploy` and the production cookies in tests/test_production_settings.py, the
login lockout in tests/accounts/test_login.py (and behind proxies in test_production_client_ip.py),
every download refused to the other tenant in test_access_matrix.py, hostile files in
tests/applications/test_evidence_uploads.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import FileResponse
from django.urls import Resolver404, resolve

from tests.security.routes import ROUTES, portal_routes, route_names, url_of
from tests.security.world import ANONYMOUS, PERSONAS, World

if TYPE_CHECKING:
    from tests.http import TestResponse

pytestmark = pytest.mark.django_db

CSP_DIRECTIVES = ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                  "base-uri 'self'", "form-action 'self'"]  # fmt: skip


# A served file gets a stricter policy of its own (certportal/lib/files.py): nothing in it runs.
FILE_CSP_DIRECTIVES = ["default-src 'none'", "sandbox"]


def assert_security_headers(response: TestResponse, where: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    is_file = isinstance(response, FileResponse)
    for directive in FILE_CSP_DIRECTIVES if is_file else CSP_DIRECTIVES:
        assert directive in policy, f"{where}: {directive} missing from CSP {policy!r}"
    assert "script-src" not in policy or "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("Referrer-Policy") == "same-origin", where
    assert response.get("X-Frame-Options") == "DENY", where
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin", where


@pytest.mark.parametrize("name", route_names())
def test_every_page_sends_the_security_headers(world: World, name: str) -> None:
    row = ROUTES[name]
    persona = ANONYMOUS if row.public else next(p for p in PERSONAS if p in row.allowed)
    response = world.client(persona).get(url_of(name, world))
    assert_security_headers(response, f"GET {name} as {persona} ({response.status_code})")


def test_error_pages_send_the_security_headers_too(world: World) -> None:
    assert_security_headers(world.client("enterprise_b").get(url_of("applications:detail", world)), "404")
    assert_security_headers(world.client("auditor").get(url_of("applications:enterprise_edit", world)), "403")


def test_media_has_no_public_url() -> None:
    """MEDIA_URL names a reserved host that never resolves, and no route serves MEDIA_ROOT."""
    assert urlsplit(settings.MEDIA_URL).hostname.endswith(".invalid")
    assert not any("media" in route for route, _ in portal_routes())
    assert not getattr(settings, "WHITENOISE_ROOT", None)


def test_a_stored_file_is_not_served_by_its_storage_name(world: World) -> None:
    """Not even to the superuser: the only way to the bytes is a download view."""
    name = world.a.objects["evidence"].file.name
    for path in (f"/{name}", f"/media/{name}", f"/static/{name}", f"/static/../media/{name}"):
        with pytest.raises(Resolver404):
            resolve(path)
        response = world.client("superuser").get(path)
        assert response.status_code == 404, path
        assert b"private file" not in response.content, path
