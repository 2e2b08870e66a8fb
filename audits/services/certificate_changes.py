"""Certificate changes (变更): the holder asks for a new name, address or scope; the body reviews it and
a certifier approves, refuses, or asks for a remote round first (the change stays open with a note).

An approved change reissues the certificate under the same number as the next version: the row of
the certificate states the current version (so every page, the PDF and the public search show it),
the version it replaces is kept as a `CertificateVersion` (its statements and a copy of its PDF),
and the worker renders the new PDF. Two certifiers deciding at once: the conditional update on the
open change lets one win; the other is told the change has just been decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Product
from applications.people import people_of, staff_with_role
from audits.models import Certificate, CertificateChange, CertificateChangeFile, CertificateEvent, CertificateVersion
from audits.services.certificates import certificate_pdf_enqueue
from audits.services.findings import EVIDENCE_FAMILIES, EVIDENCE_MAX_BYTES
from certportal.accounts.models import User
from certportal.lib.files import generated_name
from certportal.lib.guards import enforce
from certportal.lib.uploads import StoredUpload, UploadRefused, upload_store
from notifications.models import Kind
from notifications.services import notify

ChangeStatus = CertificateChange.Status
NAME_MAX = 200
ADDRESS_MAX = 300
EXPLANATION_MAX = 2000
ALREADY_WAITING = gettext_lazy("A change of this certificate is already waiting for the certification body.")


class Decision(models.TextChoices):
    APPROVE = "approve", gettext_lazy("Approve: reissue the certificate")
    REFUSE = "refuse", gettext_lazy("Refuse")
    REMOTE_ROUND = "remote_round", gettext_lazy("The body asks for a remote round first")


DECISION_NOTICES = {
    Decision.APPROVE: gettext_lazy("approved, the certificate is reissued"),
    Decision.REFUSE: gettext_lazy("refused"),
    Decision.REMOTE_ROUND: gettext_lazy("the body asks for a remote round"),
}


@dataclass
class ChangeRequest:
    """What the holder asks for. Name and address as they should read (the current text: unchanged);
    `remove` holds entries of the current scope, `add` products of the enterprise with their files."""

    holder_name: str
    holder_address: str
    remove: list[str] = field(default_factory=list)
    add: list[Product] = field(default_factory=list)
    files: dict[int, Sequence[UploadedFile]] = field(default_factory=dict)
    explanation: str = ""


def file_field_name(product: Product) -> str:
    """The form field carrying the evidence of one added product (errors are shown next to it)."""
    return f"files_{product.pk}"


def is_holder(actor: User, certificate: Certificate) -> bool:
    return actor.is_superuser or bool(actor.is_enterprise_user and actor.enterprise_id == certificate.enterprise_id)


def is_certifier(actor: User) -> bool:
    return actor.has_perm("audits.change_certificates")


def candidate_products(certificate: Certificate) -> list[Product]:
    """The enterprise's products that the certificate does not cover yet."""
    covered = set(certificate.scope)
    return [product for product in certificate.enterprise.products.all() if str(product) not in covered]


def open_change(certificate: Certificate) -> CertificateChange | None:
    return certificate.changes.filter(status=ChangeStatus.OPEN).first()


# --- Request --------------------------------------------------------------------------------------


def certificate_change_request_problem(certificate: Certificate, actor: User) -> str | None:
    """Why this actor cannot ask for a change of the certificate now; None when they can."""
    if not is_holder(actor, certificate):
        return _("Only the holder's users ask for a change of the certificate.")
    if not certificate.is_valid():
        return _("Only a valid certificate can be changed; this one is %(status)s.") % {
            "status": certificate.effective_status_display()
        }
    if open_change(certificate) is not None:
        return str(ALREADY_WAITING)
    return None


def certificate_change_request(*, certificate: Certificate, actor: User, request: ChangeRequest) -> CertificateChange:
    """The holder asks for a change; the files covering added products pass the upload check, and
    the certifiers are told."""
    enforce(certificate_change_request_problem(certificate, actor), permitted=is_holder(actor, certificate))
    values = _validated(certificate, request)
    stored = _files_store(certificate, request)
    try:
        with transaction.atomic():
            change = CertificateChange.objects.create(certificate=certificate, requested_by=actor, **values)
            for product, upload in stored:
                _file_record(change, product, actor, upload)
    except IntegrityError as error:
        _files_delete(stored)
        raise ValidationError(str(ALREADY_WAITING)) from error
    except BaseException:
        _files_delete(stored)
        raise
    notify(
        recipients=staff_with_role(User.Role.CERTIFIER),
        kind=Kind.CERTIFICATE_CHANGE_REQUESTED,
        application=certificate.application,
        url=reverse("audits:certificate_change", args=[change.pk]),
        context={"number": certificate.number, "summary": "; ".join(change_summary(change))},
        exclude=actor,
    )
    return change


def _validated(certificate: Certificate, request: ChangeRequest) -> dict[str, object]:
    name, address = request.holder_name.strip(), request.holder_address.strip()
    explanation = request.explanation.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["holder_name"] = [_("The holder's name cannot be empty.")]
    elif len(name) > NAME_MAX:
        errors["holder_name"] = [_("At most %(limit)s characters.") % {"limit": NAME_MAX}]
    if not address:
        errors["holder_address"] = [_("The address cannot be empty.")]
    elif len(address) > ADDRESS_MAX:
        errors["holder_address"] = [_("At most %(limit)s characters.") % {"limit": ADDRESS_MAX}]
    if len(explanation) > EXPLANATION_MAX:
        errors["explanation"] = [_("At most %(limit)s characters.") % {"limit": EXPLANATION_MAX}]
    removed = [entry for entry in certificate.scope if entry in set(request.remove)]
    if len(removed) != len(set(request.remove)):
        errors["remove"] = [_("Only products in the certificate's scope can be removed.")]
    candidates = {product.pk for product in candidate_products(certificate)}
    if any(product.pk not in candidates for product in request.add):
        errors["add"] = [_("Only products of the enterprise that the certificate does not cover can be added.")]
    for product in request.add:
        if not request.files.get(product.pk):
            errors[file_field_name(product)] = [_("Upload at least one file that covers %(product)s.") % {
                "product": product
            }]  # fmt: skip
    if len(removed) == len(certificate.scope) and not request.add:
        errors["remove"] = [_("The scope cannot be empty: keep or add at least one product.")]
    if errors:
        raise ValidationError(errors)
    values: dict[str, object] = {
        "new_holder_name": name if name != certificate.holder_name else "",
        "new_holder_address": address if address != certificate.holder_address else "",
        "products_removed": removed,
        "products_added": [str(product) for product in request.add],
        "explanation": explanation,
    }
    if not any(values[key] for key in ("new_holder_name", "new_holder_address", "products_removed", "products_added")):
        raise ValidationError(_("Nothing would change: give a new name, a new address, or products to add or remove."))
    return values


def _files_store(certificate: Certificate, request: ChangeRequest) -> list[tuple[Product, StoredUpload]]:
    """Check and store every file before anything is recorded; one refused file refuses the request
    (shown next to its product) and leaves none of them behind."""
    stored: list[tuple[Product, StoredUpload]] = []
    for product in request.add:
        for upload in request.files.get(product.pk, []):
            try:
                each = upload_store(
                    upload,
                    families=EVIDENCE_FAMILIES,
                    folder=f"audits/certificate-changes/{certificate.pk}",
                    max_bytes=EVIDENCE_MAX_BYTES,
                )
            except UploadRefused as refusal:
                _files_delete(stored)
                raise ValidationError({file_field_name(product): [refusal.message]}) from refusal
            stored.append((product, each))
    return stored


def _files_delete(stored: list[tuple[Product, StoredUpload]]) -> None:
    for _product, each in stored:
        default_storage.delete(each.name)


def _file_record(change: CertificateChange, product: Product, actor: User, stored: StoredUpload) -> None:
    CertificateChangeFile.objects.create(
        change=change,
        product=product,
        file=stored.name,
        original_name=stored.original_name[:255],
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor,
    )


def change_summary(change: CertificateChange) -> list[str]:
    """What the change asks for, one line per point (for the certifiers' notice)."""
    lines = []
    if change.new_holder_name:
        lines.append(_("Holder: %(name)s") % {"name": change.new_holder_name})
    if change.new_holder_address:
        lines.append(_("Address: %(address)s") % {"address": change.new_holder_address})
    if change.products_added:
        lines.append(_("Products added: %(products)s") % {"products": "、".join(change.products_added)})
    if change.products_removed:
        lines.append(_("Products removed: %(products)s") % {"products": "、".join(change.products_removed)})
    return lines


# --- Decision -------------------------------------------------------------------------------------


def certificate_change_decide_problem(change: CertificateChange, actor: User) -> str | None:
    """Why this actor cannot decide on the change now; None when they can."""
    if not is_certifier(actor):
        return _("Only certifiers decide on changes of a certificate.")
    if not change.is_open:
        return _("This change has already been decided.")
    if not change.certificate.is_valid():
        return _("The certificate is %(status)s; it cannot be reissued.") % {
            "status": change.certificate.effective_status_display()
        }
    return None


def certificate_change_decide(
    *, change: CertificateChange, actor: User, decision: str, reason: str
) -> CertificateChange:
    """Approve (reissue the certificate as its next version), refuse with reasons, or keep the change
    open while the body asks for a remote round. The holder and the consultant are told."""
    enforce(certificate_change_decide_problem(change, actor), permitted=is_certifier(actor))
    reason = reason.strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("Unknown decision.")]})
    if decision != Decision.APPROVE and not reason:
        raise ValidationError({"reason": [_("Please give the reasons; the holder is told.")]})
    if len(reason) > EXPLANATION_MAX:
        raise ValidationError({"reason": [_("At most %(limit)s characters.") % {"limit": EXPLANATION_MAX}]})
    with transaction.atomic():
        if decision == Decision.APPROVE:
            _approve(change, actor, reason)
        elif decision == Decision.REFUSE:
            _refuse(change, actor, reason)
        else:
            _claim(change, remote_round_note=reason)
        change.refresh_from_db()
        _tell_holder(change, actor, decision, reason)
    return change


def _claim(change: CertificateChange, **values: object) -> None:
    """The conditional update on the open change: of two certifiers at once, one wins."""
    updated = CertificateChange.objects.filter(pk=change.pk, status=ChangeStatus.OPEN).update(
        **values, updated_at=timezone.now()
    )
    if updated != 1:
        raise ValidationError(_("This change has just been decided by someone else. Please look at it again."))


def _refuse(change: CertificateChange, actor: User, reason: str) -> None:
    now = timezone.now()
    _claim(change, status=ChangeStatus.REFUSED, decided_by=actor, decided_at=now, decision_reason=reason)
    CertificateEvent.objects.create(
        certificate=change.certificate,
        kind=CertificateEvent.Kind.CHANGE_REFUSED,
        actor=actor,
        reason=reason,
        data={"change": change.pk},
        created_at=now,
    )


def _approve(change: CertificateChange, actor: User, reason: str) -> None:
    now = timezone.now()
    certificate = Certificate.objects.get(pk=change.certificate_id)
    version = certificate.version + 1
    _claim(
        change, status=ChangeStatus.APPROVED, decided_by=actor, decided_at=now, decision_reason=reason,
        version_issued=version,
    )  # fmt: skip
    scope = [entry for entry in certificate.scope if entry not in change.products_removed]
    scope += [entry for entry in change.products_added if entry not in scope]
    pdf_copy = _pdf_copy(certificate)
    try:
        CertificateVersion.objects.create(
            certificate=certificate, version=certificate.version, holder_name=certificate.holder_name,
            holder_address=certificate.holder_address, scope=certificate.scope, star_level=certificate.star_level,
            pdf_file=pdf_copy, superseded_at=now, superseded_by=change,
        )  # fmt: skip
        updated = Certificate.objects.filter(pk=certificate.pk, version=certificate.version).update(
            version=version,
            holder_name=change.new_holder_name or certificate.holder_name,
            holder_address=change.new_holder_address or certificate.holder_address,
            scope=scope,
            updated_at=now,
        )
        if updated != 1:
            raise ValidationError(_("This certificate has just changed. Please look at it again."))
        certificate.refresh_from_db()
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.CHANGED,
            actor=actor,
            reason=reason,
            data=_what_changed(change, version),
            created_at=now,
        )
        certificate_pdf_enqueue(certificate)
    except BaseException:
        if pdf_copy:
            default_storage.delete(pdf_copy)
        raise


def _pdf_copy(certificate: Certificate) -> str:
    """A copy of the current PDF kept with the superseded version (the worker deletes the current
    file once the new one is stored)."""
    if not certificate.pdf_file.name or not default_storage.exists(certificate.pdf_file.name):
        return ""
    with default_storage.open(certificate.pdf_file.name, "rb") as handle:
        return default_storage.save(
            generated_name(f"certificates/{certificate.pk}/versions", f"v{certificate.version}.pdf"), handle
        )


def _what_changed(change: CertificateChange, version: int) -> dict[str, object]:
    """The public facts of an approved change, kept in the certificate's history."""
    data: dict[str, object] = {"version": version, "change": change.pk}
    if change.new_holder_name:
        data["holder_name"] = change.new_holder_name
    if change.new_holder_address:
        data["holder_address"] = change.new_holder_address
    if change.products_added:
        data["added"] = change.products_added
    if change.products_removed:
        data["removed"] = change.products_removed
    return data


def _tell_holder(change: CertificateChange, actor: User, decision: str, reason: str) -> None:
    certificate = change.certificate
    notice = DECISION_NOTICES[Decision(decision)]
    notify(
        recipients=people_of(certificate.application),
        kind=Kind.CERTIFICATE_CHANGE_DECIDED,
        application=certificate.application,
        url=reverse("audits:certificate_change", args=[change.pk]),
        context={
            "number": certificate.number,
            "decision": notice,
            "comment": reason,
        },
        exclude=actor,
    )


# --- Reads ----------------------------------------------------------------------------------------


def public_change_history(certificate: Certificate) -> list[CertificateEvent]:
    """The approved changes, oldest first: dates and what changed, never the body's reasons. Version
    1 has had none, so its page needs no query for them."""
    if certificate.version == 1:
        return []
    return list(
        CertificateEvent.objects.filter(certificate=certificate, kind=CertificateEvent.Kind.CHANGED)
        .only("created_at", "data")
        .order_by("created_at", "pk")
    )


def certificate_changes_panel(certificate: Certificate, actor: User) -> dict[str, object]:
    """What the certificate page shows of its changes: the requests, the superseded versions, and
    whether this actor may ask for a change now."""
    return {
        "change_request_problem": certificate_change_request_problem(certificate, actor),
        "is_holder": is_holder(actor, certificate),
        "certificate_changes": list(certificate.changes.select_related("requested_by")),
        "certificate_versions": list(certificate.versions.all()),
    }
