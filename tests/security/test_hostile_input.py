"""Hostile input on every form people post to: very long text, control characters, script tags, SQL
metacharacters, malformed dates, negative and absurd numbers.

Whatever comes in: no 500; either the value is refused with a message next to its field and nothing
is saved (the rows the form would touch are unchanged), or it is accepted after cleaning (no NUL,
no invisible controls, see certportal/middleware.py) and shown escaped wherever it is displayed.
Some values must always be refused: NUL, impossible dates, negative amounts and counts.

Hostile files (renamed executables, zip bombs, polyglots ...) have their own corpus:
tests/applications/evidence_samples.py, used by tests/applications/test_evidence_uploads.py.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from django import forms
from django.contrib import messages
from django.db import connection
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import ContextList
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationForm,
    ConsultantInvitation,
    Enterprise,
    EvidenceFile,
    LawStandardRow,
    PaperShipment,
    Product,
    ServiceManager,
    ServiceOutlet,
)
from audits import services as audit_services
from audits.models import (
    Appeal,
    AuditRound,
    Certificate,
    CertificationDecision,
    Complaint,
    DepartmentInterview,
    Finding,
    IndicatorScore,
    PlatformExport,
    SpecialItem,
)
from audits.services import complaints
from certportal.accounts.models import User
from certportal.middleware import INVISIBLE_CONTROLS
from notifications.models import EmailPreference, Kind
from tests.audits.conftest import finish_rounds, in_audits, ready_for_decision, schedule_directly
from tests.conftest import client_for, put_in_status
from tests.factories import (
    UserFactory,
    complete_evidence,
    complete_profile,
    forms_prepared,
)
from tests.http import streamed_body

if TYPE_CHECKING:
    from tests.http import TestResponse

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
TEXT = {
    "long": "长" * 20_000,
    "nul": "甲\x00乙",
    "controls": "甲\x1b[31m乙\u202e丙\x07",
    "script": SCRIPT,
    "sql": "x'); DROP TABLE applications_application; --",
}
DATES = {"impossible": "2026-02-30", "garbage": "31/31/2026'--", "far": "99999-01-01", "script": SCRIPT}
NUMBERS = {"negative": "-5", "huge": "1e309", "nan": "NaN", "words": "十五", "overflow": "9" * 40}
CHOICES = {"sql": "1 OR 1=1", "negative": "-1", "script": SCRIPT, "nul": "1\x00"}
VALUES = {"text": TEXT, "date": DATES, "number": NUMBERS, "choice": CHOICES}
# Values no form may accept, whatever the field.
ALWAYS_REFUSED = {("text", "nul"), ("choice", "nul"), *(("date", name) for name in DATES),
                  *(("number", name) for name in NUMBERS), *(("choice", name) for name in CHOICES)}  # fmt: skip


@dataclass
class Target:
    """A form and one of its fields. `data` is a valid submission; `snapshot` reads the rows the form
    writes; `stored` reads the field's saved value; `page` displays it."""

    client: Client
    url: str
    data: dict[str, Any]
    snapshot: Callable[[], Any]
    stored: Callable[[], str] | None = None
    page: str | None = None
    headers: dict[str, Any] = field(default_factory=dict)


def rows(*querysets: Any) -> Callable[[], Any]:
    return lambda: [sorted(map(str, model_to_dict(obj).items())) for queryset in querysets for obj in queryset.all()]


def shows_an_error_for(response: TestResponse, name: str) -> bool:
    """The re-rendered form shows an error for `name` (crispy puts it next to the field), or one for
    the whole form (what the service refused, e.g. a schedule changed meanwhile)."""
    page = response.content.decode()
    if f'id="error_1_id_{name}"' in page or f'id="error_1_{name}"' in page:
        return True
    context = response.context
    if context is None:
        return False
    contexts = list(context) if isinstance(context, ContextList) else [context]  # several templates, or one
    # The test client's contexts are Context objects, which the stubs type as plain dicts.
    for value in (value for each in contexts for value in each.flatten().values()):  # type: ignore[attr-defined]
        if isinstance(value, forms.BaseForm) and value.errors:
            key = name.split("-", 1)[-1] if value.prefix else name
            shown = [*value.errors.get(key, []), *value.errors.get("__all__", [])]
            if any(html.escape(str(message)) in page for message in shown):
                return True
    return False


def error_messages_after(response: TestResponse, client: Client) -> list[str]:
    """The error messages shown after a redirect (views that answer a POST with a redirect)."""
    if response.status_code != 302:
        return []
    page = client.get(response["Location"], follow=True)
    return [str(message) for message in page.context["messages"] if message.level == messages.ERROR]


def post_hostile(target: Target, name: str, kind: str, label: str) -> str:
    value = VALUES[kind][label]
    before = target.snapshot()
    response = target.client.post(target.url, {**target.data, name: value}, **target.headers)
    where = f"{target.url} {name}={label}: {response.status_code}"
    assert response.status_code < 500, where
    if target.snapshot() == before:
        assert shows_an_error_for(response, name) or error_messages_after(response, target.client), (
            f"{where}: refused without a message next to the field"
        )
        return "refused"
    assert (kind, label) not in ALWAYS_REFUSED, f"{where}: accepted"
    if target.stored is not None:
        stored = target.stored()
        assert "\x00" not in stored and not INVISIBLE_CONTROLS.search(stored), f"{where}: stored {stored!r}"
        if label == "sql":
            assert stored == value, "SQL metacharacters are ordinary text, stored as typed"
    if label == "script" and target.page is not None:
        page = target.client.get(target.page).content.decode()
        assert SCRIPT not in page, f"{target.page} shows the script tag raw"
        assert html.escape(SCRIPT) in page or "&lt;script&gt;" in page, f"{target.page} does not show the value"
    return "accepted"


def tables_intact() -> None:
    assert "applications_application" in connection.introspection.table_names()
    assert Application.objects.count() >= 0


# --- The forms, each with a valid submission --------------------------------------------------------


def profile(request: pytest.FixtureRequest) -> Target:
    user = request.getfixturevalue("enterprise_user")
    enterprise = complete_profile(user.enterprise)
    data = {name: value for name, value in model_to_dict(enterprise).items() if value not in (None, "")}
    data = {key: str(value) for key, value in data.items()}
    data.pop("seal", None)
    return Target(
        client_for(user), reverse("applications:enterprise_edit", args=[enterprise.pk]), data,
        rows(Enterprise.objects.filter(pk=enterprise.pk)),
        stored=lambda: Enterprise.objects.get(pk=enterprise.pk).legal_representative,
        page=reverse("applications:enterprise", args=[enterprise.pk]),
    )  # fmt: skip


def profile_list(
    kind: str, data: dict[str, Any], model: type[Model], shown: str
) -> Callable[[pytest.FixtureRequest], Target]:
    def build(request: pytest.FixtureRequest) -> Target:
        user = request.getfixturevalue("enterprise_user")
        enterprise = user.enterprise
        return Target(
            client_for(user), reverse("applications:profile_item_add", args=[enterprise.pk, kind]), data,
            rows(model._default_manager.filter(enterprise=enterprise)),
            stored=lambda: str(getattr(model._default_manager.filter(enterprise=enterprise).last(), shown)),
            page=reverse("applications:enterprise", args=[enterprise.pk]),
        )  # fmt: skip

    return build


PRODUCT = {"name": "空气净化器", "model": "A300", "description": ""}
OUTLET = {"name": "杭州服务中心", "kind": "own", "address": "杭州市", "phone": "0571-88886666", "contact": "王芳"}
MANAGER = {
    "name": "李建国", "gender": "male", "id_number": "440524188001010014", "mobile": "13800001111",
    "department": "售后服务部", "post": "经理", "certificate_name": "售后服务管理师（高级）",
    "certificate_number": "SM-1", "certificate_issuer": "中国商业联合会", "certificate_issued_on": "2022-03-01",
}  # fmt: skip


def application_create(request: pytest.FixtureRequest) -> Target:
    user = request.getfixturevalue("enterprise_user")
    product = Product.objects.create(enterprise=complete_profile(user.enterprise), name="空调", model="K1")
    data = {"kind": "initial", "desired_star_level": "5", "scope": [product.pk]}
    return Target(client_for(user), reverse("applications:create"), data,
                  rows(Application.objects.filter(enterprise=user.enterprise)))  # fmt: skip


def scope(request: pytest.FixtureRequest) -> Target:
    application = request.getfixturevalue("application")
    data = {"scope": [application.scope.get().pk]}
    return Target(client_for(request.getfixturevalue("enterprise_user")),
                  reverse("applications:scope", args=[application.pk]), data,
                  lambda: sorted(application.scope.values_list("pk", flat=True)))  # fmt: skip


def _open_evidence(request: pytest.FixtureRequest) -> EvidenceFile:
    application = request.getfixturevalue("evidence_application")
    complete_evidence(application)
    evidence = EvidenceFile.objects.filter(requirement__application=application).first()
    EvidenceFile.objects.filter(pk=evidence.pk).update(status=EvidenceFile.Status.PENDING)
    evidence.refresh_from_db()
    return evidence


def evidence_details(request: pytest.FixtureRequest) -> Target:
    evidence = _open_evidence(request)
    data = {
        "products": [evidence.requirement.application.scope.get().pk],
        "note": "营业执照",
        "document_date": "2025-05-01",
    }
    return Target(
        client_for(request.getfixturevalue("enterprise_user")),
        reverse("applications:evidence_file_edit", args=[evidence.pk]), data,
        rows(EvidenceFile.objects.filter(pk=evidence.pk)), stored=lambda: EvidenceFile.objects.get(pk=evidence.pk).note,
        page=reverse("applications:evidence_requirement", args=[evidence.requirement_id]),
    )  # fmt: skip


def evidence_review(request: pytest.FixtureRequest) -> Target:
    evidence = _open_evidence(request)
    return Target(
        client_for(request.getfixturevalue("consultant")),
        reverse("applications:evidence_file_review", args=[evidence.pk]),
        {"decision": "reject", "reason_choice": "", "reason": "请上传清晰的扫描件"},
        rows(EvidenceFile.objects.filter(pk=evidence.pk)),
        stored=lambda: EvidenceFile.objects.get(pk=evidence.pk).review_reason,
        page=reverse("applications:evidence_requirement", args=[evidence.requirement_id]),
    )  # fmt: skip


def paper_copies(request: pytest.FixtureRequest) -> Target:
    application = forms_prepared(request.getfixturevalue("application"))
    put_in_status(application, Application.Status.SUBMITTED)
    data = {"courier": "顺丰", "tracking_number": "SF1234567890", "sent_on": timezone.localdate().isoformat()}
    return Target(
        client_for(request.getfixturevalue("consultant")), reverse("applications:shipment_add", args=[application.pk]),
        data, rows(PaperShipment.objects.filter(application=application)),
        stored=lambda: PaperShipment.objects.filter(application=application).last().courier,
        page=reverse("applications:forms", args=[application.pk]),
    )  # fmt: skip


def contract_fees(request: pytest.FixtureRequest) -> Target:
    application = forms_prepared(request.getfixturevalue("application"))
    form = ApplicationForm.objects.get(application=application, form_type="contract")
    data = {"contract_number": "HT-2026-001", "application_fee": "3000", "audit_fee": "18000",
            "certificate_fee": "2000", "surveillance_fee": "9000", "payment_terms": "签约后 7 日内付清",
            "term": "三年"}  # fmt: skip
    return Target(
        client_for(request.getfixturevalue("consultant")),
        reverse("applications:form", args=[application.pk, "contract"]), data,
        rows(ApplicationForm.objects.filter(pk=form.pk)),
        stored=lambda: str(ApplicationForm.objects.get(pk=form.pk).data.get("payment_terms", "")),
        page=reverse("applications:form", args=[application.pk, "contract"]),
    )  # fmt: skip


def finding(request: pytest.FixtureRequest) -> Target:
    application = request.getfixturevalue("application")
    in_audits(application)
    indicator = application.score_sheet.version.indicators.get(code="5.2.4")
    soon = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    data = {"indicator": indicator.pk, "grade": "general", "description": "抽查记录缺签字", "deadline": soon}
    return Target(
        client_for(request.getfixturevalue("auditor")), reverse("audits:finding_add", args=[application.pk]), data,
        rows(Finding.objects.filter(application=application)),
        stored=lambda: Finding.objects.filter(application=application).last().description,
        page=reverse("audits:findings", args=[application.pk]),
    )  # fmt: skip


def round_schedule(request: pytest.FixtureRequest) -> Target:
    application = request.getfixturevalue("application")
    auditor = request.getfixturevalue("auditor")
    first = in_audits(application, Application.Status.AUDIT_PREPARATION)[0]
    start = timezone.localtime() + datetime.timedelta(days=10)
    data = {
        "starts_at": start.strftime("%Y-%m-%dT09:00"), "ends_at": start.strftime("%Y-%m-%dT11:00"), "method": "FS02",
        "platform": "tencent_meeting", "meeting_link": "https://meeting.tencent.com/dm/abc", "meeting_code": "123",
        "lead_auditor": auditor.pk, "enterprise_participants": "王芳（总经理）", "agenda": "首次会议\n末次会议",
    }  # fmt: skip
    return Target(
        client_for(auditor), reverse("audits:round_schedule", args=[first.pk]), data,
        rows(AuditRound.objects.filter(pk=first.pk)),
        stored=lambda: AuditRound.objects.get(pk=first.pk).enterprise_participants,
        page=reverse("audits:round", args=[first.pk]),
    )  # fmt: skip


def score_entry(request: pytest.FixtureRequest) -> Target:
    application = request.getfixturevalue("application")
    auditor = request.getfixturevalue("auditor")
    finish_rounds(application, auditor)
    put_in_status(application, Application.Status.EVALUATION)
    sheet = audit_services.score_sheet_ensure(application)
    indicator = sheet.version.indicators.filter(parent__isnull=False, sampled=False).first()
    prefix = f"i{indicator.pk}"
    return Target(
        client_for(auditor), reverse("audits:indicator_save", args=[application.pk, indicator.pk]),
        {f"{prefix}-awarded": "5", f"{prefix}-note": "制度齐全"},
        rows(IndicatorScore.objects.filter(sheet=sheet)),
        stored=lambda: IndicatorScore.objects.get(sheet=sheet, indicator=indicator).note,
        page=reverse("audits:score_sheet", args=[application.pk]), headers={"HTTP_HX_REQUEST": "true"},
    )  # fmt: skip


def decision(request: pytest.FixtureRequest) -> Target:
    application = request.getfixturevalue("application")
    ready_for_decision(application, request.getfixturevalue("auditor"), rate="0.92")
    return Target(
        client_for(request.getfixturevalue("certifier")), reverse("audits:decision", args=[application.pk]),
        {"outcome": "refuse", "star_level": "", "reason": "评分不足"},
        lambda: (Application.objects.get(pk=application.pk).status, CertificationDecision.objects.count()),
        stored=lambda: CertificationDecision.objects.get(application=application).reason,
        page=reverse("applications:detail", args=[application.pk]),
    )  # fmt: skip


def surveillance_decision(request: pytest.FixtureRequest) -> Target:
    from audits.models import SurveillanceAudit
    from audits.services.certificates import add_months
    from audits.services.surveillance import surveillance_open
    from tests.audits.test_surveillance import at_decision
    from tests.factories import load_evidence_checklist

    load_evidence_checklist()
    certificate = _certificate(request)
    Certificate.objects.filter(pk=certificate.pk).update(surveillance_due_on=add_months(timezone.localdate(), 1))
    certificate.refresh_from_db()
    auditor = request.getfixturevalue("auditor")
    surveillance = at_decision(
        surveillance_open(certificate=certificate, actor=auditor),
        enterprise_user=request.getfixturevalue("enterprise_user"),
        consultant=request.getfixturevalue("consultant"), auditor=auditor, rate="0.92",
    )  # fmt: skip
    return Target(
        client_for(request.getfixturevalue("certifier")),
        reverse("audits:surveillance_decision", args=[surveillance.application_id]),
        {"outcome": "withdrawn", "reason": "严重违规", "suspended_until": ""},
        lambda: (Certificate.objects.get(pk=certificate.pk).status, SurveillanceAudit.objects.get().outcome),
        stored=lambda: SurveillanceAudit.objects.get().reason,
        page=reverse("audits:surveillance_decision", args=[surveillance.application_id]),
    )  # fmt: skip


def _certificate(request: pytest.FixtureRequest) -> Certificate:
    application = request.getfixturevalue("application")
    certifier = request.getfixturevalue("certifier")
    put_in_status(application, Application.Status.CERTIFIED)
    decision = CertificationDecision.objects.create(
        application=application, outcome="certified", certifier=certifier, score="925.50",
        computed_star_level=4, star_level=4,
    )  # fmt: skip
    return audit_services.certificate_issue(application=application, decision=decision, actor=certifier)


def surveillance(request: pytest.FixtureRequest) -> Target:
    certificate = _certificate(request)
    return Target(
        client_for(request.getfixturevalue("auditor")),
        reverse("audits:certificate_surveillance", args=[certificate.pk]),
        {"done_on": timezone.localdate().isoformat(), "note": "监督审核通过"},
        rows(Certificate.objects.filter(pk=certificate.pk), certificate.events),
        page=reverse("audits:certificate", args=[certificate.pk]),
    )  # fmt: skip


def certificate_status(request: pytest.FixtureRequest) -> Target:
    certificate = _certificate(request)
    certifier = request.getfixturevalue("certifier")
    until = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    return Target(
        client_for(certifier), reverse("audits:certificate_status", args=[certificate.pk]),
        {"target": "suspended", "reason": "监督审核未按期进行", "suspended_until": until},
        rows(Certificate.objects.filter(pk=certificate.pk)),
        stored=lambda: str(Certificate.objects.get(pk=certificate.pk).events.last().reason),
        page=reverse("audits:certificate", args=[certificate.pk]),
    )  # fmt: skip


def surveillance_extension(request: pytest.FixtureRequest) -> Target:
    certificate = _certificate(request)
    overdue = timezone.localdate() - datetime.timedelta(days=10)
    Certificate.objects.filter(pk=certificate.pk).update(surveillance_due_on=overdue)
    return Target(
        client_for(request.getfixturevalue("certifier")),
        reverse("audits:certificate_extension", args=[certificate.pk]),
        {"extended_to": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(), "reason": "企业搬迁"},
        rows(Certificate.objects.filter(pk=certificate.pk), certificate.events),
        stored=lambda: str(certificate.events.last().reason),
        page=reverse("audits:certificate", args=[certificate.pk]),
    )  # fmt: skip


def law_row(request: pytest.FixtureRequest) -> Target:
    application = forms_prepared(request.getfixturevalue("application"))
    form = ApplicationForm.objects.get(application=application, form_type="laws")
    data = {
        "name": "GB/T 27922-2011",
        "number": "2011",
        "issuer": "国家标准委",
        "products": [application.scope.get().pk],
    }
    return Target(
        client_for(request.getfixturevalue("consultant")), reverse("applications:law_row_add", args=[application.pk]),
        data, rows(LawStandardRow.objects.filter(form=form)),
        stored=lambda: LawStandardRow.objects.filter(form=form).last().name,
        page=reverse("applications:form", args=[application.pk, "laws"]),
    )  # fmt: skip


def invite(request: pytest.FixtureRequest) -> Target:
    application = request.getfixturevalue("application")
    return Target(client_for(request.getfixturevalue("enterprise_user")),
                  reverse("applications:invite", args=[application.pk]), {"email": "teacher.li@example.com"},
                  rows(ConsultantInvitation.objects.filter(application=application)))  # fmt: skip


def audit_review(request: pytest.FixtureRequest) -> Target:
    application = put_in_status(request.getfixturevalue("application"), Application.Status.UNDER_REVIEW)
    return Target(
        client_for(request.getfixturevalue("auditor")), reverse("audits:review", args=[application.pk]),
        {"decision": "return", "comment": "请补充售后服务管理师名单"},
        lambda: (Application.objects.get(pk=application.pk).status, application.events.count()),
        stored=lambda: application.events.last().comment,
        page=reverse("applications:detail", args=[application.pk]),
    )  # fmt: skip


def _scheduled_round(request: pytest.FixtureRequest) -> AuditRound:
    application = request.getfixturevalue("application")
    auditor = request.getfixturevalue("auditor")
    first = in_audits(application, Application.Status.AUDIT_PREPARATION)[0]
    start = (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    plan = audit_services.RoundPlan(
        starts_at=start, ends_at=start + datetime.timedelta(hours=2), method=AuditRound.Method.REMOTE,
        platform=AuditRound.Platform.TENCENT_MEETING, meeting_link="https://meeting.tencent.com/dm/1",
        meeting_code="123", lead_auditor=auditor,
    )  # fmt: skip
    return audit_services.round_schedule(audit_round=first, actor=auditor, plan=plan)


def round_answer(request: pytest.FixtureRequest) -> Target:
    audit_round = _scheduled_round(request)
    data = {"answer": "change", "message": "下周三上午更合适", "sequence": audit_round.invitation_sequence}
    return Target(
        client_for(request.getfixturevalue("enterprise_user")), reverse("audits:round_respond", args=[audit_round.pk]),
        data, rows(AuditRound.objects.filter(pk=audit_round.pk)),
        stored=lambda: AuditRound.objects.get(pk=audit_round.pk).response_message,
        page=reverse("audits:round", args=[audit_round.pk]),
    )  # fmt: skip


def interview(request: pytest.FixtureRequest) -> Target:
    """Interviews are recorded while the round takes place."""
    auditor = request.getfixturevalue("auditor")
    first = in_audits(request.getfixturevalue("application"))[0]
    audit_round = schedule_directly(first, auditor, start=timezone.now() - datetime.timedelta(hours=1))
    return Target(
        client_for(request.getfixturevalue("auditor")), reverse("audits:interview_add", args=[audit_round.pk]),
        {"department": "售后服务部", "interviewees": "王芳", "notes": "流程清晰"},
        rows(DepartmentInterview.objects.filter(audit_round=audit_round)),
        stored=lambda: DepartmentInterview.objects.filter(audit_round=audit_round).last().interviewees,
        page=reverse("audits:round", args=[audit_round.pk]),
    )  # fmt: skip


def _raised_finding(request: pytest.FixtureRequest) -> Finding:
    application = request.getfixturevalue("application")
    auditor = request.getfixturevalue("auditor")
    in_audits(application)
    return audit_services.finding_raise(
        application=application, actor=auditor, indicator=application.score_sheet.version.indicators.get(code="5.2.4"),
        grade=Finding.Grade.GENERAL, description="抽查记录缺签字", deadline=timezone.localdate(),
    )  # fmt: skip


def finding_answer(request: pytest.FixtureRequest) -> Target:
    finding = _raised_finding(request)
    data = {"root_cause": "培训不足", "correction": "补签", "corrective_action": "每月抽查"}
    return Target(
        client_for(request.getfixturevalue("enterprise_user")), reverse("audits:finding_answer", args=[finding.pk]),
        data, rows(Finding.objects.filter(pk=finding.pk)),
        stored=lambda: Finding.objects.get(pk=finding.pk).root_cause,
        page=reverse("audits:finding", args=[finding.pk]),
    )  # fmt: skip


def special_item(request: pytest.FixtureRequest) -> Target:
    application = request.getfixturevalue("application")
    auditor = request.getfixturevalue("auditor")
    finish_rounds(application, auditor)
    put_in_status(application, Application.Status.EVALUATION)
    sheet = audit_services.score_sheet_ensure(application)
    return Target(
        client_for(auditor), reverse("audits:special_item_add", args=[application.pk]),
        {"kind": "deduction", "reason": "违反三包规定", "required_correction": "整改"},
        rows(SpecialItem.objects.filter(sheet=sheet)),
        stored=lambda: SpecialItem.objects.filter(sheet=sheet).last().reason,
        page=reverse("audits:score_sheet", args=[application.pk]),
    )  # fmt: skip


def notification_preferences(request: pytest.FixtureRequest) -> Target:
    user = request.getfixturevalue("enterprise_user")
    return Target(client_for(user), reverse("notifications:preferences"), {"email_kinds": [Kind.values[0]]},
                  rows(EmailPreference.objects.filter(user=user)))  # fmt: skip


PASSWORD = "a-Long-test-passw0rd"
SIGNUP = {"enterprise_name": "新企业有限公司", "full_name": "赵敏", "email": "zhao@example.cn",
          "mobile": "13912345678", "password1": PASSWORD, "password2": PASSWORD}  # fmt: skip


def signup(shown: Callable[[User], str]) -> Callable[[pytest.FixtureRequest], Target]:
    def build(request: pytest.FixtureRequest) -> Target:
        request.getfixturevalue("db")
        return Target(Client(), reverse("signup:start"), SIGNUP, rows(User.objects, Enterprise.objects),
                      stored=lambda: shown(User.objects.get(email=SIGNUP["email"])))  # fmt: skip

    return build


def account_settings(request: pytest.FixtureRequest) -> Target:
    user = request.getfixturevalue("enterprise_user")
    return Target(
        client_for(user), reverse("accounts:settings"), {"full_name": "王芳", "mobile": "", "language": "zh-hans"},
        rows(User.objects.filter(pk=user.pk)), stored=lambda: User.objects.get(pk=user.pk).full_name,
        page=reverse("accounts:settings"),
    )  # fmt: skip


COMPLAINT = {"about": "holder", "name": "张三", "email": "zhang@example.com", "phone": "", "text": "热线无人接听。"}


def public_complaint(shown: str) -> Callable[[pytest.FixtureRequest], Target]:
    def build(request: pytest.FixtureRequest) -> Target:
        request.getfixturevalue("settings").COMPLAINT_RATE = "1000/m"  # the route is rate-limited
        certificate = _certificate(request)
        return Target(
            Client(), reverse("verify_complaint", kwargs={"number": certificate.number}), COMPLAINT,
            rows(Complaint.objects.all()), stored=lambda: str(getattr(Complaint.objects.get(), shown)),
        )  # fmt: skip

    return build


def holder_complaint(shown: str) -> Callable[[pytest.FixtureRequest], Target]:
    def build(request: pytest.FixtureRequest) -> Target:
        certificate = _certificate(request)
        user = request.getfixturevalue("enterprise_user")
        return Target(
            client_for(user), reverse("audits:complaint_holder", args=[certificate.pk]), COMPLAINT,
            rows(Complaint.objects.all()), stored=lambda: str(getattr(Complaint.objects.get(), shown)),
        )  # fmt: skip

    return build


def _complaint(request: pytest.FixtureRequest) -> tuple[Complaint, User, User]:
    certificate = _certificate(request)
    manager = UserFactory(role=User.Role.BODY_MANAGER)
    handler = UserFactory(role=User.Role.AUDITOR)
    filing = complaints.ComplaintFiling(about="holder", name="张三", email="zhang@example.com", text="投诉")
    return complaints.complaint_file(certificate=certificate, filing=filing), manager, handler


def complaint_assign(request: pytest.FixtureRequest) -> Target:
    complaint, manager, handler = _complaint(request)
    return Target(
        client_for(manager), reverse("audits:complaint_assign", args=[complaint.pk]), {"assignee": handler.pk},
        rows(Complaint.objects.filter(pk=complaint.pk)),
    )  # fmt: skip


def complaint_answer(request: pytest.FixtureRequest) -> Target:
    complaint, manager, handler = _complaint(request)
    complaints.complaint_assign(complaint=complaint, actor=manager, assignee=handler)
    return Target(
        client_for(handler), reverse("audits:complaint_answer", args=[complaint.pk]),
        {"outcome": "upheld", "answer": "已核实。"}, rows(Complaint.objects.filter(pk=complaint.pk)),
        stored=lambda: Complaint.objects.get(pk=complaint.pk).answer,
        page=reverse("audits:complaint", args=[complaint.pk]),
    )  # fmt: skip


def appeal_file(request: pytest.FixtureRequest) -> Target:
    certificate = _certificate(request)
    return Target(
        client_for(request.getfixturevalue("enterprise_user")),
        reverse("audits:appeal_file", args=[certificate.application_id]),
        {"against": "star_level", "grounds": "得分计算有误。"}, rows(Appeal.objects.all()),
        stored=lambda: Appeal.objects.get().grounds,
    )  # fmt: skip


def appeal_decide(request: pytest.FixtureRequest) -> Target:
    certificate = _certificate(request)
    user = request.getfixturevalue("enterprise_user")
    appeal = complaints.appeal_file(application=certificate.application, actor=user, against="star_level",
                                    grounds="得分计算有误。")  # fmt: skip
    manager, decider = UserFactory(role=User.Role.BODY_MANAGER), UserFactory(role=User.Role.CERTIFIER)
    complaints.appeal_assign(appeal=appeal, actor=manager, assignee=decider)
    return Target(
        client_for(decider), reverse("audits:appeal_decide", args=[appeal.pk]),
        {"outcome": "rejected", "reason": "维持原决定。"}, rows(Appeal.objects.filter(pk=appeal.pk)),
        stored=lambda: Appeal.objects.get(pk=appeal.pk).reason, page=reverse("audits:appeal", args=[appeal.pk]),
    )  # fmt: skip


def platform_export(request: pytest.FixtureRequest) -> Target:
    _certificate(request)
    today = timezone.localdate()
    return Target(
        client_for(UserFactory(role=User.Role.BODY_MANAGER)), reverse("audits:platform_export"),
        {"date_from": (today - datetime.timedelta(days=30)).isoformat(), "date_to": today.isoformat(),
         "file_format": "csv"},
        rows(PlatformExport.objects.all()),
    )  # fmt: skip


# form, field, kind
CASES: list[tuple[str, Callable[[pytest.FixtureRequest], Target], str, str]] = [
    ("profile", profile, "legal_representative", "text"),
    ("profile", profile, "founded_on", "date"),
    ("profile", profile, "registered_capital", "number"),
    ("profile", profile, "headcount_total", "number"),
    ("products", profile_list("products", PRODUCT, Product, "name"), "name", "text"),
    ("outlets", profile_list("outlets", OUTLET, ServiceOutlet, "address"), "address", "text"),
    ("managers", profile_list("managers", MANAGER, ServiceManager, "department"), "department", "text"),
    ("managers", profile_list("managers", MANAGER, ServiceManager, "department"), "certificate_issued_on", "date"),
    ("application", application_create, "desired_star_level", "choice"),
    ("application", application_create, "scope", "choice"),
    ("scope", scope, "scope", "choice"),
    ("evidence details", evidence_details, "note", "text"),
    ("evidence details", evidence_details, "document_date", "date"),
    ("evidence review", evidence_review, "reason", "text"),
    ("paper copies", paper_copies, "courier", "text"),
    ("paper copies", paper_copies, "sent_on", "date"),
    ("contract", contract_fees, "payment_terms", "text"),
    ("contract", contract_fees, "audit_fee", "number"),
    ("finding", finding, "description", "text"),
    ("finding", finding, "deadline", "date"),
    ("finding", finding, "indicator", "choice"),
    ("round schedule", round_schedule, "enterprise_participants", "text"),
    ("round schedule", round_schedule, "starts_at", "date"),
    ("round schedule", round_schedule, "lead_auditor", "choice"),
    ("score sheet", score_entry, "__awarded", "number"),
    ("score sheet", score_entry, "__note", "text"),
    ("decision", decision, "reason", "text"),
    ("decision", decision, "outcome", "choice"),
    ("surveillance decision", surveillance_decision, "reason", "text"),
    ("surveillance decision", surveillance_decision, "outcome", "choice"),
    ("surveillance decision", surveillance_decision, "suspended_until", "date"),
    ("certificate", certificate_status, "reason", "text"),
    ("certificate", certificate_status, "suspended_until", "date"),
    ("law row", law_row, "name", "text"),
    ("law row", law_row, "products", "choice"),
    ("consultant invitation", invite, "email", "text"),
    ("audit review", audit_review, "comment", "text"),
    ("round answer", round_answer, "message", "text"),
    ("round answer", round_answer, "sequence", "number"),
    ("interview", interview, "interviewees", "text"),
    ("finding answer", finding_answer, "root_cause", "text"),
    ("special item", special_item, "reason", "text"),
    ("special item", special_item, "kind", "choice"),
    ("surveillance", surveillance, "done_on", "date"),
    ("surveillance extension", surveillance_extension, "extended_to", "date"),
    ("surveillance extension", surveillance_extension, "reason", "text"),
    ("surveillance", surveillance, "note", "text"),
    ("notification settings", notification_preferences, "email_kinds", "choice"),
    ("signup", signup(lambda user: user.full_name), "full_name", "text"),
    ("signup", signup(lambda user: user.enterprise.name), "enterprise_name", "text"),
    ("settings", account_settings, "full_name", "text"),
    ("settings", account_settings, "mobile", "text"),
    ("public complaint", public_complaint("text"), "text", "text"),
    ("public complaint", public_complaint("name"), "name", "text"),
    ("public complaint", public_complaint("about"), "about", "choice"),
    ("holder complaint", holder_complaint("text"), "text", "text"),
    ("holder complaint", holder_complaint("phone"), "phone", "text"),
    ("complaint assignment", complaint_assign, "assignee", "choice"),
    ("complaint answer", complaint_answer, "answer", "text"),
    ("complaint answer", complaint_answer, "outcome", "choice"),
    ("appeal", appeal_file, "grounds", "text"),
    ("appeal", appeal_file, "against", "choice"),
    ("appeal decision", appeal_decide, "reason", "text"),
    ("appeal decision", appeal_decide, "outcome", "choice"),
    ("national platform export", platform_export, "date_from", "date"),
    ("national platform export", platform_export, "date_to", "date"),
    ("national platform export", platform_export, "file_format", "choice"),
]
PARAMS = [
    pytest.param(build, name, kind, label, id=f"{form}-{name.strip('_')}-{label}")
    for form, build, name, kind in CASES
    for label in VALUES[kind]
]


@pytest.mark.parametrize(("build", "name", "kind", "label"), PARAMS)
def test_hostile_value_is_refused_or_cleaned(request: pytest.FixtureRequest, build, name, kind, label) -> None:
    target = build(request)
    if name.startswith("__"):  # a prefixed form (one per indicator): the prefix comes from the set-up
        name = next(key for key in target.data if key.endswith("-" + name[2:]))
    post_hostile(target, name, kind, label)
    tables_intact()


# One valid submission per form.
FORMS = sorted({(form, build) for form, build, _, _ in CASES}, key=lambda c: c[0])


@pytest.mark.parametrize(("form", "build"), FORMS)
def test_the_valid_submission_is_accepted(request: pytest.FixtureRequest, form: str, build) -> None:
    """Each case's valid data really passes (saved, or already the saved values and answered with the
    redirect of success): otherwise every hostile value would look refused."""
    target = build(request)
    before = target.snapshot()
    response = target.client.post(target.url, target.data, **target.headers)
    assert response.status_code == 302 or target.snapshot() != before, (form, response.status_code)
    assert not error_messages_after(response, target.client), form


# --- Another enterprise's objects named in a form --------------------------------------------------


def test_another_enterprises_products_are_refused_in_every_product_choice(
    request: pytest.FixtureRequest, other_application
) -> None:
    """Forms that pick products offer the enterprise's own only; another's id is an invalid choice."""
    foreign = other_application.scope.get().pk
    for build, name in [(scope, "scope"), (evidence_details, "products"), (law_row, "products")]:
        target = build(request)
        before = target.snapshot()
        response = target.client.post(target.url, {**target.data, name: [foreign]})
        assert response.status_code in (200, 400), (build.__name__, response.status_code)
        assert shows_an_error_for(response, name), build.__name__
        assert target.snapshot() == before, build.__name__


def test_a_consultant_cannot_be_made_lead_auditor(request: pytest.FixtureRequest) -> None:
    target = round_schedule(request)
    before = target.snapshot()
    consultant = request.getfixturevalue("consultant")
    response = target.client.post(target.url, {**target.data, "lead_auditor": consultant.pk})
    assert shows_an_error_for(response, "lead_auditor")
    assert target.snapshot() == before


@pytest.mark.parametrize("value", [SCRIPT, "x' OR '1'='1", "\x00", "%00", "长" * 5000, "-1"])
def test_hostile_query_strings_are_shown_escaped(request: pytest.FixtureRequest, value: str) -> None:
    """Search boxes and page numbers echo what they were given: escaped, never a 500."""
    certifier = client_for(request.getfixturevalue("certifier"))
    application = request.getfixturevalue("application")
    pages = [
        (Client(), reverse("verify_search"), {"q": value}),
        (certifier, reverse("audits:certificate_list"), {"q": value, "status": value}),
        (certifier, reverse("notifications:list"), {"page": value}),
        (client_for(request.getfixturevalue("auditor")), reverse("audits:finding_add", args=[application.pk]),
         {"round": value}),
        (client_for(request.getfixturevalue("consultant")), reverse("applications:dashboard"),
         {"q": value, "stage": value, "waiting": value, "pace": value, "sort": value, "page": value}),
        (client_for(request.getfixturevalue("consultant")), reverse("applications:dashboard_export", args=["csv"]),
         {"q": value, "sort": value}),
    ]  # fmt: skip
    put_in_status(application, Application.Status.REMOTE_AUDIT)
    for client, url, query in pages:
        response = client.get(url, query)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        body = streamed_body(response) if response.streaming else response.content
        assert SCRIPT not in body.decode(), url
