"""Findings: raised against an indicator, answered with evidence by the enterprise or its consultant,
verified by an auditor; open serious nonconformities block certification (not refusal)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import workflow
from applications.models import Application, ApplicationEvent
from audits import services
from audits.models import Finding, FindingEvidence, Indicator
from certportal.models import OutgoingEmail
from tests.applications.evidence_samples import ooxml_bytes, pdf_bytes
from tests.audits.conftest import in_audits, ready_for_decision
from tests.conftest import client_for
from tests.http import streamed_body

pytestmark = pytest.mark.django_db

Status = Application.Status
SOON = timezone.localdate() + datetime.timedelta(days=14)


def raise_finding(application, auditor, grade: str = Finding.Grade.GENERAL, code: str = "5.2.4") -> Finding:
    indicator = application.score_sheet.version.indicators.get(code=code)
    return services.finding_raise(
        application=application, actor=auditor, indicator=indicator, grade=grade,
        description="抽查 4 份维修记录，1 份缺少客户签字。", deadline=SOON,
    )  # fmt: skip


def test_raising_a_finding_numbers_it_and_tells_the_enterprise(
    application, auditor, enterprise_user, consultant
) -> None:
    in_audits(application)
    first = raise_finding(application, auditor, Finding.Grade.SERIOUS)
    second = raise_finding(application, auditor, Finding.Grade.OBSERVATION, code="5.1.1")
    assert (first.code, second.code) == ("NC-01", "OB-02")
    assert first.status == Finding.Status.OPEN
    recipients = {email.to[0] for email in OutgoingEmail.objects.filter(subject__contains="NC-01")}
    assert recipients == {enterprise_user.email, consultant.email}
    event = application.events.filter(kind=ApplicationEvent.Kind.FINDING_RAISED).first()
    assert event.data == {"code": "NC-01", "grade": "serious", "indicator": "5.2.4"}


def test_a_finding_is_tied_to_an_indicator_of_the_applications_sheet(application, auditor) -> None:
    in_audits(application)
    first_level = Indicator.objects.get(version=application.score_sheet.version, code="5.2")
    with pytest.raises(ValidationError) as error:
        services.finding_raise(application=application, actor=auditor, indicator=first_level, grade="general",
                               description="x", deadline=SOON)  # fmt: skip
    assert "indicator" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.finding_raise(
            application=application, actor=auditor, grade="general", description="x",
            indicator=application.score_sheet.version.indicators.get(code="5.2.1"),
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )  # fmt: skip
    assert "deadline" in error.value.error_dict


def test_only_auditors_raise_findings(application, certifier, enterprise_user) -> None:
    in_audits(application)
    for user in (certifier, enterprise_user):
        with pytest.raises(PermissionDenied):
            raise_finding(application, user)


@pytest.mark.parametrize("persona", ["enterprise_user", "consultant"])
def test_the_enterprise_or_its_consultant_answers_with_evidence(
    application, auditor, persona, request, private_media
) -> None:
    user = request.getfixturevalue(persona)
    in_audits(application)
    finding = raise_finding(application, auditor)
    with pytest.raises(ValidationError) as error:
        services.finding_answer(
            finding=finding, actor=user, root_cause="培训不到位", correction="", corrective_action=""
        )
    assert set(error.value.error_dict) == {"correction", "corrective_action"}
    record = pdf_bytes()
    upload = SimpleUploadedFile("维修记录-补签.pdf", record, content_type="application/pdf")
    services.finding_answer(
        finding=finding, actor=user, root_cause="维修人员未按流程请客户签字", correction="已补签",
        corrective_action="修订维修记录单并培训全体维修人员", files=[upload],
    )  # fmt: skip
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ANSWERED
    assert finding.answered_by == user
    evidence = FindingEvidence.objects.get()
    assert evidence.original_name == "维修记录-补签.pdf"
    assert evidence.file.name.startswith(f"audits/findings/{finding.pk}/")
    assert (private_media / evidence.file.name).read_bytes() == record
    assert OutgoingEmail.objects.filter(to=[auditor.email], subject__contains="请验证").exists()


def test_other_people_cannot_answer(application, auditor, other_enterprise_user, other_consultant, certifier) -> None:
    in_audits(application)
    finding = raise_finding(application, auditor)
    for user in (other_enterprise_user, other_consultant, certifier, auditor):
        with pytest.raises(PermissionDenied):
            services.finding_answer(finding=finding, actor=user, root_cause="a", correction="b", corrective_action="c")


def test_verification_closes_or_reopens_with_a_note(application, auditor, enterprise_user) -> None:
    in_audits(application)
    finding = raise_finding(application, auditor)
    with pytest.raises(ValidationError, match="还没有需要验证的整改"):
        services.finding_verify(finding=finding, actor=auditor, accepted=True)
    services.finding_answer(
        finding=finding, actor=enterprise_user, root_cause="a", correction="b", corrective_action="c"
    )
    with pytest.raises(ValidationError) as error:
        services.finding_verify(finding=finding, actor=auditor, accepted=False)
    assert "note" in error.value.error_dict
    services.finding_verify(finding=finding, actor=auditor, accepted=False, note="请补充培训签到表")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    assert OutgoingEmail.objects.filter(to=[enterprise_user.email], body_text__contains="请补充培训签到表").exists()
    services.finding_answer(
        finding=finding, actor=enterprise_user, root_cause="a", correction="b", corrective_action="c"
    )
    services.finding_verify(finding=finding, actor=auditor, accepted=True)
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED
    assert finding.verified_by == auditor
    with pytest.raises(ValidationError, match="已关闭"):
        services.finding_answer(
            finding=finding, actor=enterprise_user, root_cause="a", correction="b", corrective_action="c"
        )


def test_an_observation_can_be_closed_without_an_answer(application, auditor) -> None:
    in_audits(application)
    observation = raise_finding(application, auditor, Finding.Grade.OBSERVATION)
    services.finding_verify(finding=observation, actor=auditor, accepted=True, note="已口头沟通")
    observation.refresh_from_db()
    assert observation.is_closed


def test_open_serious_findings_block_certifying_but_not_refusing(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor)
    raise_finding_during_decision = Finding.objects.create(
        application=application, number=1, indicator=application.score_sheet.version.indicators.get(code="5.3.2"),
        grade=Finding.Grade.SERIOUS, description="投诉无记录", deadline=SOON, raised_by=auditor,
    )  # fmt: skip
    certify = workflow.find_transition(Status.DECISION, Status.CERTIFIED)
    refuse = workflow.find_transition(Status.DECISION, Status.NOT_CERTIFIED)
    problems = workflow.blocking_problems(certify, application, certifier)
    assert any("NC-01" in problem and "严重不符合" in problem for problem in problems)
    assert workflow.blocking_problems(refuse, application, certifier) == []
    Finding.objects.filter(pk=raise_finding_during_decision.pk).update(status=Finding.Status.CLOSED)
    assert workflow.blocking_problems(certify, application, certifier) == []


def test_a_general_finding_does_not_block(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor)
    Finding.objects.create(
        application=application, number=1, indicator=application.score_sheet.version.indicators.get(code="5.3.2"),
        grade=Finding.Grade.GENERAL, description="x", deadline=SOON, raised_by=auditor,
    )  # fmt: skip
    certify = workflow.find_transition(Status.DECISION, Status.CERTIFIED)
    assert workflow.blocking_problems(certify, application, certifier) == []


def test_findings_pages(application, auditor, enterprise_user) -> None:
    rounds = in_audits(application)
    client = client_for(auditor)
    indicator = application.score_sheet.version.indicators.get(code="5.1.2")
    form_page = client.get(reverse("audits:finding_add", args=[application.pk]) + f"?round={rounds[0].pk}")
    assert form_page.status_code == 200
    response = client.post(
        reverse("audits:finding_add", args=[application.pk]),
        {"audit_round": rounds[0].pk, "indicator": indicator.pk, "grade": "serious", "description": "管理师不足",
         "deadline": SOON.isoformat()},
    )  # fmt: skip
    finding = Finding.objects.get()
    assert response["Location"] == reverse("audits:finding", args=[finding.pk])
    assert finding.audit_round == rounds[0]
    listing = client_for(enterprise_user).get(reverse("audits:findings", args=[application.pk])).content.decode()
    assert "NC-01" in listing and "严重不符合" in listing and 'id="serious-warning"' in listing
    roster = ooxml_bytes("xlsx")
    upload = SimpleUploadedFile("名单.xlsx", roster, content_type="application/octet-stream")
    answered = client_for(enterprise_user).post(
        reverse("audits:finding_answer", args=[finding.pk]),
        {
            "root_cause": "新员工未取证",
            "correction": "已报名培训",
            "corrective_action": "年度取证计划",
            "files": [upload],
        },
    )
    assert answered.status_code == 302
    evidence = FindingEvidence.objects.get()
    download = client.get(reverse("audits:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert streamed_body(download) == roster
    verified = client.post(reverse("audits:finding_verify", args=[finding.pk]), {"accepted": "yes", "note": ""})
    assert verified.status_code == 302
    finding.refresh_from_db()
    assert finding.is_closed


def test_a_missing_answer_field_is_shown_next_to_it_and_typed_text_kept(application, auditor, consultant) -> None:
    in_audits(application)
    finding = raise_finding(application, auditor)
    response = client_for(consultant).post(
        reverse("audits:finding_answer", args=[finding.pk]),
        {"root_cause": "流程缺失", "correction": "", "corrective_action": ""},
    )
    assert response.status_code == 200
    assert "correction" in response.context["answer_form"].errors
    assert "流程缺失" in response.content.decode()
