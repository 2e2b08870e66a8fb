"""CSRF is enforced on every POST: each route of the portal (walked from the URL resolver), posted to
by a signed-in user who may reach it, without the token, is refused by the CSRF check itself."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client

from tests.security.routes import ROUTES, route_names, url_of
from tests.security.world import ANONYMOUS, PERSONAS, World

pytestmark = pytest.mark.django_db

# Routes that accept a POST without the CSRF token, each with the reason. Among the pages there are
# none: even the health check and the login form (whose POST the lockout counts) need it.
CSRF_EXEMPT: dict[str, str] = {
    name: "read-only and open to all (no session, nothing to change): a POST is 405"
    for name in ("api:public_certificate", "api:schema", "api:docs", "api:redoc")
}
REFUSED_BY_CSRF = "X-Refused-By-CSRF"


def csrf_refused(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Stands in for Django's CSRF failure page, so that a 403 from the access check is not mistaken
    for one from the CSRF check."""
    return HttpResponse(reason, status=403, headers={REFUSED_BY_CSRF: "1"})


@pytest.fixture(autouse=True)
def marked_csrf_failures(settings) -> None:
    settings.CSRF_FAILURE_VIEW = "tests.security.test_csrf.csrf_refused"


def strict_client(world: World, persona: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    user = world.users[persona]
    if user is not None:
        client.force_login(user, backend="certportal.accounts.backends.UsernameOrEmailBackend")
    return client


@pytest.mark.parametrize("name", route_names())
def test_a_post_without_the_csrf_token_is_refused(world: World, name: str) -> None:
    row = ROUTES[name]
    persona = ANONYMOUS if row.public else next(p for p in PERSONAS if p in row.may("post"))
    response = strict_client(world, persona).post(url_of(name, world), {"comment": "x"})
    if name in CSRF_EXEMPT:
        assert not response.has_header(REFUSED_BY_CSRF), name
        return
    assert response.status_code == 403, (name, persona, response.status_code)
    if row.api:  # REST framework checks the session's CSRF token itself (a token needs none)
        assert response.json()["detail"].startswith("CSRF"), (name, persona)
        return
    assert response.has_header(REFUSED_BY_CSRF), (name, persona)


def test_the_same_post_with_the_token_passes_the_csrf_check(world: World) -> None:
    """The refusal above comes from the missing token, not from the strict client."""
    client = strict_client(world, "enterprise_a")
    client.get(url_of("notifications:preferences", world))
    token = client.cookies["csrftoken"].value
    response = client.post(url_of("notifications:mark_all_read", world), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not response.has_header(REFUSED_BY_CSRF)
