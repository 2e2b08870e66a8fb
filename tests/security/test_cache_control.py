"""What a signed-in user receives is never kept by a cache: every route of the portal (walked from
the URL resolver, see routes.py), pages and downloads alike (CSV and Excel exports, the audit
calendar, evidence and certificate files), answers `Cache-Control: private, no-store`. The public
pages an anonymous visitor opens stay cacheable."""

from __future__ import annotations

import pytest
from django.http import HttpResponseBase
from django.urls import reverse

from tests.security.routes import ROUTES, route_names, url_of
from tests.security.world import ANONYMOUS, PERSONAS, SUPERUSER, World

pytestmark = pytest.mark.django_db

# Who opens each route: the superuser where allowed, else the first persona the route allows.
PREFERENCE = [SUPERUSER, *(persona for persona in PERSONAS if persona not in {ANONYMOUS, SUPERUSER})]


def directives(response: HttpResponseBase) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def opener(name: str) -> str:
    return next(persona for persona in PREFERENCE if persona in ROUTES[name].allowed)


@pytest.mark.parametrize("name", route_names())
def test_signed_in_responses_are_private_and_not_stored(world: World, name: str) -> None:
    persona = opener(name)
    response = world.client(persona).get(url_of(name, world))
    assert {"private", "no-store"} <= directives(response), (name, persona, response.get("Cache-Control"))


@pytest.mark.parametrize(
    ("name", "fmt"), [("applications:dashboard_export", "csv"), ("applications:dashboard_export", "xlsx")]
)
def test_exports_are_private_and_not_stored(world: World, name: str, fmt: str) -> None:
    response = world.client(SUPERUSER).get(reverse(name, kwargs={"fmt": fmt}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert {"private", "no-store"} <= directives(response)


@pytest.mark.parametrize("name", ["audits:round_calendar", "applications:evidence_file", "audits:certificate_pdf"])
def test_personal_files_are_private_and_not_stored(world: World, name: str) -> None:
    response = world.client(SUPERUSER).get(url_of(name, world))
    assert response.status_code in (200, 302)
    assert {"private", "no-store"} <= directives(response)


@pytest.mark.parametrize("name", ["landing", "verify_search", "verify_certificate"])
def test_public_pages_stay_cacheable_for_anonymous_visitors(world: World, name: str) -> None:
    response = world.client(ANONYMOUS).get(url_of(name, world))
    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "private" not in directives(response)
