"""Complaints (投诉): filed from the public certificate page (honeypot, rate limit, upload check) or by
the holder's signed-in user; assigned by the body manager to someone not involved (the refusal says
why); answered before the deadline, the answer sent to the complainant; an outcome that requests a
special surveillance goes on the certificate's history."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application
from audits import services
from audits.models import CaseStatus, Certificate, CertificateEvent, CertificationDecision, Complaint
from audits.services import complaints
from certportal.accounts.models import User
from certportal.models import OutgoingEmail
from notifications.models import Kind, Notification
from tests.applications.evidence_samples import pdf_bytes, upload
from tests.audits.conftest import finish_rounds
from tests.conftest import client_for, put_in_status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The refusals are read in English here; pages answer in each user's language."""
    with translation.override("en"):
        yield


TEXT = "售后服务电话长期无人接听，维修承诺未兑现。"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def body_manager(db):
    return UserFactory(username="manager-a", role=User.Role.BODY_MANAGER, full_name="机构负责人甲")


@pytest.fixture
def independent_auditor(db):
    return UserFactory(username="auditor-free", role=User.Role.AUDITOR, full_name="独立审核员")


@pytest.fixture
def certificate(application, auditor, certifier) -> Certificate:
    """Enterprise A's certificate: `auditor` ran its audits, `certifier` decided."""
    put_in_status(application, Application.Status.SUBMITTED)
    finish_rounds(application, auditor)
    put_in_status(application, Application.Status.CERTIFIED)
    decision = CertificationDecision.objects.create(
        application=application, outcome="certified", certifier=certifier, score=Decimal("925.50"),
        computed_star_level=4, star_level=4,
    )  # fmt: skip
    return services.certificate_issue(application=application, decision=decision, actor=certifier)


def public_url(certificate: Certificate) -> str:
    return reverse("verify_complaint", kwargs={"number": certificate.number})


def public_post(client, certificate: Certificate, **extra):
    data = {"about": "holder", "name": "张三", "email": "zhang@example.com", "phone": "13800000000", "text": TEXT}
    return client.post(public_url(certificate), {**data, **extra})


def filed(certificate: Certificate, **values) -> Complaint:
    filing = complaints.ComplaintFiling(about="holder", name="张三", email="zhang@example.com", text=TEXT, **values)
    return complaints.complaint_file(certificate=certificate, filing=filing)


# --- Filing ---------------------------------------------------------------------------------------------


def test_the_public_page_links_to_the_complaint_form(client, certificate) -> None:
    page = client.get(reverse("verify_certificate", kwargs={"number": certificate.number}))
    assert public_url(certificate) in page.content.decode()
    form = client.get(public_url(certificate))
    assert form.status_code == 200 and 'name="website"' in form.content.decode()


def test_a_member_of_the_public_files_a_complaint_with_a_deadline_and_a_receipt(
    client, certificate, body_manager, settings
) -> None:
    settings.COMPLAINT_ANSWER_DAYS = 30
    response = public_post(client, certificate, files=[upload("照片.pdf", pdf_bytes())])
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    complaint = Complaint.objects.get()
    assert complaint.status == CaseStatus.RECEIVED and complaint.filed_by is None
    assert complaint.due_on == timezone.localdate() + datetime.timedelta(days=30)
    assert [each.original_name for each in complaint.files.all()] == ["照片.pdf"]
    receipt = OutgoingEmail.objects.get(to=["zhang@example.com"])
    assert complaint.reference in receipt.subject and complaint.due_on.isoformat() in receipt.body_text
    assert Notification.objects.filter(recipient=body_manager, kind=Kind.COMPLAINT_RECEIVED).exists()
    sent = client.get(response["Location"])
    assert 'id="complaint-sent"' in sent.content.decode()


def test_a_filled_in_honeypot_is_thanked_and_dropped(client, certificate) -> None:
    response = public_post(client, certificate, website="http://spam.example")
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    assert not Complaint.objects.exists()
    assert not OutgoingEmail.objects.filter(to=["zhang@example.com"]).exists()


def test_public_complaints_are_rate_limited_per_address(client, certificate, settings) -> None:
    settings.COMPLAINT_RATE = "2/m"
    assert public_post(client, certificate).status_code == 302
    assert public_post(client, certificate).status_code == 302
    assert public_post(client, certificate).status_code == 429
    assert Complaint.objects.count() == 2


def test_an_attachment_that_is_not_what_it_claims_refuses_the_complaint(client, certificate, private_media) -> None:
    response = public_post(client, certificate, files=[upload("证据.pdf", b"MZ\x90\x00 not a pdf at all")])
    assert response.status_code == 200
    assert "证据.pdf" in response.context["form"].errors["files"][0]
    assert not Complaint.objects.exists()
    stored = private_media / "audits" / "complaints"
    assert not stored.exists() or not any(each.is_file() for each in stored.rglob("*"))


def test_an_unknown_certificate_has_no_complaint_form(client) -> None:
    assert client.get(reverse("verify_complaint", kwargs={"number": "CSA-1900-SV-00000"})).status_code == 404


def test_the_holders_user_files_a_complaint_from_their_certificate_page(
    enterprise_user, other_enterprise_user, certificate
) -> None:
    page = client_for(enterprise_user).get(reverse("audits:certificate", args=[certificate.pk]))
    url = reverse("audits:complaint_holder", args=[certificate.pk])
    assert url in page.content.decode()
    response = client_for(enterprise_user).post(url, {"about": "body", "name": "陈", "email": "c@example.com",
                                                      "text": "审核员迟到两小时。"})  # fmt: skip
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("audits:complaint", args=[complaint.pk])
    assert complaint.filed_by == enterprise_user and complaint.about == "body"
    assert client_for(enterprise_user).get(response["Location"]).status_code == 200
    assert client_for(other_enterprise_user).get(url).status_code == 404


# --- Assignment ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "reason"),
    [("auditor", "audit team"), ("certifier", "made the decision"), ("consultant", "consultant")],
)
def test_assignment_to_someone_involved_is_refused_with_the_reason(
    request, certificate, body_manager, who, reason
) -> None:
    person = request.getfixturevalue(who)
    complaint = filed(certificate)
    problem = complaints.complaint_assign_problem(complaint, body_manager, person)
    assert problem is not None and (reason in problem or who == "consultant")
    url = reverse("audits:complaint_assign", args=[complaint.pk])
    response = client_for(body_manager).post(url, {"assignee": person.pk})
    complaint.refresh_from_db()
    assert complaint.assigned_to is None
    if who == "consultant":  # not body staff: not even offered
        assert "assignee" in response.context["assign_form"].errors
    else:
        with translation.override("zh-hans"):
            shown = complaints.complaint_assign_problem(complaint, body_manager, person)
        assert shown in response.content.decode()


def test_the_body_manager_assigns_to_someone_independent_who_is_told(
    certificate, body_manager, independent_auditor
) -> None:
    complaint = filed(certificate)
    url = reverse("audits:complaint_assign", args=[complaint.pk])
    response = client_for(body_manager).post(url, {"assignee": independent_auditor.pk})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.ASSIGNED and complaint.assigned_to == independent_auditor
    assert Notification.objects.filter(recipient=independent_auditor, kind=Kind.COMPLAINT_ASSIGNED).exists()


def test_only_the_body_manager_assigns(certificate, certifier, independent_auditor) -> None:
    complaint = filed(certificate)
    with pytest.raises(PermissionDenied):
        complaints.complaint_assign(complaint=complaint, actor=certifier, assignee=independent_auditor)


# --- Answer and outcome ------------------------------------------------------------------------------


def assigned(certificate, body_manager, handler, **values) -> Complaint:
    complaint = filed(certificate, **values)
    complaints.complaint_assign(complaint=complaint, actor=body_manager, assignee=handler)
    complaint.refresh_from_db()
    return complaint


def test_the_answer_is_emailed_to_the_public_complainant_and_closes_the_complaint(
    certificate, body_manager, independent_auditor
) -> None:
    complaint = assigned(certificate, body_manager, independent_auditor)
    url = reverse("audits:complaint_answer", args=[complaint.pk])
    response = client_for(independent_auditor).post(url, {"outcome": "not_upheld", "answer": "经核查，热线记录正常。"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.CLOSED and complaint.outcome == "not_upheld"
    receipt, answer = OutgoingEmail.objects.filter(to=["zhang@example.com"]).order_by("pk")
    assert complaint.reference in answer.subject and answer.subject != receipt.subject
    assert "经核查，热线记录正常。" in answer.body_text
    assert not CertificateEvent.objects.filter(kind=CertificateEvent.Kind.SPECIAL_SURVEILLANCE).exists()


def test_an_outcome_may_request_a_special_surveillance_on_the_certificates_history(
    certificate, body_manager, independent_auditor
) -> None:
    complaint = assigned(certificate, body_manager, independent_auditor)
    complaints.complaint_answer(
        complaint=complaint, actor=independent_auditor, answer="投诉属实。", outcome="upheld", special_surveillance=True
    )
    event = CertificateEvent.objects.get(certificate=certificate, kind=CertificateEvent.Kind.SPECIAL_SURVEILLANCE)
    assert event.actor == independent_auditor and event.data["complaint"] == complaint.pk
    page = client_for(body_manager).get(reverse("audits:certificate", args=[certificate.pk]))
    assert "已申请专项监督" in page.content.decode()


def test_a_signed_in_filer_is_told_through_the_portal(
    enterprise_user, certificate, body_manager, independent_auditor
) -> None:
    filing = complaints.ComplaintFiling(about="body", name="陈", email="c@example.com", text=TEXT)
    complaint = complaints.complaint_file(certificate=certificate, filing=filing, actor=enterprise_user)
    complaints.complaint_assign(complaint=complaint, actor=body_manager, assignee=independent_auditor)
    complaint.refresh_from_db()
    complaints.complaint_answer(complaint=complaint, actor=independent_auditor, answer="已改进。", outcome="upheld")
    assert Notification.objects.filter(recipient=enterprise_user, kind=Kind.COMPLAINT_ANSWERED).exists()


def test_only_the_handler_answers_and_only_once(certificate, body_manager, independent_auditor) -> None:
    complaint = assigned(certificate, body_manager, independent_auditor)
    url = reverse("audits:complaint_answer", args=[complaint.pk])
    assert client_for(body_manager).post(url, {"outcome": "upheld", "answer": "x"}).status_code == 403
    complaints.complaint_answer(complaint=complaint, actor=independent_auditor, answer="答复", outcome="upheld")
    complaint.refresh_from_db()
    with pytest.raises(ValidationError):
        complaints.complaint_answer(complaint=complaint, actor=independent_auditor, answer="再答", outcome="upheld")
    assert complaints.complaint_assign_problem(complaint, body_manager) is not None


def test_the_complaint_page_shows_its_deadline_and_files_to_the_manager(
    certificate, body_manager, django_assert_max_num_queries
) -> None:
    complaint = filed(certificate, files=[upload("a.pdf", pdf_bytes())])
    client = client_for(body_manager)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("audits:complaint", args=[complaint.pk]))
    assert complaint.due_on.isoformat() in page.content.decode()
    attached = complaint.files.get()
    download = client.get(reverse("audits:complaint_file", args=[attached.pk]))
    assert download.status_code == 200
