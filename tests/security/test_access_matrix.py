"""The access-control matrix: every URL of the portal (walked from the URL resolver, see routes.py),
as every persona, with GET and POST, against enterprise A's objects.

- anonymous visitors are sent to the login page, except on the public allow-list;
- enterprise B's user and consultant B never reach anything of enterprise A: 403, 404 or 405, never
  a page, a redirect onwards or a file; and no page they do see shows enterprise A's name;
- everyone the route's row allows reaches it with GET and POST (not 403/404, not sent to log in);
  every other signed-in persona is refused (403/404/405);
- nobody's empty POST crashes a view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.db import transaction
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import reverse

from tests.http import streamed_body
from tests.security.routes import ROUTES, route_names, url_of
from tests.security.world import ANONYMOUS, OUTSIDERS, PERSONAS, SECRET_NAME_A, SECRET_REFERENCE_A, World

if TYPE_CHECKING:
    from tests.http import TestResponse

pytestmark = pytest.mark.django_db

REFUSED = {403, 404, 405}
LOGIN = reverse("accounts:login")


def is_file(response: TestResponse) -> bool:
    return (
        isinstance(response, FileResponse | StreamingHttpResponse)
        or response.has_header("X-Accel-Redirect")
        or response.get("Content-Disposition", "").startswith(("attachment", "inline"))
    )


def shows_tenant_a(response: TestResponse, *, own_file: bool = False) -> bool:
    if is_file(response) and not own_file:
        return True
    body = streamed_body(response) if response.streaming else response.content
    page = body.decode(errors="replace")
    return SECRET_NAME_A in page or SECRET_REFERENCE_A in page


def sent_to_login(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN + "?next=")


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    names = set(route_names())
    missing = sorted(names - set(ROUTES))
    assert not missing, (
        f"Add these routes to ROUTES in tests/security/routes.py (URL arguments, who may reach them): {missing}"
    )
    stale = sorted(set(ROUTES) - names)
    assert not stale, f"Rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("name", route_names())
def test_access_matrix(world: World, name: str) -> None:
    assert name in ROUTES, f"{name} is not in the access matrix: add a row to ROUTES in tests/security/routes.py"
    row = ROUTES[name]
    url = url_of(name, world)
    clients = {persona: world.client(persona) for persona in PERSONAS}
    for method in ("get", "post"):
        allowed = row.may(method)
        for persona in PERSONAS:
            with transaction.atomic():  # what one persona's POST changes is undone for the next
                response = getattr(clients[persona], method)(url)
                transaction.set_rollback(True)
            where = f"{method.upper()} {url} ({name}) as {persona}: {response.status_code}"
            assert response.status_code != 500, where
            if persona == ANONYMOUS:
                if row.public:
                    assert not sent_to_login(response), where
                elif row.api:
                    assert response.status_code == 401, f"{where}, expected 401 (the API asks for a token)"
                else:
                    assert sent_to_login(response), f"{where}, expected the login page"
                continue
            if persona in OUTSIDERS and not row.public:
                assert not shows_tenant_a(response, own_file=row.own_file), f"{where} shows enterprise A's data"
            if persona in allowed:
                assert response.status_code not in {403, 404}, f"{where}, should be allowed"
                assert not sent_to_login(response), where
            else:
                assert response.status_code in REFUSED, f"{where}, should be refused"


def test_outsiders_get_no_bytes_of_enterprise_a_files(world: World) -> None:
    """The download views, one by one: the owner gets the file, the other tenant nothing."""
    downloads = [
        "applications:evidence_file", "applications:evidence_file_preview", "applications:evidence_file_thumbnail",
        "applications:evidence_archive_download", "applications:rendition", "applications:enterprise_seal_image",
        "audits:photo", "audits:evidence", "audits:certificate_pdf",
    ]  # fmt: skip
    for name in downloads:
        url = url_of(name, world)
        owner = sorted(ROUTES[name].allowed)[0]
        served = world.client(owner).get(url)
        assert served.status_code == 200 and is_file(served), (name, owner)
        assert streamed_body(served).startswith((b"%PDF", b"\x89PNG", b"PK")), name
        for outsider in sorted(OUTSIDERS):
            refused = world.client(outsider).get(url)
            assert refused.status_code == 404, (name, outsider, refused.status_code)
            assert not is_file(refused), (name, outsider)


def test_the_owner_sees_what_the_leak_check_looks_for(world: World) -> None:
    """Without this, `shows_tenant_a` could never be true and the matrix could not fail."""
    for name in ("applications:detail", "applications:enterprise", "audits:certificate"):
        page = world.client("enterprise_a").get(url_of(name, world))
        assert shows_tenant_a(page), name


# Routes with two keys: the outsider's own parent object and enterprise A's child object.
MIXED = [
    ("applications:profile_item_edit", lambda w: {"pk": w.b.application.enterprise_id, "kind": "managers",
                                                  "item_pk": w.a.objects["manager"].pk}),
    ("applications:profile_item_delete", lambda w: {"pk": w.b.application.enterprise_id, "kind": "products",
                                                    "item_pk": w.a.objects["product"].pk}),
    ("applications:rendition", lambda w: {"pk": w.b.application.pk, "rendition_pk": w.a.objects["rendition"].pk}),
    ("applications:rendition_retry", lambda w: {"pk": w.b.application.pk, "rendition_pk": w.a.objects["rendition"].pk}),
    ("applications:scan_review", lambda w: {"pk": w.b.application.pk, "rendition_pk": w.a.objects["scan"].pk}),
    ("applications:shipment_receive", lambda w: {"pk": w.b.application.pk, "shipment_pk": w.a.objects["shipment"].pk}),
    ("applications:law_row_edit", lambda w: {"pk": w.b.application.pk, "row_pk": w.a.objects["law_row"].pk}),
    ("applications:law_row_delete", lambda w: {"pk": w.b.application.pk, "row_pk": w.a.objects["law_row"].pk}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "kwargs"), MIXED, ids=[name for name, _ in MIXED])
def test_an_object_of_enterprise_a_is_not_reached_through_an_outsiders_own_object(world: World, name, kwargs) -> None:
    url = reverse(name, kwargs=kwargs(world))
    for outsider in sorted(OUTSIDERS):
        for method in ("get", "post"):
            response = getattr(world.client(outsider), method)(url, {"received_on": "2026-01-05", "matches": "on"})
            assert response.status_code in REFUSED, (method, url, outsider, response.status_code)
    assert world.a.objects["product"].__class__.objects.filter(pk=world.a.objects["product"].pk).exists()
    world.a.objects["shipment"].refresh_from_db()
    assert world.a.objects["shipment"].received_on is None
