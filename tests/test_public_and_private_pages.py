"""Every page needs a login except an explicit list of public ones (walked from the URL resolver)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Route names (namespace:name) that anyone may open without logging in.
PUBLIC = {
    "landing",
    "language_switch",
    "accounts:login",
    "signup:start",
    "signup:sent",
    "signup:confirm",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:password_reset_sms",
    "accounts:password_reset_sms_confirm",
    "verify_search",
    "verify_certificate",
    "verify_file",
    "verify_complaint",
    "health",
    # The JSON API's public certificate check and its documentation.
    "api:public_certificate",
    "api:schema",
    "api:docs",
    "api:redoc",
}
# The JSON API asks an anonymous caller for a token (401) instead of sending it to the login page.
API_PREFIX = "api/"


def walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}" if pattern.name else None


def sample_path(route: str) -> str:
    """Fill converters and regex groups with plausible values."""
    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000001", path)
    path = re.sub(r"<(?:str|slug|path:)?\w+>", "x", path)
    path = re.sub(r"<path:\w+>", "x", path)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    return "/" + path


PORTAL_ROUTES = [(route, name) for route, name in walk(get_resolver().url_patterns) if not route.startswith("admin/")]


@pytest.mark.parametrize(("route", "name"), PORTAL_ROUTES, ids=[name or route for route, name in PORTAL_ROUTES])
def test_anonymous_is_sent_to_login_except_on_public_pages(client: Client, route: str, name: str | None) -> None:
    path = sample_path(route)
    response = client.get(path)
    if name in PUBLIC:
        assert response.status_code in {200, 302, 404, 405}, path
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("accounts:login")), path
    elif route.startswith(API_PREFIX):
        assert response.status_code == 401, f"{path} answered {response.status_code} to an anonymous caller"
    else:
        assert response.status_code == 302, f"{path} answered {response.status_code} to an anonymous visitor"
        assert response["Location"].startswith(reverse("accounts:login") + "?next="), path


def test_admin_needs_a_superuser_login(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
