"""Who reaches which page of the application forms: the allowed persona succeeds, every other
persona gets 403 (may see, may not act) or 404 (may not see), anonymous is sent to log in."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import FormRendition, PaperShipment
from applications.services.forms import rendition_process
from tests.applications.evidence_samples import pdf_bytes
from tests.conftest import client_for, put_in_status
from tests.factories import complete_evidence, forms_prepared, forms_ready, seal_photo, signature_drawing
from tests.http import streamed_body

pytestmark = pytest.mark.django_db

PERSONAS = ["enterprise_user", "other_enterprise_user", "consultant", "other_consultant", "auditor", "certifier"]


def check(request: pytest.FixtureRequest, method: str, url: str, expected: dict[str, int], data=None) -> None:
    """Each persona gets the expected status (404 unless named); anonymous is sent to log in."""
    anonymous = getattr(Client(), method)(url, data or {})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url, url
    for persona in PERSONAS:
        response = getattr(client_for(request.getfixturevalue(persona)), method)(url, data or {})
        assert response.status_code == expected.get(persona, 404), (persona, method, url, response.status_code)


@pytest.fixture
def awaiting(application, enterprise_user):
    forms_prepared(application)
    complete_evidence(application)
    put_in_status(application, "awaiting_signature")
    forms_ready(application, signed=False)
    services.enterprise_seal_save(enterprise=application.enterprise, actor=enterprise_user, content=seal_photo())
    return application


def url(name: str, *args: object) -> str:
    return reverse(f"applications:{name}", args=args)


PARTIES = {"enterprise_user": 200, "consultant": 200}
BODY = {"auditor": 200, "certifier": 200}


def test_the_forms_pages_are_for_the_parties_until_submission(request, awaiting) -> None:
    pk = awaiting.pk
    for page in [url("forms", pk), url("forms_table", pk), url("form", pk, "contract"), url("form_status", pk, "laws")]:
        check(request, "get", page, PARTIES)
    put_in_status(awaiting, "submitted")
    check(request, "get", url("forms", pk), {**PARTIES, **BODY})
    check(request, "get", url("form", pk, "managers"), {**PARTIES, **BODY})


def test_an_unknown_form_type_is_not_found(awaiting, consultant) -> None:
    assert client_for(consultant).get(f"/applications/{awaiting.pk}/forms/passport/").status_code == 404


def test_only_the_consultant_generates_and_edits_the_fields(request, awaiting) -> None:
    pk = awaiting.pk
    consultant_only = {"enterprise_user": 403, "consultant": 302}
    check(request, "post", url("forms_generate", pk), consultant_only)
    check(request, "post", url("form_generate", pk, "laws"), consultant_only)
    fields = {
        "service_description": "空调安装、维修及保养服务。",
        "excluded_indicators": "",
    }
    check(request, "post", url("form", pk, "application"), consultant_only, data=fields)
    assert awaiting.forms.get(form_type="application").data["service_description"] == "空调安装、维修及保养服务。"
    check(request, "get", url("law_row_add", pk), {"enterprise_user": 403, "consultant": 200})
    row = awaiting.forms.get(form_type="laws").law_rows.first()
    check(request, "get", url("law_row_edit", pk, row.pk), {"enterprise_user": 403, "consultant": 200})
    check(request, "post", url("law_row_delete", pk, row.pk), {"enterprise_user": 403, "consultant": 302})
    assert not type(row).objects.filter(pk=row.pk).exists()


def sign_data() -> dict[str, object]:
    drawing = "data:image/png;base64," + base64.b64encode(signature_drawing()).decode()
    return {"signer_name": "陈立", "signer_title": "总经理", "signature_data": drawing, "confirmed": "on"}


def test_only_the_enterprises_users_sign(request, awaiting) -> None:
    pk = awaiting.pk
    check(request, "get", url("form_sign", pk, "contract"), {"enterprise_user": 200, "consultant": 403})
    check(request, "post", url("form_sign", pk, "contract"), {"enterprise_user": 302, "consultant": 403}, sign_data())
    assert FormRendition.objects.filter(kind="signed", form__form_type="contract").count() == 1


def test_signing_without_a_signature_shows_the_problem_and_keeps_what_was_typed(awaiting, enterprise_user) -> None:
    data = {**sign_data(), "signature_data": ""}
    response = client_for(enterprise_user).post(url("form_sign", awaiting.pk, "contract"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "请在方框内手写签名，或上传签名图片。" in page
    assert 'value="总经理"' in page
    assert not FormRendition.objects.filter(kind="signed").exists()


def test_a_signature_image_may_be_uploaded_instead_of_drawn(awaiting, enterprise_user) -> None:
    data = {**sign_data(), "signature_data": ""}
    data["signature_file"] = SimpleUploadedFile("签名.jpg", seal_photo(), content_type="image/jpeg")
    response = client_for(enterprise_user).post(url("form_sign", awaiting.pk, "laws"), data)
    assert response.status_code == 302
    assert FormRendition.objects.filter(kind="signed", form__form_type="laws").exists()


def test_scans_are_uploaded_by_the_enterprise_and_checked_by_the_consultant(request, awaiting) -> None:
    pk = awaiting.pk
    for persona in PERSONAS:
        scan = SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")
        expected = {"enterprise_user": 302, "consultant": 403}.get(persona, 404)
        response = client_for(request.getfixturevalue(persona)).post(url("form_scan", pk, "laws"), {"scan": scan})
        assert response.status_code == expected, persona
    rendition = FormRendition.objects.get(kind="scan")
    check(
        request,
        "post",
        url("scan_review", pk, rendition.pk),
        {"enterprise_user": 403, "consultant": 302},
        {"matches": "yes"},
    )
    rendition.refresh_from_db()
    assert rendition.scan_review == "confirmed"


@pytest.fixture
def rendered_laws(awaiting, consultant) -> FormRendition:
    FormRendition.objects.filter(form__form_type="laws").delete()
    rendition = services.forms_generate(application=awaiting, actor=consultant, form_types=["laws"]).queued[0]
    assert rendition_process(rendition_id=rendition.pk, claim="test")
    rendition.refresh_from_db()
    return rendition


def test_downloads_the_parties_get_drafts_and_the_body_the_signed_package(
    request, awaiting, rendered_laws, enterprise_user
) -> None:
    pk = awaiting.pk
    check(request, "get", url("rendition", pk, rendered_laws.pk), PARTIES)
    response = client_for(enterprise_user).get(url("rendition", pk, rendered_laws.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert streamed_body(response).startswith(b"%PDF")
    services.form_sign(
        form=awaiting.forms.get(form_type="laws"), actor=enterprise_user, signer_name="陈立", signer_title="总经理",
        signature_png=signature_drawing(), confirmed=True,
    )  # fmt: skip
    signed = FormRendition.objects.get(kind="signed")
    assert rendition_process(rendition_id=signed.pk, claim="test")
    put_in_status(awaiting, "submitted")
    check(request, "get", url("rendition", pk, rendered_laws.pk), PARTIES)
    check(request, "get", url("rendition", pk, signed.pk), {**PARTIES, **BODY})


def test_a_version_not_ready_is_not_downloadable(awaiting, consultant) -> None:
    pending = FormRendition.objects.filter(kind="unsigned").first()
    FormRendition.objects.filter(pk=pending.pk).update(status="pending")
    assert client_for(consultant).get(url("rendition", awaiting.pk, pending.pk)).status_code == 404


def test_a_failed_version_is_retried_by_the_consultant(request, awaiting) -> None:
    failed = FormRendition.objects.filter(form__form_type="laws").get()
    FormRendition.objects.filter(pk=failed.pk).update(status="failed", error="OSError: boom")
    check(request, "post", url("rendition_retry", awaiting.pk, failed.pk), {"enterprise_user": 403, "consultant": 302})
    failed.refresh_from_db()
    assert failed.status == "pending"


def test_the_seal_page_and_image_are_for_the_enterprises_users(request, awaiting) -> None:
    enterprise = awaiting.enterprise
    check(request, "get", url("enterprise_seal", enterprise.pk), {"enterprise_user": 200, "consultant": 403})
    check(request, "get", url("enterprise_seal_image", enterprise.pk), {"enterprise_user": 200, "consultant": 403})
    put_in_status(awaiting, "submitted")
    check(
        request,
        "get",
        url("enterprise_seal_image", enterprise.pk),
        {"enterprise_user": 200, "consultant": 403, "auditor": 403, "certifier": 403},
    )


def test_uploading_a_seal_that_is_not_an_image_says_so_next_to_the_field(awaiting, enterprise_user) -> None:
    bad = SimpleUploadedFile("seal.png", b"not an image at all", content_type="image/png")
    response = client_for(enterprise_user).post(url("enterprise_seal", awaiting.enterprise.pk), {"image": bad})
    assert response.status_code == 200
    assert "该文件不是可以读取的图片" in response.content.decode()


def test_paper_copies_are_recorded_by_the_consultant_and_received_by_consultant_or_auditor(request, awaiting) -> None:
    pk = awaiting.pk
    put_in_status(awaiting, "submitted")
    data = {"courier": "顺丰速运", "tracking_number": "SF1234567890", "sent_on": "2026-03-02"}
    check(
        request,
        "post",
        url("shipment_add", pk),
        {"enterprise_user": 403, "consultant": 302, "auditor": 403, "certifier": 403},
        data,
    )
    assert PaperShipment.objects.count() == 1
    shipment = PaperShipment.objects.get()
    for persona, expected in [
        ("enterprise_user", 403), ("other_enterprise_user", 404), ("other_consultant", 404), ("certifier", 403),
    ]:  # fmt: skip
        response = client_for(request.getfixturevalue(persona)).post(
            url("shipment_receive", pk, shipment.pk), {"received_on": "2026-03-04"}
        )
        assert response.status_code == expected, persona
    response = client_for(request.getfixturevalue("auditor")).post(
        url("shipment_receive", pk, shipment.pk), {"received_on": "2026-03-04"}
    )
    assert response.status_code == 302
    assert PaperShipment.objects.get().received_on == datetime.date(2026, 3, 4)


def test_the_consultant_submits_through_the_application_page_once_everything_is_signed(awaiting, consultant) -> None:
    forms_ready(awaiting, signed=True)
    response = client_for(consultant).post(url("transition", awaiting.pk), {"target": "submitted"})
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == "submitted"


def test_the_forms_page_needs_a_fixed_number_of_queries(awaiting, consultant, django_assert_max_num_queries) -> None:
    client = client_for(consultant)
    client.get(url("forms", awaiting.pk))
    with django_assert_max_num_queries(16):
        client.get(url("forms", awaiting.pk))
    for _ in range(3):
        forms_ready(awaiting, signed=True)
    with django_assert_max_num_queries(16):
        response = client.get(url("forms", awaiting.pk))
    assert response.status_code == 200


def test_a_bad_shipment_keeps_what_was_typed_and_says_what_is_wrong(awaiting, consultant) -> None:
    put_in_status(awaiting, "submitted")
    data = {"courier": "顺丰速运", "tracking_number": "", "sent_on": "2099-01-01"}
    response = client_for(consultant).post(url("shipment_add", awaiting.pk), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="顺丰速运"' in page
    assert "日期不能晚于今天。" in page
    assert page.count("is-invalid") == 2
    assert not PaperShipment.objects.exists()


def test_an_uploaded_scan_downloads_only_as_an_attachment_generated_versions_open_inline(
    awaiting, enterprise_user, rendered_laws
) -> None:
    from tests.applications.evidence_samples import pdf_bytes

    scan = SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")
    client = client_for(enterprise_user)
    assert client.post(url("form_scan", awaiting.pk, "laws"), {"scan": scan}).status_code == 302
    uploaded = FormRendition.objects.get(kind="scan")
    response = client.get(url("rendition", awaiting.pk, uploaded.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert client.get(url("rendition", awaiting.pk, rendered_laws.pk))["Content-Disposition"].startswith("inline")
