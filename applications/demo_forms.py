"""Demo application forms for `seed_demo`: a red company seal for every demo enterprise, the six
forms for each demo application from form preparation on, generated versions from 'awaiting
signature' on, and signed versions for the applications already with the certification body.

Rendering the ~120 PDFs takes about half a minute, so it happens only with `seed_demo --with-pdfs`
(what `make run` does), synchronously: the seed runs outside any request.
"""

from __future__ import annotations

import io
import math
import shutil
import subprocess
from datetime import timedelta
from functools import cache

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from applications import demo
from applications.models import (
    Application,
    ApplicationEvent,
    FormRendition,
    FormSignature,
    FormType,
    LawStandardRow,
    PaperShipment,
)
from applications.services import forms as form_services
from certportal.accounts.models import User
from certportal.lib import images

Status = Application.Status
EventKind = ApplicationEvent.Kind
SEAL_RED = (205, 24, 30, 255)
SEAL_SIZE = 420

FORMS_FROM = [status for status in Status.values if status not in (Status.DRAFT, Status.INFO_SUBMITTED)]
GENERATED_FROM = [
    status
    for status in Status.values
    if status not in (Status.DRAFT, Status.INFO_SUBMITTED, Status.FORMS_PREPARATION, Status.WITHDRAWN)
]
SIGNED_FROM = [status for status in GENERATED_FROM if status != Status.AWAITING_SIGNATURE]

CONTRACT_DATA = {
    "application_fee": "3000",
    "audit_fee": "18000",
    "certificate_fee": "2000",
    "surveillance_fee": "9000",
}
REMOTE_AUDIT_DATA = {
    "audit_method": "FS02",
    "platform": "腾讯会议",
    "connection_tested": True,
    "consent_confidentiality": True,
    "consent_recording": True,
}


# --- The seal ---------------------------------------------------------------------------------


@cache
def seal_font_path() -> tuple[str, int] | None:
    """A bold Chinese font for the seal's text (fontconfig knows where it is)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    found = subprocess.run(
        [fc_match, "-f", "%{file}|%{index}", "Noto Sans CJK SC:style=Bold"], capture_output=True, text=True, check=False
    ).stdout
    path, _, index = found.partition("|")
    return (path, int(index or 0)) if path else None


def draw_seal(name: str) -> bytes:
    """A round red company seal (公章): a ring, a five-pointed star, the name along the top."""
    image = Image.new("RGBA", (SEAL_SIZE, SEAL_SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = SEAL_SIZE / 2
    draw.ellipse((10, 10, SEAL_SIZE - 10, SEAL_SIZE - 10), outline=SEAL_RED, width=13)
    star_radius = SEAL_SIZE * 0.16
    points = [
        (
            centre + (star_radius if index % 2 == 0 else star_radius * 0.382) * math.cos(math.radians(90 + 36 * index)),
            centre - (star_radius if index % 2 == 0 else star_radius * 0.382) * math.sin(math.radians(90 + 36 * index)),
        )
        for index in range(10)
    ]
    draw.polygon(points, fill=SEAL_RED)
    font_path = seal_font_path()
    if font_path is not None:
        _draw_name(image, name, font_path)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _draw_name(image: Image.Image, name: str, font_path: tuple[str, int]) -> None:
    size = 44 if len(name) <= 12 else 36
    font = ImageFont.truetype(font_path[0], size=size, index=font_path[1])
    centre = SEAL_SIZE / 2
    radius = SEAL_SIZE / 2 - 48
    span = min(250.0, 21.0 * len(name))
    for position, character in enumerate(name):
        angle = 90 + span / 2 - (span * position / max(1, len(name) - 1))
        tile = Image.new("RGBA", (size + 8, size + 8), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((4, 0), character, font=font, fill=SEAL_RED)
        tile = tile.rotate(angle - 90, resample=Image.Resampling.BICUBIC, expand=True)
        x = centre + radius * math.cos(math.radians(angle)) - tile.width / 2
        y = centre - radius * math.sin(math.radians(angle)) - tile.height / 2
        image.alpha_composite(tile, (round(x), round(y)))


def draw_signature(name: str) -> bytes:
    """A handwriting-like signature: the name in a slanted scrawl of strokes."""
    image = Image.new("RGBA", (360, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    font_path = seal_font_path()
    if font_path is not None:
        font = ImageFont.truetype(font_path[0], size=64, index=font_path[1])
        draw.text((20, 18), name, font=font, fill=(20, 20, 60, 255))
    draw.line([(14, 100), (120, 92), (230, 104), (340, 88)], fill=(20, 20, 60, 255), width=4)
    sheared = image.transform(image.size, Image.Transform.AFFINE, (1, 0.25, -15, 0, 1, 0), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    sheared.save(buffer, format="PNG")
    return buffer.getvalue()


# --- Forms, versions, signatures -------------------------------------------------------------


def seed_forms(application: Application, *, member: User) -> None:
    """The six forms of one demo application, with the consultant's fields filled in."""
    if application.status not in FORMS_FROM or application.forms.exists():
        return
    if not application.enterprise.seal:
        form_services.enterprise_seal_save(
            enterprise=application.enterprise, actor=member, content=draw_seal(application.enterprise.name)
        )
    forms = form_services.application_forms_ensure(application=application)
    forms[FormType.CONTRACT].data = CONTRACT_DATA
    forms[FormType.REMOTE_AUDIT].data = REMOTE_AUDIT_DATA
    for form in forms.values():
        form.save(update_fields=["data", "updated_at"])
    product = application.scope.order_by("pk").first()
    if product is not None:
        row = LawStandardRow.objects.create(
            form=forms[FormType.LAWS], name=f"{product.name}通用技术条件", number="Q/DEMO 001-2024",
            issuer=application.enterprise.name,
        )  # fmt: skip
        row.products.set([product])


def render_pdfs(application: Application, *, member: User) -> int:
    """Generated versions from 'awaiting signature' on, signed ones once with the certification
    body, rendered here and now; returns how many PDFs were rendered."""
    if application.status not in GENERATED_FROM or not application.forms.exists():
        return 0
    rendered = 0
    if not FormRendition.objects.filter(form__application=application).exists():
        # The history is past: the consultant generated the forms back then, whatever the status now.
        consultant = application.consultant
        assert consultant is not None  # every demo application past the draft has its consultant
        versions = form_services.generate_versions(application=application, actor=consultant, queue=False).queued
        _backdate(application, versions, EventKind.FORMS_GENERATED, before=Status.AWAITING_SIGNATURE)
        rendered += _render(versions)
    signed_before = FormRendition.objects.filter(form__application=application, kind=FormRendition.Kind.SIGNED)
    if application.status in SIGNED_FROM and not signed_before.exists():
        name = application.enterprise.legal_representative
        signed = [
            form_services.sign_version(
                form=form,
                actor=member,
                signer_name=name,
                signer_title="总经理",
                signature=images.signature_png(draw_signature(name)),
                queue=False,
            )
            for form in application.forms.select_related("application__enterprise")
        ]
        _backdate(application, signed, EventKind.FORM_SIGNED, before=Status.SUBMITTED)
        rendered += _render(signed)
    return rendered


def _backdate(application: Application, versions: list[FormRendition], kind: str, *, before: str) -> None:
    """Place what the seed just did in the demo's past: an hour before the application moved on."""
    moved_on = application.events.filter(kind=EventKind.TRANSITION, to_status=before).order_by("created_at").first()
    if moved_on is None:
        return
    when = moved_on.created_at - timedelta(hours=1)
    ids = [version.pk for version in versions]
    FormRendition.objects.filter(pk__in=ids).update(created_at=when, updated_at=when)
    FormSignature.objects.filter(rendition__in=ids).update(signed_at=when)
    application.events.filter(kind=kind, created_at__gt=moved_on.created_at).update(created_at=when)


def seed_shipment(application: Application) -> None:
    """The paper copies of an application with the certification body: mailed, and received."""
    if application.status not in SIGNED_FROM or application.shipments.exists() or application.submitted_at is None:
        return
    assert application.consultant is not None  # every submitted demo application has one
    sent_on = timezone.localdate(application.submitted_at) + timedelta(days=1)
    shipment = PaperShipment.objects.create(
        application=application, courier="顺丰速运", tracking_number=f"SF{1_300_000_000 + application.pk * 7919}",
        sent_on=sent_on, recorded_by=application.consultant,
    )  # fmt: skip
    ApplicationEvent.objects.create(
        application=application, kind=EventKind.PAPER_SENT, actor=application.consultant,
        data={"courier": shipment.courier, "tracking_number": shipment.tracking_number, "sent_on": str(sent_on)},
        created_at=application.submitted_at + timedelta(days=1),
    )  # fmt: skip
    received_on = sent_on + timedelta(days=2)
    if application.status != Status.SUBMITTED and received_on <= timezone.localdate():
        PaperShipment.objects.filter(pk=shipment.pk).update(received_on=received_on)
        ApplicationEvent.objects.create(
            application=application, kind=EventKind.PAPER_RECEIVED, actor=application.consultant,
            data={"tracking_number": shipment.tracking_number, "received_on": str(received_on)},
            created_at=application.submitted_at + timedelta(days=3),
        )  # fmt: skip


def _render(versions: list[FormRendition]) -> int:
    return sum(form_services.rendition_process(rendition_id=version.pk, claim="seed_demo") for version in versions)


def _demo_applications() -> list[tuple[Application, User]]:
    found = []
    for demo_enterprise in demo.DEMO_ENTERPRISES:
        member = User.objects.filter(username=f"demo-stage-{demo_enterprise.status.replace('_', '-')}").first()
        application = (
            Application.objects.filter(enterprise__name=demo_enterprise.name)
            .select_related("enterprise", "consultant")
            .first()
        )
        if member is not None and application is not None:
            found.append((application, member))
    return found


def seed(people: dict[str, User], *, with_pdfs: bool = False, statuses: list[str] | None = None) -> int:
    """The forms of the demo applications; with `with_pdfs`, their PDFs too (about half a minute:
    some 120 PDFs). Returns how many PDFs were rendered."""
    rendered = 0
    for application, member in _demo_applications():
        if statuses is not None and application.status not in statuses:
            continue
        seed_forms(application, member=member)
        seed_shipment(application)
        if with_pdfs:
            rendered += render_pdfs(application, member=member)
    return rendered
