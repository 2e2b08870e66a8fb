"""The forms in the workflow: all six generated before they go out for signature, all six signed
(and not outdated) before submission; the application page shows where the forms stand."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import ApplicationForm, FormRendition
from tests.applications.evidence_samples import pdf_bytes
from tests.conftest import client_for, put_in_status
from tests.factories import complete_evidence, forms_prepared, forms_ready

pytestmark = pytest.mark.django_db

ALL_SIX = "、".join(
    [
        "企业基本信息表",
        "服务认证申请书",
        "服务认证合同",
        "相关法律法规及所售产品质量标准清单",
        "售后服务管理师名单",
        "远程审核申请表",
    ]
)


def test_the_forms_go_out_for_signature_only_once_all_six_are_generated(application, consultant) -> None:
    forms_prepared(application)
    with pytest.raises(services.TransitionError) as refused:
        services.application_transition(application=application, actor=consultant, target="awaiting_signature")
    assert refused.value.messages == [f"请先用当前资料生成以下表格：{ALL_SIX}。"]
    forms_ready(application, signed=False)
    FormRendition.objects.filter(form__form_type="laws").update(status=FormRendition.Status.RENDERING)
    with pytest.raises(
        services.TransitionError, match="请先用当前资料生成以下表格：相关法律法规及所售产品质量标准清单。"
    ):
        services.application_transition(application=application, actor=consultant, target="awaiting_signature")
    FormRendition.objects.filter(form__form_type="laws").update(status=FormRendition.Status.READY)
    services.application_transition(application=application, actor=consultant, target="awaiting_signature")
    application.refresh_from_db()
    assert application.status == "awaiting_signature"


def test_submission_needs_every_form_signed(application, consultant) -> None:
    forms_prepared(application)
    complete_evidence(application)
    put_in_status(application, "awaiting_signature")
    forms_ready(application, signed=False)
    with pytest.raises(services.TransitionError) as refused:
        services.application_transition(application=application, actor=consultant, target="submitted")
    assert refused.value.messages == [f"申请文件尚未全部签署。尚未签署：{ALL_SIX}。"]


def test_submission_names_outdated_signatures_and_unchecked_scans(application, consultant, enterprise_user) -> None:
    forms_prepared(application)
    complete_evidence(application)
    put_in_status(application, "awaiting_signature")
    forms_ready(application, signed=True)
    FormRendition.objects.filter(form__form_type__in=["laws", "remote_audit"], kind="signed").delete()
    remote = application.forms.get(form_type="remote_audit")
    scan = SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")
    services.form_scan_upload(form=remote, actor=enterprise_user, upload=scan)
    ApplicationForm.objects.filter(pk=application.forms.get(form_type="contract").pk).update(
        data={**application.forms.get(form_type="contract").data, "audit_fee": "30000"}
    )
    with pytest.raises(services.TransitionError) as refused:
        services.application_transition(application=application, actor=consultant, target="submitted")
    assert refused.value.messages == [
        "申请文件尚未全部签署。尚未签署：相关法律法规及所售产品质量标准清单；"
        "签署后资料有变更，需重新生成并签署：服务认证合同；"
        "扫描件待咨询老师核对：远程审核申请表。"
    ]


def test_confirmed_scans_and_signed_versions_let_the_consultant_submit(
    application, consultant, enterprise_user
) -> None:
    forms_prepared(application)
    complete_evidence(application)
    put_in_status(application, "awaiting_signature")
    forms_ready(application, signed=True)
    FormRendition.objects.filter(form__form_type="laws", kind="signed").delete()
    laws = application.forms.get(form_type="laws")
    scan = services.form_scan_upload(
        form=laws,
        actor=enterprise_user,
        upload=SimpleUploadedFile("s.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    services.form_scan_review(scan=scan, actor=consultant, matches=True)
    services.application_transition(application=application, actor=consultant, target="submitted")
    application.refresh_from_db()
    assert application.status == "submitted" and application.submitted_at is not None


def test_resubmission_after_return_checks_the_signatures_again(application, consultant) -> None:
    forms_prepared(application)
    complete_evidence(application)
    put_in_status(application, "returned")
    forms_ready(application, signed=True)
    application.enterprise.service_hotline = "400-999-0000"
    application.enterprise.save()
    with pytest.raises(services.TransitionError, match="签署后资料有变更"):
        services.application_transition(application=application, actor=consultant, target="submitted")


def test_the_application_page_shows_the_forms_card_and_why_submission_waits(application, consultant) -> None:
    forms_prepared(application)
    put_in_status(application, "awaiting_signature")
    forms_ready(application, signed=False)
    page = client_for(consultant).get(f"/applications/{application.pk}/").content.decode()
    assert 'id="forms-card"' in page
    assert 'id="forms-signed-count">0/6' in page
    assert "申请文件尚未全部签署" in page


def test_no_forms_card_before_form_preparation(application, enterprise_user) -> None:
    page = client_for(enterprise_user).get(f"/applications/{application.pk}/").content.decode()
    assert 'id="forms-card"' not in page


def test_the_timeline_tells_what_happened_to_the_forms(application, consultant, enterprise_user) -> None:
    import datetime

    forms_prepared(application)
    services.forms_generate(application=application, actor=consultant, form_types=["contract", "laws"])
    put_in_status(application, "submitted")
    shipment = services.paper_shipment_record(
        application=application, actor=consultant, courier="顺丰速运", tracking_number="SF123",
        sent_on=datetime.date(2026, 3, 2),
    )  # fmt: skip
    services.paper_shipment_receive(shipment=shipment, actor=consultant, received_on=datetime.date(2026, 3, 4))
    page = client_for(enterprise_user).get(f"/applications/{application.pk}/").content.decode()
    assert "申请文件已生成</strong>: 服务认证合同 v1、相关法律法规及所售产品质量标准清单 v1" in page
    assert "纸质文件已寄出</strong>: 顺丰速运 SF123 · 2026-03-02" in page
    assert "纸质文件已签收</strong>: SF123 · 2026-03-04" in page


def test_submission_waits_for_the_signed_versions_to_be_generated(application, consultant) -> None:
    forms_prepared(application)
    complete_evidence(application)
    put_in_status(application, "awaiting_signature")
    forms_ready(application, signed=True)
    FormRendition.objects.filter(form__form_type="managers", kind="signed").update(status=FormRendition.Status.PENDING)
    with pytest.raises(services.TransitionError) as refused:
        services.application_transition(application=application, actor=consultant, target="submitted")
    assert refused.value.messages == [
        "申请文件尚未全部签署。已签署，但签署版尚未就绪（正在生成或生成失败）：售后服务管理师名单。"
    ]


def test_the_admin_shows_the_forms_and_their_versions(application, superuser) -> None:
    forms_prepared(application)
    forms_ready(application, signed=True)
    client = client_for(superuser)
    for path in ["/admin/applications/applicationform/", "/admin/applications/formrendition/",
                 "/admin/applications/papershipment/"]:  # fmt: skip
        assert client.get(path).status_code == 200, path
    form = application.forms.get(form_type="laws")
    assert client.get(f"/admin/applications/applicationform/{form.pk}/change/").status_code == 200
    rendition = FormRendition.objects.first()
    assert client.get(f"/admin/applications/formrendition/{rendition.pk}/change/").status_code == 200
