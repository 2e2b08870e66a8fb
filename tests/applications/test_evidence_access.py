"""Who reaches which evidence page: for every persona, on upload, download, preview, thumbnail,
replace, withdraw, review and the ZIP. 404 when the application is invisible to the user, 403 when
visible but not theirs to change, anonymous is sent to log in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import EvidenceArchive, EvidenceFile
from tests.applications.evidence_samples import image_bytes, pdf_bytes, upload
from tests.conftest import client_for, put_in_status

pytestmark = pytest.mark.django_db

PERSONAS = ["enterprise_user", "other_enterprise_user", "consultant", "other_consultant", "auditor", "certifier"]
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def check(
    request: pytest.FixtureRequest,
    method: str,
    url: Callable[[], str],
    expected: dict[str, int],
    data: Callable[[], dict[str, Any]] | None = None,
    **extra: Any,
) -> None:
    """`url` and `data` are called afresh for each persona, so that one persona's change (a file
    withdrawn, accepted) does not decide the next one's answer."""
    anonymous = getattr(Client(), method)(url(), (data or dict)(), **extra)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        response = getattr(client_for(user), method)(url(), (data or dict)(), **extra)
        assert response.status_code == expected.get(persona, 404), (persona, method, url(), response.status_code)


@pytest.fixture
def evidence(evidence_application, enterprise_user) -> Callable[[], EvidenceFile]:
    """A fresh image file with a thumbnail, awaiting review, on each call."""

    def make() -> EvidenceFile:
        requirement = evidence_application.evidence_requirements.select_related("item", "application").get(
            item__code="1"
        )
        evidence = services.evidence_upload(
            requirement=requirement, actor=enterprise_user, upload=upload("简介.png", image_bytes())
        )
        thumbnail = default_storage.save(
            f"evidence/{evidence_application.pk}/thumbnails/t.jpg", ContentFile(image_bytes("JPEG"))
        )
        EvidenceFile.objects.filter(pk=evidence.pk).update(thumbnail=thumbnail, thumbnail_status="ready")
        return evidence

    return make


@pytest.fixture
def archive(evidence_application, consultant) -> EvidenceArchive:
    name = default_storage.save(
        f"evidence/{evidence_application.pk}/archives/a.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18)
    )
    return EvidenceArchive.objects.create(
        application=evidence_application, requested_by=consultant, status="ready", file=name, finished_at=timezone.now()
    )


def scope_data(application) -> Callable[[], dict[str, Any]]:
    return lambda: {"products": [p.pk for p in application.scope.all()], "files": [upload("合同.pdf", pdf_bytes())]}


def send_back(application, code: str = "1") -> None:
    """The consultant sent the item back: the enterprise may change its files again."""
    application.evidence_requirements.filter(item__code=code).update(review_status="rejected", review_reason="请补充")


def url_for(name: str, *args: Any) -> Callable[[], str]:
    return lambda: reverse(name, args=args)


def test_pages_while_the_application_is_prepared(request, evidence_application, evidence) -> None:
    requirement = evidence_application.evidence_requirements.get(item__code="1")
    file = evidence()
    both = {"enterprise_user": 200, "consultant": 200}
    check(request, "get", url_for("applications:evidence", evidence_application.pk), both)
    check(request, "get", url_for("applications:evidence_requirement", requirement.pk), both)
    for name in ["evidence_file", "evidence_file_preview", "evidence_file_thumbnail", "evidence_file_replace",
                 "evidence_file_edit"]:  # fmt: skip
        check(request, "get", url_for(f"applications:{name}", file.pk), both)


def test_pages_once_with_the_certification_body(request, evidence_application, evidence) -> None:
    requirement = evidence_application.evidence_requirements.get(item__code="1")
    file = evidence()
    put_in_status(evidence_application, "submitted")
    everyone = {"enterprise_user": 200, "consultant": 200, "auditor": 200, "certifier": 200}
    check(request, "get", url_for("applications:evidence", evidence_application.pk), everyone)
    check(request, "get", url_for("applications:evidence_requirement", requirement.pk), everyone)
    for name in ["evidence_file", "evidence_file_preview", "evidence_file_thumbnail"]:
        check(request, "get", url_for(f"applications:{name}", file.pk), everyone)
    writers = {"enterprise_user": 200, "consultant": 200, "auditor": 403, "certifier": 403}
    check(request, "get", url_for("applications:evidence_file_replace", file.pk), writers)


def test_upload(request, evidence_application) -> None:
    requirement = evidence_application.evidence_requirements.get(item__code="2")
    url = url_for("applications:evidence_upload", requirement.pk)
    check(request, "post", url, {"enterprise_user": 201, "consultant": 201}, scope_data(evidence_application), **XHR)
    put_in_status(evidence_application, "submitted")
    # Visible to body staff, not theirs to change; closed for the others (400 with the reason).
    check(
        request, "post", url, {"enterprise_user": 400, "consultant": 400, "auditor": 403, "certifier": 403},
        scope_data(evidence_application), **XHR,
    )  # fmt: skip


def test_answer(request, evidence_application) -> None:
    requirement = evidence_application.evidence_requirements.get(item__code="29")
    url = url_for("applications:evidence_answer", requirement.pk)
    check(request, "post", url, {"enterprise_user": 302, "consultant": 302}, lambda: {"answer": "yes"})
    put_in_status(evidence_application, "submitted")
    check(
        request, "post", url, {"enterprise_user": 302, "consultant": 302, "auditor": 403, "certifier": 403},
        lambda: {"answer": "yes"},
    )  # fmt: skip


def test_withdraw_and_replace(request, evidence_application, evidence) -> None:
    files: list[EvidenceFile] = []

    def fresh() -> str:
        files.append(evidence())
        return reverse("applications:evidence_file_withdraw", args=[files[-1].pk])

    check(request, "post", fresh, {"enterprise_user": 302, "consultant": 302})
    put_in_status(evidence_application, "submitted")
    send_back(evidence_application)
    check(request, "post", fresh, {"enterprise_user": 302, "consultant": 302, "auditor": 403, "certifier": 403})

    def replace() -> str:
        files.append(evidence())
        return reverse("applications:evidence_file_replace", args=[files[-1].pk])

    products = [p.pk for p in evidence_application.scope.all()]
    check(
        request, "post", replace, {"enterprise_user": 302, "consultant": 302, "auditor": 403, "certifier": 403},
        lambda: {"file": upload("新.pdf", pdf_bytes()), "products": products},
    )  # fmt: skip


def test_review_is_for_the_assigned_consultant(request, evidence_application, evidence) -> None:
    requirement = evidence_application.evidence_requirements.get(item__code="1")
    accept = lambda: {"decision": "accept"}  # noqa: E731
    file_url = lambda: reverse("applications:evidence_file_review", args=[evidence().pk])  # noqa: E731
    check(request, "post", file_url, {"enterprise_user": 403, "consultant": 302}, accept)
    item_url = url_for("applications:evidence_requirement_review", requirement.pk)
    check(request, "post", item_url, {"enterprise_user": 403, "consultant": 302}, accept)
    put_in_status(evidence_application, "submitted")
    expected = {"enterprise_user": 403, "consultant": 302, "auditor": 403, "certifier": 403}
    # Each acceptance answers the item's rejection; send it back again before the next file.
    reopened_file_url = lambda: send_back(evidence_application) or file_url()  # noqa: E731
    check(request, "post", reopened_file_url, expected, accept)
    check(request, "post", item_url, expected, accept)


def test_zip_is_for_the_consultant_and_the_body(request, evidence_application, archive) -> None:
    request_url = url_for("applications:evidence_archive_request", evidence_application.pk)
    check(request, "post", request_url, {"enterprise_user": 403, "consultant": 302})
    for name in ["evidence_archive", "evidence_archive_download"]:
        check(request, "get", url_for(f"applications:{name}", archive.pk), {"enterprise_user": 403, "consultant": 200})
    put_in_status(evidence_application, "submitted")
    staff = {"enterprise_user": 403, "consultant": 302, "auditor": 302, "certifier": 302}
    check(request, "post", request_url, staff)
    readers = {"enterprise_user": 403, "consultant": 200, "auditor": 200, "certifier": 200}
    for name in ["evidence_archive", "evidence_archive_download"]:
        check(request, "get", url_for(f"applications:{name}", archive.pk), readers)


def test_another_applications_objects_are_not_found_through_mine(
    evidence_application, other_application, enterprise_user, evidence
) -> None:
    from applications.services.evidence import evidence_requirements_ensure

    evidence_requirements_ensure(other_application)
    theirs = other_application.evidence_requirements.get(item__code="1")
    client = client_for(enterprise_user)
    assert client.get(reverse("applications:evidence_requirement", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("applications:evidence", args=[other_application.pk])).status_code == 404
