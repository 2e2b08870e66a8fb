"""The JSON API against the two-enterprise world: the same visibility as the pages for every persona,
tokens, writes through the workflow, pagination, filters, errors in both languages, ETags, the public
certificate check and the schema. (tests/security/routes.py has each API route's row in the access
matrix; these tests look at what the answers contain.)"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Enterprise
from audits.api.pagination import Pagination
from audits.models import Certificate, Finding
from certportal.accounts.models import ApiToken
from certportal.accounts.services import api_key_hash, api_token_create
from notifications.models import Notification
from tests.security.world import (
    AUDITOR,
    CERTIFIER,
    CONSULTANT_A,
    ENTERPRISE_A,
    ENTERPRISE_B,
    OUTSIDERS,
    PERSONAS,
    SECRET_NAME_A,
    SECRET_REFERENCE_A,
    SUPERUSER,
    World,
)

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
SIGNED_IN = [persona for persona in PERSONAS if persona != "anonymous"]


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()


def token_client(world: World, persona: str, scope: str = ApiToken.Scope.READ, **headers: Any) -> Client:
    _token, key = api_token_create(user=world.users[persona], name="test", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", **headers)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def a_urls(world: World) -> list[str]:
    """Every API detail or list of one of enterprise A's objects."""
    app, objects = world.a.application, world.a.objects
    return [
        reverse("api:enterprise_detail", args=[app.enterprise_id]),
        *(reverse(name, args=[app.pk]) for name in (
            "api:application_detail", "api:application_events", "api:requirement_list", "api:form_list",
            "api:round_list", "api:finding_list", "api:score_sheet")),
        reverse("api:requirement_detail", args=[objects["requirement"].pk]),
        reverse("api:evidence_file_detail", args=[objects["evidence"].pk]),
        reverse("api:round_detail", args=[objects["round"].pk]),
        reverse("api:finding_detail", args=[objects["finding"].pk]),
        reverse("api:certificate_detail", args=[objects["certificate"].pk]),
        reverse("api:certificate_history", args=[objects["certificate"].pk]),
    ]  # fmt: skip


# --- Visibility: the same querysets as the pages -------------------------------------------------


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_each_list_shows_what_the_pages_show_that_persona(world: World, persona: str) -> None:
    user = world.users[persona]
    client = token_client(world, persona)
    expected = {
        "api:application_list": Application.objects.visible_to(user),
        "api:enterprise_list": Enterprise.objects.visible_to(user),
        "api:certificate_list": Certificate.objects.visible_to(user),
        "api:notification_list": Notification.objects.for_user(user),
    }
    for name, queryset in expected.items():
        assert ids(client.get(reverse(name), {"page_size": 100})) == set(queryset.values_list("pk", flat=True)), name
    findings = client.get(reverse("api:finding_list", args=[world.a.application.pk]))
    if persona in OUTSIDERS:
        assert findings.status_code == 404
    else:
        assert ids(findings) == set(
            Finding.objects.visible_to(user).filter(application=world.a.application).values_list("pk", flat=True)
        )


@pytest.mark.parametrize("persona", sorted(OUTSIDERS))
def test_the_other_tenant_never_sees_enterprise_a_through_the_api(world: World, persona: str) -> None:
    client = token_client(world, persona)
    for name in ("api:application_list", "api:enterprise_list", "api:certificate_list", "api:notification_list"):
        body = client.get(reverse(name)).content.decode()
        assert SECRET_NAME_A not in body and SECRET_REFERENCE_A not in body, name
    for url in a_urls(world):
        response = client.get(url)
        assert response.status_code == 404, url
        assert set(response.json()) == {"detail", "code"} and response.json()["code"] == "not_found", url
        assert SECRET_NAME_A not in response.content.decode(), url


def test_the_owner_sees_each_of_enterprise_a_objects(world: World) -> None:
    """Without this, the leak test above could pass on an API that shows nothing."""
    client = token_client(world, ENTERPRISE_A)
    for url in a_urls(world):
        assert client.get(url).status_code == 200, url
    detail = client.get(reverse("api:application_detail", args=[world.a.application.pk])).json()
    assert detail["reference"] == SECRET_REFERENCE_A and detail["status"] == Application.Status.CERTIFIED


def test_evidence_and_forms_point_to_the_access_checked_downloads(world: World) -> None:
    client = token_client(world, ENTERPRISE_A)
    requirement = client.get(reverse("api:requirement_detail", args=[world.a.objects["requirement"].pk])).json()
    evidence = world.a.objects["evidence"]
    assert requirement["files"][0]["download_url"] == reverse("applications:evidence_file", args=[evidence.pk])
    download = token_client(world, ENTERPRISE_B).get(requirement["files"][0]["download_url"])
    assert download.status_code in {302, 404}  # a token is no session: the page still checks who asks


def test_body_staff_see_no_unsigned_form_versions_like_the_forms_page(world: World) -> None:
    def kinds(persona: str) -> set[str]:
        forms = token_client(world, persona).get(reverse("api:form_list", args=[world.a.application.pk])).json()
        return {version["kind"] for form in forms for version in form["versions"]}

    assert "unsigned" in kinds(CONSULTANT_A)
    assert "unsigned" not in kinds(AUDITOR) and "signed" in kinds(AUDITOR)


# --- Tokens --------------------------------------------------------------------------------------


def test_a_token_is_stored_hashed_and_each_use_is_logged(world: World) -> None:
    token, key = api_token_create(user=world.users[ENTERPRISE_A], name="ERP", scope=ApiToken.Scope.READ)
    assert token.key_hash == api_key_hash(key) and key not in str(ApiToken.objects.filter(pk=token.pk).values())
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR="203.0.113.7")
    assert client.get(reverse("api:application_list")).status_code == 200
    assert client.get(reverse("api:certificate_list")).status_code == 200
    token.refresh_from_db()
    assert token.use_count == 2 and token.last_used_ip == "203.0.113.7" and token.last_used_at is not None


def test_a_revoked_token_or_a_deactivated_users_token_stops_working(world: World) -> None:
    user = world.users[ENTERPRISE_A]
    token, key = api_token_create(user=user, name="ERP", scope=ApiToken.Scope.READ)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = reverse("api:application_list")
    assert client.get(url).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    refused = client.get(url)
    assert refused.status_code == 401 and refused.json()["code"] == "authentication_failed"
    user.is_active = True
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get(url).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer cp_made-up").get(url).status_code == 401
    assert Client().get(url)["WWW-Authenticate"].startswith("Bearer")


def test_a_read_token_is_refused_any_write_with_403(world: World) -> None:
    client = token_client(world, CERTIFIER)
    certificate = world.a.objects["certificate"]
    response = client.post(
        reverse("api:certificate_status", args=[certificate.pk]),
        {"target": "suspended", "reason": "test", "suspended_until": "2099-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_the_session_needs_its_csrf_token_for_writes(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[ENTERPRISE_A], backend="certportal.accounts.backends.UsernameOrEmailBackend")
    url = reverse("api:application_transition", args=[world.a.application.pk])
    assert client.get(reverse("api:application_list")).status_code == 200
    refused = client.post(url, {"target": "closed"}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]


# --- Writes through the services -----------------------------------------------------------------


def test_an_illegal_transition_is_refused_with_the_pages_message(world: World) -> None:
    url = reverse("api:application_transition", args=[world.a.application.pk])
    english = token_client(world, ENTERPRISE_A, ApiToken.Scope.WRITE, HTTP_ACCEPT_LANGUAGE="en")
    response = english.post(url, {"target": "draft"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "This step is not possible from the application's current state."
    chinese = token_client(world, ENTERPRISE_A, ApiToken.Scope.WRITE, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.post(url, {"target": "draft"}, content_type="application/json").json()["detail"] == (
        "申请当前的状态不允许进行此操作。"
    )
    world.a.application.refresh_from_db()
    assert world.a.application.status == Application.Status.CERTIFIED


def test_a_transition_through_the_api_obeys_the_workflow(world: World) -> None:
    """Enterprise B's submitted application: B's consultant may not take the body's step, the auditor may."""
    application = world.b.application
    url = reverse("api:application_transition", args=[application.pk])
    detail = token_client(world, AUDITOR).get(reverse("api:application_detail", args=[application.pk])).json()
    target = detail["allowed_transitions"][0]["target"]
    consultant = token_client(world, "consultant_b", ApiToken.Scope.WRITE, HTTP_ACCEPT_LANGUAGE="en")
    refused = consultant.post(url, {"target": target, "comment": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "You are not the one who can take this step."
    auditor = token_client(world, AUDITOR, ApiToken.Scope.WRITE)
    done = auditor.post(url, {"target": target, "comment": "补充材料"}, content_type="application/json")
    assert done.status_code == 200, done.content
    application.refresh_from_db()
    assert application.status == target == done.json()["status"]
    assert application.events.filter(to_status=target).exists()


def test_a_certifier_changes_a_certificate_status_through_the_service(world: World) -> None:
    certificate = world.a.objects["certificate"]
    url = reverse("api:certificate_status", args=[certificate.pk])
    body = {"target": "suspended", "reason": "监督审核未按期进行", "suspended_until": None}
    missing = token_client(world, CERTIFIER, ApiToken.Scope.WRITE, HTTP_ACCEPT_LANGUAGE="en").post(
        url, body, content_type="application/json"
    )
    assert missing.status_code == 400 and missing.json()["errors"]["suspended_until"] == [
        "A suspension needs an end date."
    ]
    auditor = token_client(world, AUDITOR, ApiToken.Scope.WRITE).post(url, body, content_type="application/json")
    assert auditor.status_code == 403
    body["suspended_until"] = str(timezone.localdate() + datetime.timedelta(days=30))
    done = token_client(world, CERTIFIER, ApiToken.Scope.WRITE).post(url, body, content_type="application/json")
    assert done.status_code == 200, done.content
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUSPENDED
    assert certificate.events.filter(to_status=Certificate.Status.SUSPENDED).exists()


# --- Pagination, filters, errors, ETags ----------------------------------------------------------


def test_pages_have_a_capped_size(world: World) -> None:
    client = token_client(world, SUPERUSER)
    first = client.get(reverse("api:application_list"), {"page_size": 1}).json()
    total = Application.objects.count()  # A's, its surveillance audit's and B's
    assert first["count"] == total == 3 and len(first["results"]) == 1 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["results"][0]["id"] != first["results"][0]["id"]
    capped = client.get(reverse("api:application_list"), {"page_size": 100000})
    assert capped.status_code == 200 and len(capped.json()["results"]) == total
    assert Pagination.max_page_size == 100


def test_applications_filter_by_status_and_reference(world: World) -> None:
    client = token_client(world, SUPERUSER)
    url = reverse("api:application_list")
    certified = {world.a.application.pk, world.a.objects["surveillance_application"].pk}
    assert ids(client.get(url, {"status": "certified"})) == certified
    assert ids(client.get(url, {"kind": "surveillance"})) == {world.a.objects["surveillance_application"].pk}
    assert ids(client.get(url, {"status": "submitted"})) == {world.b.application.pk}
    assert ids(client.get(url, {"reference": "77002"})) == {world.b.application.pk}
    assert ids(client.get(url, {"open": "true"})) == {world.b.application.pk}
    bad = client.get(url, {"status": "nonsense"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "status" in bad.json()["errors"]
    # An outsider filtering for A's status still gets nothing of A.
    assert ids(token_client(world, ENTERPRISE_B).get(url, {"status": "certified"})) == set()


def test_errors_come_in_the_callers_language(world: World) -> None:
    url = reverse("api:application_detail", args=[world.a.application.pk])
    english = token_client(world, ENTERPRISE_B, HTTP_ACCEPT_LANGUAGE="en").get(url)
    assert english.json() == {"detail": "No such application.", "code": "not_found"}
    chinese = token_client(world, ENTERPRISE_B, HTTP_ACCEPT_LANGUAGE="zh-hans").get(url)
    assert chinese.json() == {"detail": "没有找到该申请。", "code": "not_found"}
    # No Accept-Language: the token's user's own language.
    user = world.users[ENTERPRISE_B]
    user.language = "en"
    user.save(update_fields=["language"])
    assert token_client(world, ENTERPRISE_B).get(url).json()["detail"] == "No such application."
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en").get(url)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"


def test_a_detail_answers_304_while_unchanged(world: World) -> None:
    client = token_client(world, ENTERPRISE_A)
    url = reverse("api:certificate_detail", args=[world.a.objects["certificate"].pk])
    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    Certificate.objects.filter(pk=world.a.objects["certificate"].pk).update(holder_address="新的地址")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


# --- The public check and the schema -------------------------------------------------------------


def test_anyone_checks_a_certificate_by_its_number(world: World) -> None:
    certificate = world.a.objects["certificate"]
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("api:public_certificate", args=[certificate.number]))
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == certificate.number and body["holder_name"] == certificate.holder_name
    assert body["status_display"] == "Valid"
    assert not {"id", "application", "enterprise", "status_reason", "pdf_url"} & set(body)
    unknown = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("api:public_certificate", args=["NO-SUCH-1"]))
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_the_public_check_is_rate_limited(world: World, settings) -> None:
    settings.API_VERIFY_RATE = "2/m"
    url = reverse("api:public_certificate", args=[world.a.objects["certificate"].number])
    codes = [Client().get(url).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert Client(REMOTE_ADDR="198.51.100.9").get(url).status_code == 200, "the limit is per client address"


def test_the_schema_generates_without_warnings_and_matches_the_committed_file(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", "en", "--file", str(generated))
    assert generated.read_text() == SCHEMA_FILE.read_text(), (
        "run: manage.py spectacular --lang en --file docs/api/openapi.yaml"
    )


def test_the_api_documentation_uses_our_own_static_files() -> None:
    page = Client().get(reverse("api:docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page and "cdn" not in page.lower()
    redoc = Client().get(reverse("api:redoc")).content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/" in redoc


@pytest.mark.parametrize(
    ("name", "of_application", "limit"),
    [
        ("api:application_list", False, 4),
        ("api:certificate_list", False, 4),
        ("api:requirement_list", True, 6),
        ("api:form_list", True, 6),
    ],
)
def test_lists_need_a_fixed_number_of_queries(
    world: World, name: str, of_application: bool, limit: int, django_assert_max_num_queries
) -> None:
    """The token and its use, the access check, the count and the page: no query per row."""
    client = token_client(world, SUPERUSER)
    url = reverse(name, args=[world.a.application.pk]) if of_application else reverse(name)
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200
