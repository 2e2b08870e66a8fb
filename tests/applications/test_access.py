"""Who reaches which enterprise and application page: the allowed persona succeeds, every other
persona gets 403 (may see, may not change) or 404 (may not see), anonymous is sent to log in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for, put_in_status
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["enterprise_user", "other_enterprise_user", "consultant", "other_consultant", "auditor", "certifier"]


def status_for(persona: str, expected: dict[str, int]) -> int:
    return expected.get(persona, 404)


def check(request: pytest.FixtureRequest, method: str, url: str, expected: dict[str, int], data=None) -> None:
    anonymous = getattr(Client(), method)(url, data or {})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url, url
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        response = getattr(client_for(user), method)(url, data or {})
        assert response.status_code == status_for(persona, expected), (persona, method, url, response.status_code)


def test_enterprise_pages_in_draft(request: pytest.FixtureRequest, application) -> None:
    enterprise = application.enterprise
    product = application.scope.get()
    check(
        request,
        "get",
        reverse("applications:enterprise", args=[enterprise.pk]),
        {"enterprise_user": 200, "consultant": 200},
    )
    for url in [
        reverse("applications:enterprise_edit", args=[enterprise.pk]),
        reverse("applications:profile_item_add", args=[enterprise.pk, "products"]),
        reverse("applications:profile_item_edit", args=[enterprise.pk, "products", product.pk]),
    ]:
        check(request, "get", url, {"enterprise_user": 200, "consultant": 403})


def test_enterprise_pages_once_submitted(request: pytest.FixtureRequest, application) -> None:
    put_in_status(application, "submitted")
    enterprise = application.enterprise
    check(
        request,
        "get",
        reverse("applications:enterprise", args=[enterprise.pk]),
        {"enterprise_user": 200, "consultant": 200, "auditor": 200, "certifier": 200},
    )
    check(
        request,
        "post",
        reverse("applications:enterprise_edit", args=[enterprise.pk]),
        {"enterprise_user": 200, "consultant": 403, "auditor": 403, "certifier": 403},
        data={"name": ""},
    )


def test_removing_a_list_item(request: pytest.FixtureRequest, application) -> None:
    enterprise = application.enterprise
    for persona in ["other_enterprise_user", "other_consultant", "auditor", "certifier"]:
        spare = ProductFactory(enterprise=enterprise)
        url = reverse("applications:profile_item_delete", args=[enterprise.pk, "products", spare.pk])
        assert client_for(request.getfixturevalue(persona)).post(url).status_code == 404, persona
    spare = ProductFactory(enterprise=enterprise)
    url = reverse("applications:profile_item_delete", args=[enterprise.pk, "products", spare.pk])
    assert client_for(request.getfixturevalue("consultant")).post(url).status_code == 403
    assert client_for(request.getfixturevalue("enterprise_user")).post(url).status_code == 302
    assert not type(spare).objects.filter(pk=spare.pk).exists()


def test_another_enterprises_item_is_not_found_through_my_enterprise(
    application, other_application, enterprise_user
) -> None:
    foreign = other_application.scope.get()
    url = reverse("applications:profile_item_edit", args=[application.enterprise.pk, "products", foreign.pk])
    assert client_for(enterprise_user).get(url).status_code == 404


@pytest.mark.parametrize(("status", "body_sees"), [("draft", False), ("submitted", True)])
def test_application_pages(request: pytest.FixtureRequest, application, status: str, body_sees: bool) -> None:
    put_in_status(application, status)
    body = {"auditor": 200, "certifier": 200} if body_sees else {}
    check(
        request,
        "get",
        reverse("applications:detail", args=[application.pk]),
        {"enterprise_user": 200, "consultant": 200, **body},
    )
    body_write = {"auditor": 403, "certifier": 403} if body_sees else {}
    check(
        request,
        "get",
        reverse("applications:scope", args=[application.pk]),
        {"enterprise_user": 200, "consultant": 200, **body_write},
    )
    check(
        request,
        "post",
        reverse("applications:invite", args=[application.pk]),
        {"enterprise_user": 302, "consultant": 403, **body_write},
        data={"email": "x@example.com"},
    )


def test_transition_endpoint(request: pytest.FixtureRequest, application) -> None:
    url = reverse("applications:transition", args=[application.pk])
    data = {"target": "withdrawn"}
    # The consultant sees the application but may not withdraw it; others do not see it at all.
    assert client_for(request.getfixturevalue("consultant")).post(url, data).status_code == 403
    for persona in ["other_enterprise_user", "other_consultant", "auditor", "certifier"]:
        assert client_for(request.getfixturevalue(persona)).post(url, data).status_code == 404, persona
    assert Client().post(url, data).status_code == 302
    application.refresh_from_db()
    assert application.status == "draft"
    assert client_for(request.getfixturevalue("enterprise_user")).post(url, data).status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert client_for(request.getfixturevalue("enterprise_user")).get(url).status_code == 405


def test_application_list_shows_only_whats_visible(
    application, other_application, enterprise_user, consultant, auditor
) -> None:
    url = reverse("applications:list")
    assert application.reference in client_for(enterprise_user).get(url).content.decode()
    assert other_application.reference not in client_for(enterprise_user).get(url).content.decode()
    assert other_application.reference not in client_for(consultant).get(url).content.decode()
    assert application.reference not in client_for(auditor).get(url).content.decode()
    put_in_status(application, "submitted")
    assert application.reference in client_for(auditor).get(url).content.decode()


def test_only_enterprise_users_start_applications(request: pytest.FixtureRequest, enterprise_user) -> None:
    url = reverse("applications:create")
    assert client_for(enterprise_user).get(url).status_code == 200
    for persona in ["consultant", "auditor", "certifier"]:
        response = client_for(request.getfixturevalue(persona)).get(url)
        assert response["Location"] == reverse("applications:list"), persona


def test_my_enterprise_leads_to_the_users_own(enterprise_user, consultant) -> None:
    response = client_for(enterprise_user).get(reverse("applications:my_enterprise"))
    assert response["Location"] == reverse("applications:enterprise", args=[enterprise_user.enterprise_id])
    assert client_for(consultant).get(reverse("applications:my_enterprise"))["Location"] == reverse("home")


def test_home_leads_each_role_to_its_start(
    application, enterprise_user, consultant, other_enterprise_user, auditor
) -> None:
    assert client_for(enterprise_user).get(reverse("home"))["Location"] == reverse("applications:progress")
    own = reverse("applications:enterprise", args=[other_enterprise_user.enterprise_id])
    assert client_for(other_enterprise_user).get(reverse("home"))["Location"] == own
    assert client_for(consultant).get(reverse("home"))["Location"] == reverse("applications:dashboard")
    assert client_for(auditor).get(reverse("home"))["Location"] == reverse("audits:dashboard")
