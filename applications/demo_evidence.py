"""Demo evidence for `seed_demo`: each demo application gets its checklist, and files that match
where it stands in the workflow. Small documents are drawn in code (a PNG or a one-page PDF per
item, with the item's name on it), so the checklist, thumbnails, previews and the ZIP all work.

What each stage shows:
- draft, info submitted, withdrawn: the first items uploaded, awaiting review;
- forms preparation: items 0–12 accepted, 13–16 awaiting review, one certificate sent back;
- awaiting signature: everything complete, so once the forms are signed the consultant can submit;
- returned: complete, but item 2 sent back as a whole by the consultant (the reason of the return);
- submitted and later: every application item complete;
- audit preparation: two pre-audit documents accepted, one awaiting review;
- remote audit and later: the pre-audit documents complete as well.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from applications.demo import DEMO_ENTERPRISES
from applications.models import (
    Application,
    ApplicationEvent,
    EvidenceFile,
    EvidenceItem,
    EvidenceRequirement,
)
from applications.services.evidence import evidence_requirements_ensure
from certportal.accounts.models import User
from certportal.lib.files import generated_name
from certportal.lib.previews import previews_render_trusted

Status = Application.Status
FileStatus = EvidenceFile.Status
Kind = ApplicationEvent.Kind
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

COMPLETE_STATUSES = (
    Status.SUBMITTED,
    Status.UNDER_REVIEW,
    Status.AUDIT_PREPARATION,
    Status.REMOTE_AUDIT,
    Status.EVALUATION,
    Status.DECISION,
    Status.CERTIFIED,
    Status.NOT_CERTIFIED,
)
PRE_AUDIT_DONE = (Status.REMOTE_AUDIT, Status.EVALUATION, Status.DECISION, Status.CERTIFIED, Status.NOT_CERTIFIED)
RETURN_REASON = "发证机构审查意见：销售合同请补充近一年内签订的合同。"
CERTIFICATE_REASON = "证书已过有效期，请上传在有效期内的证书。"


@dataclass(frozen=True)
class Plan:
    """For one item: how many files, in which states."""

    accepted: int = 0
    pending: int = 0
    rejected: int = 0
    reason: str = ""


def plan_for(status: str, item: EvidenceItem) -> Plan:
    code, copies = item.code, max(item.copies_required, 1 if item.kind == EvidenceItem.Kind.YES_NO else 0)
    if item.from_profile:
        return Plan()
    if item.phase == EvidenceItem.Phase.PRE_AUDIT:
        if status in PRE_AUDIT_DONE:
            return Plan(accepted=copies)
        if status == Status.AUDIT_PREPARATION:
            return {"P1": Plan(accepted=copies), "P2": Plan(accepted=copies), "P3": Plan(pending=1)}.get(code, Plan())
        return Plan()
    if status in (*COMPLETE_STATUSES, Status.RETURNED, Status.AWAITING_SIGNATURE):
        return Plan(accepted=copies)
    number = int(code)
    if status == Status.FORMS_PREPARATION:
        if code == "8":
            return Plan(accepted=copies - 1, rejected=1, reason=CERTIFICATE_REASON)
        if number <= 12:
            return Plan(accepted=copies)
        return Plan(pending=copies) if number <= 16 else Plan()
    if status == Status.INFO_SUBMITTED:
        return Plan(accepted=copies) if number == 0 else Plan(pending=copies) if number <= 4 else Plan()
    if status in (Status.DRAFT, Status.WITHDRAWN):
        return Plan(pending=copies) if number <= 1 else Plan()
    return Plan()


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONT), size, index=2)
    except OSError:
        return ImageFont.load_default()


@cache
def document_bytes(code: str, title: str, kind: str) -> tuple[bytes, bytes, bytes]:
    """(content, thumbnail, preview) of a small demo document for one item, as PNG or one-page PDF."""
    page = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, 600, 130), fill=(179, 38, 30))
    draw.rectangle((20, 20, 580, 780), outline=(179, 38, 30), width=6)
    draw.text((50, 30), f"{code}", fill="white", font=_font(64))
    for line in range(12):
        draw.rectangle((50, 420 + line * 22, 550 - (line % 3) * 60, 430 + line * 22), fill=(205, 205, 205))
    lines = [title[i : i + 14] for i in range(0, len(title), 14)]
    for number, text in enumerate(lines):
        draw.text((50, 160 + number * 48), text, fill="black", font=_font(34))
    draw.text((50, 700), "演示文件 · certportal", fill=(120, 120, 120), font=_font(24))
    output = io.BytesIO()
    page.save(output, format="PDF" if kind == "pdf" else "PNG")
    content = output.getvalue()
    drawn = previews_render_trusted(source=io.BytesIO(content), family="pdf" if kind == "pdf" else "image")
    return content, drawn.thumbnail, drawn.preview


def seed_application(application: Application, members: list[User], consultant: User) -> None:
    evidence_requirements_ensure(application)
    if EvidenceFile.objects.filter(requirement__application=application).exists():
        return
    requirements = list(
        EvidenceRequirement.objects.filter(application=application).select_related("item").order_by("item__position")
    )
    scope = list(application.scope.all())
    started = application.created_at
    uploader = members[0] if members else consultant
    files: list[EvidenceFile] = []
    for requirement in requirements:
        item = requirement.item
        if item.kind == EvidenceItem.Kind.YES_NO and application.status in (*COMPLETE_STATUSES, Status.RETURNED,
                                                                            Status.AWAITING_SIGNATURE):  # fmt: skip
            requirement.answer = True
            requirement.answer_note = "ERP（用友）、CRM、售后工单系统；各部门均在使用。"
            requirement.save(update_fields=["answer", "answer_note"])
        plan = plan_for(application.status, item)
        states = [FileStatus.ACCEPTED] * plan.accepted + [FileStatus.REJECTED] * plan.rejected
        states += [FileStatus.PENDING] * plan.pending
        for number, status in enumerate(states, start=1):
            files.append(_demo_file(application, requirement, status, number, uploader, consultant, plan.reason))
        if application.status == Status.RETURNED and item.code == "2":
            requirement.review_status = EvidenceRequirement.ReviewStatus.REJECTED
            requirement.review_reason = RETURN_REASON
            requirement.reviewed_by = consultant
            requirement.reviewed_at = timezone.now() - timedelta(days=1)
            requirement.save(update_fields=["review_status", "review_reason", "reviewed_by", "reviewed_at"])
    EvidenceFile.objects.bulk_create(files)
    EvidenceFile.products.through.objects.bulk_create(
        [EvidenceFile.products.through(evidencefile_id=f.pk, product_id=p.pk) for f in files for p in scope]
    )
    uploaded_at = started + timedelta(hours=20)
    EvidenceFile.objects.filter(requirement__application=application).update(created_at=uploaded_at)
    _events(application, files, uploaded_at)


def _demo_file(
    application: Application,
    requirement: EvidenceRequirement,
    status: str,
    number: int,
    uploader: User,
    consultant: User,
    reason: str,
) -> EvidenceFile:
    item = requirement.item
    kind = "png" if (int(item.code) if item.code.isdigit() else 0) % 3 == 0 else "pdf"
    content, thumbnail, preview = document_bytes(item.code, item.title_zh, kind)
    title = item.title_zh.split("（")[0][:20]
    original = f"{title}-{number}.{kind}"
    folder = f"evidence/{application.pk}"
    name = default_storage.save(generated_name(folder, original), ContentFile(content))
    thumbnail_name = _shared_thumbnail(folder, item.code, kind, thumbnail)
    preview_name = _shared_thumbnail(folder, item.code, f"{kind}-preview", preview)
    reviewed = status != FileStatus.PENDING
    return EvidenceFile(
        requirement=requirement,
        file=name,
        original_name=original,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type="application/pdf" if kind == "pdf" else "image/png",
        family="pdf" if kind == "pdf" else "image",
        uploaded_by=uploader,
        status=status,
        reviewed_by=consultant if reviewed else None,
        reviewed_at=application.created_at + timedelta(days=1) if reviewed else None,
        review_reason=reason if status == FileStatus.REJECTED else "",
        thumbnail=thumbnail_name,
        preview=preview_name,
        thumbnail_status=EvidenceFile.ThumbnailStatus.READY,
    )


_thumbnails: dict[tuple[str, str, str], str] = {}


def _shared_thumbnail(folder: str, code: str, kind: str, content: bytes) -> str:
    """Demo files of one item look alike: they share one thumbnail and one preview (saves a thousand
    small writes)."""
    key = (folder, code, kind)
    if key not in _thumbnails or not default_storage.exists(_thumbnails[key]):
        _thumbnails[key] = default_storage.save(generated_name(f"{folder}/thumbnails", "t.jpg"), ContentFile(content))
    return _thumbnails[key]


def _events(application: Application, files: list[EvidenceFile], uploaded_at: datetime) -> None:
    events = []
    for offset, evidence in enumerate(files):
        item = evidence.requirement.item
        data = {"item": item.code, "title_zh": item.title_zh, "title_en": item.title_en,
                "file": evidence.original_name, "version": 1}  # fmt: skip
        when = uploaded_at + timedelta(seconds=offset)
        events.append(ApplicationEvent(application=application, kind=Kind.EVIDENCE_UPLOADED,
                                       actor=evidence.uploaded_by, data=data, created_at=when))  # fmt: skip
        if evidence.status != FileStatus.PENDING:
            assert evidence.reviewed_at is not None  # a reviewed file
            kind = Kind.EVIDENCE_ACCEPTED if evidence.status == FileStatus.ACCEPTED else Kind.EVIDENCE_REJECTED
            events.append(
                ApplicationEvent(
                    application=application,
                    kind=kind,
                    actor=evidence.reviewed_by,
                    data=data,
                    comment=evidence.review_reason,
                    created_at=evidence.reviewed_at,
                )
            )
    ApplicationEvent.objects.bulk_create(events)


def seed(people: dict[str, User]) -> None:
    consultant = people["demo-consultant"]
    names = [demo.name for demo in DEMO_ENTERPRISES]
    applications = Application.objects.filter(enterprise__name__in=names).select_related("enterprise")
    for application in applications:
        members = list(User.objects.filter(enterprise=application.enterprise))
        seed_application(application, members, consultant)
