"""Two enterprises, A and B, each with a certified application and everything the portal makes along
the way (evidence files, forms and their versions, audit rounds, photos, findings, a score sheet, a
certificate with its PDF, notifications), plus one user of each persona.

Built once per test module inside a transaction that is rolled back at the end of the module
(`world_fixture`); each test runs in a savepoint inside it, so what a test changes is undone too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.utils import timezone

from applications.models import (
    Application,
    ConsultantInvitation,
    EvidenceArchive,
    EvidenceFile,
    FormRendition,
    LawStandardRow,
    PaperShipment,
)
from audits import services as audit_services
from audits.models import (
    Appeal,
    Certificate,
    CertificateChange,
    CertificateChangeFile,
    CertificateVersion,
    CertificationDecision,
    CheckInPhoto,
    Complaint,
    ComplaintFile,
    DepartmentInterview,
    Finding,
    FindingEvidence,
    SpecialItem,
    SurveillanceAudit,
)
from certportal.accounts.models import ApiToken, User
from certportal.accounts.services import api_token_create
from notifications.models import Kind, Notification, WebhookDelivery, WebhookEndpoint
from tests.audits.conftest import finish_rounds, score_sheet_at
from tests.conftest import client_for, put_in_status
from tests.factories import (
    ApplicationFactory,
    EnterpriseUserFactory,
    UserFactory,
    complete_evidence,
    complete_profile,
    forms_prepared,
    forms_ready,
)

# Persona names, in the order the tests use them.
ANONYMOUS = "anonymous"
ENTERPRISE_A = "enterprise_a"
ENTERPRISE_B = "enterprise_b"
CONSULTANT_A = "consultant_a"
CONSULTANT_B = "consultant_b"
AUDITOR = "auditor"
CERTIFIER = "certifier"
BODY_MANAGER = "body_manager"
SUPERUSER = "superuser"
PERSONAS = [
    ANONYMOUS, ENTERPRISE_A, ENTERPRISE_B, CONSULTANT_A, CONSULTANT_B, AUDITOR, CERTIFIER, BODY_MANAGER, SUPERUSER
]  # fmt: skip
# The other tenant: they must never reach anything of enterprise A.
OUTSIDERS = {ENTERPRISE_B, CONSULTANT_B}

# Text that only enterprise A's pages show: an outsider's page containing it is a leak.
SECRET_NAME_A = "甲方保密测试企业有限公司"
SECRET_REFERENCE_A = "SA-2026-77001"

PDF_BYTES = b"%PDF-1.4\n% private file of enterprise A\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n private image of enterprise A"


@dataclass
class Tenant:
    user: User
    consultant: User
    application: Application
    objects: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    users: dict[str, User | None]
    a: Tenant
    b: Tenant

    def client(self, persona: str) -> Client:
        return client_for(self.users[persona])


def _store(name: str, content: bytes) -> str:
    return default_storage.save(name, ContentFile(content))


def _tenant(name: str, reference: str, seed: int, auditor: User, certifier: User, *, full: bool) -> Tenant:
    user = EnterpriseUserFactory(enterprise__name=name)
    consultant = UserFactory(role=User.Role.CONSULTANT)
    complete_profile(user.enterprise, seed=seed)
    application = ApplicationFactory(enterprise=user.enterprise, consultant=consultant, reference=reference)
    tenant = Tenant(user=user, consultant=consultant, application=application)
    if full:
        _fill(tenant, auditor, certifier)
    else:
        put_in_status(application, Application.Status.SUBMITTED)
    return tenant


def _fill(tenant: Tenant, auditor: User, certifier: User) -> None:
    """Everything that hangs off a certified application, with real bytes behind every file."""
    application, objects = tenant.application, tenant.objects
    enterprise = application.enterprise
    objects["product"] = application.scope.get()

    # Evidence.
    complete_evidence(application)
    evidence = EvidenceFile.objects.filter(requirement__application=application).first()
    evidence.file = _store(f"evidence/{application.pk}/a.pdf", PDF_BYTES)
    evidence.thumbnail = _store(f"evidence/{application.pk}/a-thumb.jpg", PNG_BYTES)
    evidence.preview = _store(f"evidence/{application.pk}/a-preview.jpg", PNG_BYTES)
    evidence.thumbnail_status = EvidenceFile.ThumbnailStatus.READY
    evidence.save(update_fields=["file", "thumbnail", "preview", "thumbnail_status"])
    objects["evidence"] = evidence
    objects["requirement"] = evidence.requirement
    objects["archive"] = EvidenceArchive.objects.create(
        application=application, requested_by=tenant.consultant, status=EvidenceArchive.Status.READY,
        file=_store(f"archives/{application.pk}.zip", b"PK\x05\x06" + b"\0" * 18),
    )  # fmt: skip
    objects["outlet"] = enterprise.outlets.first()
    objects["manager"] = enterprise.managers.first()
    enterprise.seal = _store(f"seals/{enterprise.pk}.png", PNG_BYTES)
    enterprise.save(update_fields=["seal"])

    # The six forms, signed, one version with its PDF, one scan, a law row, paper copies.
    forms_prepared(application)
    forms_ready(application)
    signed = FormRendition.objects.filter(form__application=application, kind=FormRendition.Kind.SIGNED).first()
    signed.file = _store(f"forms/{application.pk}/signed.pdf", PDF_BYTES)
    signed.save(update_fields=["file"])
    objects["rendition"] = signed
    objects["scan"] = FormRendition.objects.create(
        form=signed.form, version=signed.version + 1, kind=FormRendition.Kind.SCAN, status=FormRendition.Status.READY,
        data_fingerprint=signed.data_fingerprint, sha256="2" * 64, requested_by=tenant.user, source=signed.source,
        file=_store(f"forms/{application.pk}/scan.pdf", PDF_BYTES),
    )  # fmt: skip
    laws = application.forms.get(form_type="laws")
    objects["law_row"] = LawStandardRow.objects.create(form=laws, name="GB/T 27922-2011", number="2011")
    objects["shipment"] = PaperShipment.objects.create(
        application=application, courier="顺丰", tracking_number="SF100", sent_on=timezone.localdate(),
        recorded_by=tenant.consultant,
    )  # fmt: skip
    objects["invitation"] = ConsultantInvitation.objects.create(
        application=application, email=tenant.consultant.email, invited_by=tenant.user
    )

    # Audits: three rounds done with photos, an interview, a finding with evidence, the score sheet.
    put_in_status(application, Application.Status.SUBMITTED)
    rounds = finish_rounds(application, auditor)
    objects["round"] = rounds[0]
    photo = CheckInPhoto.objects.filter(audit_round=rounds[0]).first()
    photo.file = _store(f"audits/{application.pk}/photo.png", PNG_BYTES)
    photo.save(update_fields=["file"])
    objects["photo"] = photo
    objects["interview"] = DepartmentInterview.objects.create(
        audit_round=rounds[0], department="售后服务部", interviewees="王芳", recorded_by=auditor
    )
    sheet = score_sheet_at(application, auditor, "0.95")
    objects["indicator"] = sheet.version.indicators.filter(parent__isnull=False).first()
    objects["special_item"] = SpecialItem.objects.create(
        sheet=sheet, kind=SpecialItem.Kind.values[0], reason="测试", created_by=auditor
    )
    objects["finding"] = finding = Finding.objects.create(
        application=application, audit_round=rounds[0], number=1, indicator=objects["indicator"],
        grade=Finding.Grade.OBSERVATION, description="抽查记录", deadline=timezone.localdate(), raised_by=auditor,
    )  # fmt: skip
    objects["finding_evidence"] = FindingEvidence.objects.create(
        finding=finding, file=_store(f"findings/{application.pk}/answer.pdf", PDF_BYTES), original_name="answer.pdf",
        size=len(PDF_BYTES), sha256="3" * 64, uploaded_by=tenant.user,
    )  # fmt: skip

    # The decision and the certificate, with its PDF.
    put_in_status(application, Application.Status.CERTIFIED)
    decision = CertificationDecision.objects.create(
        application=application, outcome="certified", certifier=certifier, score="950.00",
        computed_star_level=5, star_level=5,
    )  # fmt: skip
    certificate = audit_services.certificate_issue(application=application, decision=decision, actor=certifier)
    certificate.pdf_file = _store(f"certificates/{certificate.pk}.pdf", PDF_BYTES)
    certificate.pdf_status = Certificate.PdfStatus.READY
    certificate.save(update_fields=["pdf_file", "pdf_status"])
    objects["certificate"] = certificate
    # An approved change (its superseded version kept with a PDF) and an open one with a file.
    approved = CertificateChange.objects.create(
        certificate=certificate, requested_by=tenant.user, status=CertificateChange.Status.APPROVED,
        new_holder_address="新地址", decided_by=certifier, decided_at=timezone.now(), version_issued=2,
    )  # fmt: skip
    objects["certificate_version"] = CertificateVersion.objects.create(
        certificate=certificate, version=1, holder_name=certificate.holder_name, holder_address="旧地址",
        scope=certificate.scope, star_level=5, superseded_by=approved,
        pdf_file=_store(f"certificates/{certificate.pk}/v1.pdf", PDF_BYTES),
    )  # fmt: skip
    product = application.scope.first()
    objects["certificate_change"] = change = CertificateChange.objects.create(
        certificate=certificate, requested_by=tenant.user, products_added=[str(product)]
    )
    objects["certificate_change_file"] = CertificateChangeFile.objects.create(
        change=change, product=product, file=_store(f"audits/certificate-changes/{certificate.pk}/a.pdf", PDF_BYTES),
        original_name="a.pdf", size=len(PDF_BYTES), sha256="4" * 64, uploaded_by=tenant.user,
    )  # fmt: skip
    # A surveillance audit of the certificate, decided (so that enterprise A has no open application).
    surveillance_application = Application.objects.create(
        enterprise=application.enterprise, reference=f"{application.reference}-S1", kind=Application.Kind.SURVEILLANCE,
        status=Application.Status.CERTIFIED, consultant=application.consultant, submitted_at=timezone.now(),
        closed_at=timezone.now(),
    )  # fmt: skip
    objects["surveillance_application"] = surveillance_application
    objects["surveillance"] = SurveillanceAudit.objects.create(
        certificate=certificate, sequence=1, application=surveillance_application, opened_by=auditor,
        outcome=SurveillanceAudit.Outcome.MAINTAINED, decided_by=certifier, decided_at=timezone.now(),
    )  # fmt: skip
    objects["api_token"], _key = api_token_create(user=tenant.user, name="ERP", scope=ApiToken.Scope.READ)
    # A complaint about the certificate, with its attachment, and the enterprise's appeal of the star level.
    objects["complaint"] = complaint = Complaint.objects.create(
        certificate=certificate, about=Complaint.About.HOLDER, name="张三", email="zhang@example.com", text="投诉",
        due_on=timezone.localdate(),
    )  # fmt: skip
    objects["complaint_file"] = ComplaintFile.objects.create(
        complaint=complaint, file=_store(f"audits/complaints/{certificate.pk}/a.pdf", PDF_BYTES), original_name="a.pdf",
        size=len(PDF_BYTES), sha256="5" * 64,
    )  # fmt: skip
    objects["appeal"] = Appeal.objects.create(
        application=application, against=Appeal.Against.STAR_LEVEL, decision=decision, decided_on=timezone.localdate(),
        filed_by=tenant.user, grounds="申诉理由", due_on=timezone.localdate(),
    )  # fmt: skip
    objects["notification"] = Notification.objects.create(
        recipient=tenant.user, kind=Kind.values[0], application=application, title="通知", url="/"
    )
    objects["webhook"] = webhook = WebhookEndpoint.objects.create(
        owner=tenant.user, url="https://hooks.example.com/a", events=["certificate.issued"], secret="a" * 64
    )
    objects["webhook_delivery"] = WebhookDelivery.objects.create(
        endpoint=webhook, event="certificate.issued", event_id="00000000-0000-0000-0000-00000000000a", body="{}"
    )


def build_world() -> World:
    auditor = UserFactory(role=User.Role.AUDITOR)
    certifier = UserFactory(role=User.Role.CERTIFIER)
    body_manager = UserFactory(role=User.Role.BODY_MANAGER)
    superuser = UserFactory(role="", is_superuser=True, is_staff=True)
    a = _tenant(SECRET_NAME_A, SECRET_REFERENCE_A, 41, auditor, certifier, full=True)
    b = _tenant("乙方测试企业有限公司", "SA-2026-77002", 42, auditor, certifier, full=False)
    # The body manager took no part in enterprise A's audits or decision: they handle its complaint and appeal.
    for case in (a.objects["complaint"], a.objects["appeal"]):
        type(case).objects.filter(pk=case.pk).update(status="assigned", assigned_to=body_manager)
    users: dict[str, User | None] = {
        ANONYMOUS: None,
        ENTERPRISE_A: a.user,
        ENTERPRISE_B: b.user,
        CONSULTANT_A: a.consultant,
        CONSULTANT_B: b.consultant,
        AUDITOR: auditor,
        CERTIFIER: certifier,
        BODY_MANAGER: body_manager,
        SUPERUSER: superuser,
    }
    return World(users=users, a=a, b=b)


def world_fixture(django_db_blocker: Any, media_root: Path) -> Iterator[World]:
    """Build the world in a transaction that is never committed (see the module docstring)."""
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
