"""Preparing, generating and signing the forms: versions, the data fingerprint and outdated
signatures, scans and their check, the company seal, and the paper copies."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from applications import services
from applications.models import (
    ApplicationEvent,
    ApplicationForm,
    FormRendition,
    FormSignature,
    FormType,
    LawStandardRow,
    PaperShipment,
)
from applications.services.forms import form_state
from tests.applications.evidence_samples import pdf_bytes
from tests.conftest import put_in_status
from tests.factories import (
    VALID_ID_FEMALE,
    ProductFactory,
    ServiceManagerFactory,
    forms_prepared,
    forms_ready,
    seal_photo,
    signature_drawing,
)
from tests.helpers import pixel

pytestmark = pytest.mark.django_db

Status = FormRendition.Status


def states_by_type(application) -> dict[str, services.forms.FormState]:
    return {state.form_type.value: state for state in services.forms_overview(application)}


# --- The six forms and generation --------------------------------------------------------------


def test_starting_form_preparation_sets_up_the_six_forms_with_the_default_laws(
    application, consultant, django_capture_on_commit_callbacks
) -> None:
    put_in_status(application, "info_submitted")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(application=application, actor=consultant, target="forms_preparation")
    assert sorted(application.forms.values_list("form_type", flat=True)) == sorted(FormType.values)
    laws = application.forms.get(form_type=FormType.LAWS)
    assert "中华人民共和国产品质量法" in laws.law_rows.values_list("name", flat=True)
    services.application_forms_ensure(application=application)
    assert application.forms.count() == 6, "ensuring again creates nothing"


def test_generating_queues_one_version_per_form_after_commit(
    application, consultant, django_capture_on_commit_callbacks
) -> None:
    forms_prepared(application)
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.forms_generate(application=application, actor=consultant)
    assert len(result.queued) == 6 and not result.skipped
    assert len(callbacks) == 6, "each version is sent to the worker once the transaction has committed"
    assert set(FormRendition.objects.values_list("status", "kind", "version")) == {("pending", "unsigned", 1)}
    event = application.events.get(kind=ApplicationEvent.Kind.FORMS_GENERATED)
    assert [item["form"] for item in event.data["forms"]] == FormType.values


def test_asking_twice_with_the_same_data_gives_one_version(application, consultant) -> None:
    forms_prepared(application)
    first = services.forms_generate(application=application, actor=consultant)
    second = services.forms_generate(application=application, actor=consultant)
    assert second.queued == [] and len(second.unchanged) == 6
    assert FormRendition.objects.count() == 6
    assert [r.pk for r in second.unchanged] == [r.pk for r in first.queued]
    assert application.events.filter(kind=ApplicationEvent.Kind.FORMS_GENERATED).count() == 1


def test_a_failed_version_is_replaced_by_a_new_one(application, consultant) -> None:
    forms_prepared(application)
    services.forms_generate(application=application, actor=consultant, form_types=["laws"])
    FormRendition.objects.update(status=Status.FAILED, error="OSError: disk full")
    result = services.forms_generate(application=application, actor=consultant, form_types=["laws"])
    assert [r.version for r in result.queued] == [2]


def test_the_contract_waits_for_the_fees(application, consultant) -> None:
    forms_prepared(application)
    ApplicationForm.objects.filter(application=application, form_type="contract").update(data={})
    result = services.forms_generate(application=application, actor=consultant)
    assert len(result.queued) == 5
    assert list(result.skipped) == ["服务认证合同"]
    assert "审核费" in result.skipped["服务认证合同"]


def test_only_the_assigned_consultant_generates_and_only_while_preparing(
    application, enterprise_user, other_consultant, consultant
) -> None:
    forms_prepared(application)
    for user in (enterprise_user, other_consultant):
        with pytest.raises(PermissionDenied):
            services.forms_generate(application=application, actor=user)
    put_in_status(application, "submitted")
    with pytest.raises(ValidationError, match="准备申请文件阶段"):
        services.forms_generate(application=application, actor=consultant)
    assert not FormRendition.objects.exists()


def test_saving_the_consultants_fields_generates_the_form_again(application, consultant) -> None:
    forms_prepared(application)
    contract = application.forms.get(form_type="contract")
    services.form_data_save(form=contract, actor=consultant, data={**contract.data, "audit_fee": "20000"})
    rendition = FormRendition.objects.get()
    assert rendition.form == contract
    assert rendition.context["fees"]["audit_fee"] == "20,000.00"


def test_law_rows_apply_only_to_products_in_the_scope(application, consultant) -> None:
    forms_prepared(application)
    laws = application.forms.get(form_type="laws")
    outsider = ProductFactory(enterprise=application.enterprise)
    row = LawStandardRow(form=laws, name="GB 4706.1")
    with pytest.raises(ValidationError):
        services.law_row_save(row=row, actor=consultant, products=[outsider])
    services.law_row_save(row=row, actor=consultant, products=list(application.scope.all()))
    assert list(row.products.all()) == list(application.scope.all())


# --- The fingerprint: signed forms become outdated when what they show changes -------------------


@pytest.fixture
def signed_application(application):
    forms_prepared(application)
    put_in_status(application, "awaiting_signature")
    forms_ready(application, signed=True)
    assert all(state.signed for state in services.forms_overview(application))
    return application


def outdated(application) -> set[str]:
    return {slug for slug, state in states_by_type(application).items() if state.signature_outdated}


def test_nothing_is_outdated_when_nothing_changed(signed_application) -> None:
    assert outdated(signed_application) == set()


def test_a_new_website_outdates_the_forms_that_show_it(signed_application) -> None:
    enterprise = signed_application.enterprise
    enterprise.website = "https://www.new.example.cn"
    enterprise.save()
    assert outdated(signed_application) == {"basic_info", "application", "contract", "remote_audit"}
    state = states_by_type(signed_application)["contract"]
    assert not state.signed and state.needs_generation


def test_a_new_manager_outdates_the_roster_and_the_basic_information(signed_application) -> None:
    ServiceManagerFactory(
        enterprise=signed_application.enterprise, name="陈晓红", gender="female", id_number=VALID_ID_FEMALE
    )
    assert outdated(signed_application) == {"managers", "basic_info"}


def test_a_changed_scope_outdates_every_form(signed_application, enterprise_user) -> None:
    signed_application.scope.add(ProductFactory(enterprise=signed_application.enterprise, name="除湿机"))
    assert outdated(signed_application) == set(FormType.values)


def test_a_consultant_field_outdates_only_its_form(signed_application) -> None:
    laws = signed_application.forms.get(form_type="laws")
    LawStandardRow.objects.create(form=laws, name="GB 4706.1-2005 家用电器安全")
    assert outdated(signed_application) == {"laws"}


def test_the_certification_bodys_name_is_part_of_every_form(signed_application, settings) -> None:
    settings.CERTIFICATION_BODY_NAME = "另一家认证机构"
    assert outdated(signed_application) == set(FormType.values)


def test_the_fingerprint_does_not_depend_on_the_language_of_the_viewer(signed_application) -> None:
    from django.utils import translation

    with translation.override("en"):
        assert outdated(signed_application) == set()


# --- Signing --------------------------------------------------------------------------------


@pytest.fixture
def awaiting(application, enterprise_user):
    """Generated (not signed) forms at 'awaiting signature', and the enterprise's seal uploaded."""
    forms_prepared(application)
    put_in_status(application, "awaiting_signature")
    forms_ready(application, signed=False)
    services.enterprise_seal_save(enterprise=application.enterprise, actor=enterprise_user, content=seal_photo())
    return application


def sign(application, user, form_type: str = "contract", **changes):
    arguments = {
        "form": application.forms.get(form_type=form_type),
        "actor": user,
        "signer_name": "陈立",
        "signer_title": "总经理",
        "signature_png": signature_drawing(),
        "confirmed": True,
        **changes,
    }
    return services.form_sign(**arguments)


def test_signing_records_signer_seal_signature_and_the_unsigned_hash(
    awaiting, enterprise_user, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        signed = sign(awaiting, enterprise_user)
    assert len(callbacks) == 1, "the signed version is rendered by the worker"
    signature = FormSignature.objects.get()
    unsigned = signed.source
    assert (signed.kind, signed.status, unsigned.kind) == ("signed", "pending", "unsigned")
    assert signature.unsigned_sha256 == unsigned.sha256
    assert (signature.signer_name, signature.signer_title, signature.signed_by) == ("陈立", "总经理", enterprise_user)
    with signature.seal.open("rb") as handle:
        assert Image.open(handle).mode == "RGBA"
    assert signature.seal.name != awaiting.enterprise.seal.name, "the seal is kept as it was when signing"
    event = awaiting.events.get(kind=ApplicationEvent.Kind.FORM_SIGNED)
    assert event.data == {"form": "contract", "version": signed.version, "signer": "陈立"}


def test_a_replaced_seal_leaves_earlier_signatures_alone(awaiting, enterprise_user) -> None:
    sign(awaiting, enterprise_user)
    kept = FormSignature.objects.get().seal.name
    services.enterprise_seal_save(enterprise=awaiting.enterprise, actor=enterprise_user, content=seal_photo(size=300))
    signature = FormSignature.objects.get()
    assert signature.seal.name == kept and signature.seal.storage.exists(kept)


def test_signing_needs_an_explicit_confirmation(awaiting, enterprise_user) -> None:
    with pytest.raises(ValidationError, match="确认"):
        sign(awaiting, enterprise_user, confirmed=False)
    assert not FormSignature.objects.exists()


def test_signing_needs_the_company_seal(awaiting, enterprise_user) -> None:
    type(awaiting.enterprise).objects.filter(pk=awaiting.enterprise_id).update(seal="")
    awaiting.enterprise.refresh_from_db()
    with pytest.raises(ValidationError, match="公章"):
        sign(awaiting, enterprise_user)


def test_a_form_whose_data_changed_cannot_be_signed_until_generated_again(awaiting, enterprise_user) -> None:
    awaiting.enterprise.legal_representative = "王五"
    awaiting.enterprise.save()
    with pytest.raises(ValidationError, match="重新生成"):
        sign(awaiting, enterprise_user)


def test_only_the_enterprises_users_sign_and_only_when_sent_for_signature(
    awaiting, consultant, other_enterprise_user, enterprise_user
) -> None:
    for user in (consultant, other_enterprise_user):
        with pytest.raises(PermissionDenied):
            sign(awaiting, user)
    put_in_status(awaiting, "forms_preparation")
    with pytest.raises(ValidationError, match="发给企业签署后"):
        sign(awaiting, enterprise_user)


def test_changing_the_data_after_signing_asks_for_a_new_signature(awaiting, enterprise_user, consultant) -> None:
    signed = sign(awaiting, enterprise_user)
    FormRendition.objects.filter(pk=signed.pk).update(status=Status.READY)
    assert form_state(awaiting, "contract").signed
    contract = awaiting.forms.get(form_type="contract")
    services.form_data_save(form=contract, actor=consultant, data={**contract.data, "audit_fee": "25000"})
    state = form_state(awaiting, "contract")
    assert state.signature_outdated and not state.signed
    assert state.latest.version == signed.version + 1 and state.latest.status == Status.PENDING


# --- Scans ------------------------------------------------------------------------------------


def scan_file(name: str = "合同扫描.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(2), content_type="application/pdf")


def test_a_scan_counts_once_the_consultant_confirms_it(awaiting, enterprise_user, consultant) -> None:
    scan = services.form_scan_upload(
        form=awaiting.forms.get(form_type="laws"), actor=enterprise_user, upload=scan_file()
    )
    assert (scan.kind, scan.status, scan.scan_review) == ("scan", "ready", "waiting")
    assert scan.original_name == "合同扫描.pdf" and len(scan.sha256) == 64 and scan.file.name.endswith(".pdf")
    state = form_state(awaiting, "laws")
    assert state.scan_waiting and not state.signed
    services.form_scan_review(scan=scan, actor=consultant, matches=True)
    assert form_state(awaiting, "laws").signed
    with pytest.raises(ValidationError, match="已核对"):
        services.form_scan_review(scan=scan, actor=consultant, matches=True)


def test_a_rejected_scan_needs_a_reason_and_leaves_the_form_unsigned(awaiting, enterprise_user, consultant) -> None:
    scan = services.form_scan_upload(
        form=awaiting.forms.get(form_type="laws"), actor=enterprise_user, upload=scan_file()
    )
    with pytest.raises(ValidationError, match="不一致"):
        services.form_scan_review(scan=scan, actor=consultant, matches=False)
    services.form_scan_review(scan=scan, actor=consultant, matches=False, comment="缺少公章")
    state = form_state(awaiting, "laws")
    assert state.signature is None and not state.signed
    assert awaiting.events.get(kind=ApplicationEvent.Kind.SCAN_REJECTED).comment == "缺少公章"


def test_only_pdf_and_images_are_accepted_as_scans(awaiting, enterprise_user) -> None:
    upload = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    with pytest.raises(ValidationError, match="PDF、JPEG 或 PNG"):
        services.form_scan_upload(form=awaiting.forms.get(form_type="laws"), actor=enterprise_user, upload=upload)


def test_only_the_consultant_checks_scans(awaiting, enterprise_user) -> None:
    scan = services.form_scan_upload(
        form=awaiting.forms.get(form_type="laws"), actor=enterprise_user, upload=scan_file()
    )
    with pytest.raises(PermissionDenied):
        services.form_scan_review(scan=scan, actor=enterprise_user, matches=True)


# --- Paper copies ------------------------------------------------------------------------------


def test_paper_copies_are_recorded_after_submission(application, consultant, auditor, enterprise_user) -> None:
    sent_on = datetime.date(2026, 3, 2)
    with pytest.raises(ValidationError, match="提交后"):
        services.paper_shipment_record(
            application=application, actor=consultant, courier="顺丰速运", tracking_number="SF1", sent_on=sent_on
        )
    put_in_status(application, "submitted")
    with pytest.raises(PermissionDenied):
        services.paper_shipment_record(
            application=application, actor=enterprise_user, courier="顺丰速运", tracking_number="SF1", sent_on=sent_on
        )
    shipment = services.paper_shipment_record(
        application=application, actor=consultant, courier=" 顺丰速运 ", tracking_number="SF1234567890", sent_on=sent_on
    )
    assert shipment.courier == "顺丰速运"
    with pytest.raises(ValidationError, match="早于"):
        services.paper_shipment_receive(shipment=shipment, actor=auditor, received_on=datetime.date(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        services.paper_shipment_receive(shipment=shipment, actor=enterprise_user, received_on=sent_on)
    services.paper_shipment_receive(shipment=shipment, actor=auditor, received_on=datetime.date(2026, 3, 4))
    assert PaperShipment.objects.get().received_on == datetime.date(2026, 3, 4)
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["paper_sent", "paper_received"]
    with pytest.raises(ValidationError, match="已登记"):
        services.paper_shipment_receive(shipment=shipment, actor=consultant, received_on=datetime.date(2026, 3, 5))


# --- The seal ---------------------------------------------------------------------------------


def test_the_seal_is_stored_transparent_and_only_members_upload_it(
    application, enterprise_user, consultant, django_capture_on_commit_callbacks
) -> None:
    enterprise = application.enterprise
    with pytest.raises(PermissionDenied):
        services.enterprise_seal_save(enterprise=enterprise, actor=consultant, content=seal_photo())
    services.enterprise_seal_save(enterprise=enterprise, actor=enterprise_user, content=seal_photo())
    first = enterprise.seal.name
    with enterprise.seal.open("rb") as handle:
        image = Image.open(handle)
        assert image.format == "PNG" and pixel(image, (1, 1))[3] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.enterprise_seal_save(enterprise=enterprise, actor=enterprise_user, content=seal_photo(size=300))
    assert enterprise.seal.name != first
    assert not enterprise.seal.storage.exists(first), "the replaced seal is deleted"
