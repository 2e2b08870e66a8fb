"""The application forms: preparing, generating, signing and mailing the six forms.

The consultant fills in their fields and generates the forms; a Celery task renders each version;
the enterprise signs each form in the portal (or signs on paper and uploads the scan, which the
consultant checks); once every form is signed the consultant submits the application, and later
records the paper copies mailed to the certification body.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationForm,
    Enterprise,
    FormRendition,
    FormSignature,
    FormType,
    LawStandardRow,
    PaperShipment,
    Product,
)
from applications.services.form_context import (
    FORM_LANGUAGE,
    FormSource,
    build_context,
    fingerprint,
    load_source,
    missing_fields,
)
from certportal.accounts.models import User
from certportal.lib import images, jobs
from certportal.lib.broker import enqueue_on_commit
from certportal.lib.files import generated_name
from certportal.lib.guards import enforce
from certportal.lib.text import join_clauses, join_list
from certportal.lib.uploads import StoredUpload, UploadRefused, upload_store

logger = logging.getLogger(__name__)

Status = Application.Status
EventKind = ApplicationEvent.Kind
Kind = FormRendition.Kind
RenderStatus = FormRendition.Status
ScanReview = FormRendition.ScanReview

# The consultant prepares and generates the forms while the application is being prepared (or
# was returned); the enterprise signs once the forms are sent for signature (or were returned).
PREPARATION_STATUSES = (Status.FORMS_PREPARATION, Status.AWAITING_SIGNATURE, Status.RETURNED)
SIGNING_STATUSES = (Status.AWAITING_SIGNATURE, Status.RETURNED)
SCAN_MAX_BYTES = 20 * 1024 * 1024
SCAN_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# Generated versions are jobs of the job machine; scans are uploaded, not rendered.
RENDITION_JOB = jobs.JobKind(
    model=FormRendition,
    task_name="applications.tasks.form_render",
    working=RenderStatus.RENDERING,
    claimed_at="started_at",
    queued="queued_at",
    finished="finished_at",
    scope=~Q(kind=Kind.SCAN),
)

# The list of laws and standards starts with what applies to every enterprise under GB/T 27922;
# the consultant adds the product standards.
DEFAULT_LAW_ROWS = (
    ("中华人民共和国产品质量法", "2018年修正", "全国人民代表大会常务委员会"),
    ("中华人民共和国消费者权益保护法", "2013年修正", "全国人民代表大会常务委员会"),
    ("中华人民共和国民法典", "2020年", "全国人民代表大会"),
    ("商品售后服务评价体系", "GB/T 27922-2011", "国家质量监督检验检疫总局、国家标准化管理委员会"),
)


# --- Who may act ---------------------------------------------------------------------------------


def _is_consultant(actor: User, application: Application) -> bool:
    return actor.has_perm("applications.prepare_forms", application)


def _is_signer(actor: User, application: Application) -> bool:
    return actor.has_perm("applications.sign_forms", application)


def forms_prepare_problem(application: Application, actor: User) -> str | None:
    """Why this actor cannot fill in, generate or change the forms now; None when they can."""
    if not _is_consultant(actor, application):
        return _("Only the application's consultant prepares the forms.")
    if application.status not in PREPARATION_STATUSES:
        return _("The forms can only be changed while the application is being prepared.")
    return None


def forms_sign_problem(application: Application, actor: User) -> str | None:
    """Why this actor cannot sign the forms (or upload a signed scan) now; None when they can."""
    if not _is_signer(actor, application):
        return _("Only the enterprise's own users can sign its forms.")
    if application.status not in SIGNING_STATUSES:
        return _("The forms can only be signed once they are sent for signature.")
    return None


def form_scan_review_problem(application: Application, actor: User) -> str | None:
    """Why this actor cannot check the enterprise's scans now; None when they can."""
    if not _is_consultant(actor, application):
        return _("Only the application's consultant checks the scans.")
    if application.status not in SIGNING_STATUSES:
        return _("The scans can only be checked before the application is submitted.")
    return None


def _require_preparation(application: Application, actor: User) -> None:
    enforce(forms_prepare_problem(application, actor), permitted=_is_consultant(actor, application))


def _require_signing(application: Application, actor: User) -> None:
    enforce(forms_sign_problem(application, actor), permitted=_is_signer(actor, application))


# --- The six forms and their state ---------------------------------------------------------------


@transaction.atomic
def application_forms_ensure(*, application: Application) -> dict[str, ApplicationForm]:
    """Create the six forms of an application (and the default list of laws) if they are missing."""
    forms = {form.form_type: form for form in application.forms.all()}
    for form_type in FormType:
        if form_type in forms:
            continue
        form, created = ApplicationForm.objects.get_or_create(application=application, form_type=form_type)
        if created and form_type == FormType.LAWS:
            LawStandardRow.objects.bulk_create(
                [
                    LawStandardRow(form=form, name=name, number=number, issuer=issuer)
                    for name, number, issuer in DEFAULT_LAW_ROWS
                ]
            )
        forms[form_type] = form
    return forms


@dataclass
class FormState:
    """Where one form stands: generated with the current data? signed? outdated?"""

    form_type: FormType
    form: ApplicationForm | None
    fingerprint: str
    missing: list[str]
    latest: FormRendition | None = None  # the newest generated (unsigned) version
    signature: FormRendition | None = None  # the newest signed version or scan (rejected scans aside)
    renditions: list[FormRendition] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.form_type.label)

    @property
    def slug(self) -> str:
        return self.form_type.value

    @property
    def generated(self) -> bool:
        """A version with the current data is ready."""
        return self.current_unsigned is not None

    @property
    def current_unsigned(self) -> FormRendition | None:
        latest = self.latest
        if latest and latest.status == RenderStatus.READY and latest.data_fingerprint == self.fingerprint:
            return latest
        return None

    @property
    def generating(self) -> bool:
        return self.latest_job is not None and self.latest_job.waiting

    @property
    def needs_generation(self) -> bool:
        """Never generated, failed, or the data changed since."""
        latest = self.latest
        return latest is None or latest.status == RenderStatus.FAILED or latest.data_fingerprint != self.fingerprint

    @property
    def signature_current(self) -> bool:
        return self.signature is not None and self.signature.data_fingerprint == self.fingerprint

    @property
    def signature_outdated(self) -> bool:
        return self.signature is not None and self.signature.data_fingerprint != self.fingerprint

    @property
    def scan_waiting(self) -> bool:
        signature = self.signature
        return bool(signature and signature.kind == Kind.SCAN and signature.scan_review == ScanReview.WAITING)

    @property
    def signed(self) -> bool:
        """Signed with the current data: a signed version that is ready, or a confirmed scan."""
        signature = self.signature
        if signature is None or not self.signature_current:
            return False
        if signature.kind == Kind.SCAN:
            return signature.scan_review == ScanReview.CONFIRMED
        return signature.status == RenderStatus.READY

    @property
    def latest_job(self) -> jobs.JobState | None:
        return rendition_job(self.latest) if self.latest else None

    @property
    def signature_job(self) -> jobs.JobState | None:
        """The job of the signed version (a scan is uploaded, not made: no job)."""
        signature = self.signature
        return rendition_job(signature) if signature and signature.kind == Kind.SIGNED else None

    @property
    def slow(self) -> bool:
        """A version of this form has been waited on for longer than usual."""
        return any(rendition_job(r).slow for r in self.renditions if r.kind != Kind.SCAN)

    @property
    def in_progress(self) -> bool:
        """A version of this form is still waited on: its page keeps polling."""
        return any(rendition_job(r).waiting for r in self.renditions if r.kind != Kind.SCAN)


def rendition_job(rendition: FormRendition) -> jobs.JobState:
    """What the pages say of a generated version's job (badges, status cards and counts alike)."""
    return jobs.job_state(RENDITION_JOB, rendition)


def forms_overview(application: Application, *, source: FormSource | None = None) -> list[FormState]:
    """The state of the six forms, in their filing order (a fixed number of queries)."""
    source = source or load_source(application)
    renditions: dict[str, list[FormRendition]] = {form_type: [] for form_type in FormType.values}
    for rendition in (
        FormRendition.objects.filter(form__application=application)
        .select_related("form", "requested_by", "reviewed_by", "signature")
        .defer("context")
        .order_by("-version")
    ):
        renditions[rendition.form.form_type].append(rendition)
    states = []
    for form_type in FormType:
        mine = renditions[form_type]
        states.append(
            FormState(
                form_type=form_type,
                form=source.forms.get(form_type),
                fingerprint=fingerprint(build_context(source, form_type)),
                missing=missing_fields(source, form_type),
                latest=next((r for r in mine if r.kind == Kind.UNSIGNED), None),
                signature=next(
                    (r for r in mine if r.kind != Kind.UNSIGNED and r.scan_review != ScanReview.REJECTED), None
                ),
                renditions=mine,
            )
        )
    return states


def form_state(application: Application, form_type: str) -> FormState:
    return next(state for state in forms_overview(application) if state.form_type == form_type)


# --- The consultant's fields and generation ------------------------------------------------------


@dataclass
class GenerationResult:
    queued: list[FormRendition] = field(default_factory=list)
    unchanged: list[FormRendition] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)  # form label → what is missing


def forms_generate(
    *, application: Application, actor: User, form_types: Iterable[str] | None = None
) -> GenerationResult:
    """Generate new versions of the given forms (all six by default) from the current data.

    A form whose newest version already shows the current data (ready or on its way) is left as it
    is: asking twice gives one version. A form the consultant has not filled in enough is skipped.
    The versions are rendered by a Celery task after commit.
    """
    _require_preparation(application, actor)
    return generate_versions(application=application, actor=actor, form_types=form_types)


def generate_versions(
    *, application: Application, actor: User, form_types: Iterable[str] | None = None, queue: bool = True
) -> GenerationResult:
    """`forms_generate` without its checks of who and when (seed_demo writes past history with it,
    rendering the versions itself rather than queueing them: `queue=False`)."""
    wanted = [FormType(form_type) for form_type in (form_types or FormType.values)]
    result = GenerationResult()
    with transaction.atomic():
        application_forms_ensure(application=application)
        source = load_source(application)
        for form_type in wanted:
            missing = missing_fields(source, form_type)
            if missing:
                result.skipped[str(form_type.label)] = missing
                continue
            rendition, created = _new_unsigned_version(source, form_type, actor, queue=queue)
            (result.queued if created else result.unchanged).append(rendition)
        if result.queued:
            ApplicationEvent.objects.create(
                application=application,
                kind=EventKind.FORMS_GENERATED,
                actor=actor,
                data={"forms": [{"form": r.form.form_type, "version": r.version} for r in result.queued]},
            )
    return result


def _new_unsigned_version(
    source: FormSource, form_type: str, actor: User, *, queue: bool
) -> tuple[FormRendition, bool]:
    # The row lock serialises version numbers and the "already generated" check per form.
    form = ApplicationForm.objects.select_for_update().get(pk=source.forms[form_type].pk)
    context = build_context(source, form_type)
    digest = fingerprint(context)
    latest = form.renditions.filter(kind=Kind.UNSIGNED).order_by("-version").first()
    if latest is not None and latest.data_fingerprint == digest and latest.status != RenderStatus.FAILED:
        return latest, False
    rendition = FormRendition.objects.create(
        form=form,
        version=_next_version(form),
        kind=Kind.UNSIGNED,
        context=context,
        data_fingerprint=digest,
        requested_by=actor,
    )
    if queue:
        _enqueue_render(rendition)
    return rendition, True


def _next_version(form: ApplicationForm) -> int:
    return (form.renditions.aggregate(top=Max("version"))["top"] or 0) + 1


def _enqueue_render(rendition: FormRendition) -> None:
    from applications.tasks.forms import form_render

    enqueue_on_commit(form_render, rendition.pk)


@transaction.atomic
def form_data_save(*, form: ApplicationForm, actor: User, data: dict[str, Any]) -> GenerationResult:
    """Save the consultant's fields of one form, then generate it again with them."""
    _require_preparation(form.application, actor)
    form.data = data
    form.save(update_fields=["data", "updated_at"])
    return forms_generate(application=form.application, actor=actor, form_types=[form.form_type])


def law_row_save(*, row: LawStandardRow, actor: User, products: Iterable[Product]) -> LawStandardRow:
    """Add or change a row of the list of laws and standards (products: those it applies to)."""
    application = row.form.application
    _require_preparation(application, actor)
    chosen = list(products)
    scope_ids = set(application.scope.values_list("pk", flat=True))
    if any(product.pk not in scope_ids for product in chosen):
        raise ValidationError(_("A row can only apply to products in the application's scope."))
    with transaction.atomic():
        row.save()
        row.products.set(chosen)
    return row


def law_row_delete(*, row: LawStandardRow, actor: User) -> None:
    application = row.form.application
    _require_preparation(application, actor)
    row.delete()


def _may_retry(rendition: FormRendition, actor: User) -> bool:
    application = rendition.form.application
    if rendition.kind == Kind.SIGNED and _is_signer(actor, application):
        return True  # the enterprise signed it: the signed version is theirs to ask for again
    return actor.has_perm("applications.retry_jobs", application)


def rendition_retry_problem(rendition: FormRendition, actor: User) -> str | None:
    """Why this actor cannot queue this version again now; None when they can."""
    if not _may_retry(rendition, actor):
        return _("Only the consultant and the certification body's staff can try this again.")
    if rendition.kind == Kind.SCAN or rendition.status != RenderStatus.FAILED:
        return _("Only a version that failed can be tried again.")
    return None


def rendition_retry(*, rendition: FormRendition, actor: User) -> None:
    """Queue a failed version again (after the cause, e.g. a missing font, was fixed)."""
    enforce(rendition_retry_problem(rendition, actor), permitted=_may_retry(rendition, actor))
    with transaction.atomic():
        if jobs.job_retry(RENDITION_JOB, rendition.pk):
            _enqueue_render(rendition)


# --- Signing ---------------------------------------------------------------------------------


def form_sign(
    *,
    form: ApplicationForm,
    actor: User,
    signer_name: str,
    signer_title: str,
    signature_png: bytes,
    confirmed: bool,
) -> FormRendition:
    """The enterprise signs the current version of a form: its seal, a handwritten signature, the
    signer's name and title, and an explicit confirmation. A signed version is rendered from it."""
    application = form.application
    _require_signing(application, actor)
    if not confirmed:
        raise ValidationError(_("Please confirm that you have read the form and that its content is correct."))
    if not application.enterprise.seal:
        raise ValidationError(_("Upload your company seal on the enterprise page first."))
    return sign_version(
        form=form,
        actor=actor,
        signer_name=signer_name,
        signer_title=signer_title,
        signature=images.signature_png(signature_png),
    )


def sign_version(
    *, form: ApplicationForm, actor: User, signer_name: str, signer_title: str, signature: bytes, queue: bool = True
) -> FormRendition:
    """`form_sign` without its checks of who and when (seed_demo writes past history with it)."""
    application = form.application
    seal = _read(application.enterprise.seal.name)
    with transaction.atomic():
        unsigned = _current_unsigned(form)
        locked = ApplicationForm.objects.select_for_update().get(pk=form.pk)
        signed = FormRendition.objects.create(
            form=locked,
            version=_next_version(locked),
            kind=Kind.SIGNED,
            source=unsigned,
            context=unsigned.context,
            data_fingerprint=unsigned.data_fingerprint,
            requested_by=actor,
        )
        folder = f"forms/{application.pk}/signatures"
        FormSignature.objects.create(
            rendition=signed,
            signer_name=signer_name.strip(),
            signer_title=signer_title.strip(),
            seal=default_storage.save(generated_name(folder, "seal.png"), ContentFile(seal)),
            signature_image=default_storage.save(generated_name(folder, "signature.png"), ContentFile(signature)),
            confirmed=True,
            signed_by=actor,
            unsigned_sha256=unsigned.sha256,
        )
        ApplicationEvent.objects.create(
            application=application,
            kind=EventKind.FORM_SIGNED,
            actor=actor,
            data={"form": form.form_type, "version": signed.version, "signer": signer_name.strip()},
        )
        if queue:
            _enqueue_render(signed)
    return signed


def _current_unsigned(form: ApplicationForm) -> FormRendition:
    """The ready unsigned version showing today's data; the enterprise signs only that."""
    state = form_state(form.application, form.form_type)
    if state.current_unsigned is None:
        if state.generating:
            raise ValidationError(_("This form is still being generated; please wait a moment."))
        raise ValidationError(
            _("The data of this form has changed since it was generated; your consultant needs to generate it again.")
        )
    return state.current_unsigned


def form_scan_upload(*, form: ApplicationForm, actor: User, upload: UploadedFile) -> FormRendition:
    """The enterprise printed, signed and stamped the form by hand, and uploads the scan (PDF or
    image). The consultant then checks that it matches the generated version."""
    application = form.application
    _require_signing(application, actor)
    if upload.size is None or upload.size > SCAN_MAX_BYTES:
        raise ValidationError(_("The scan is larger than 20 MB; please scan at a lower resolution."))
    kind = filetype.guess(upload.read(2048))
    upload.seek(0)
    if kind is None or kind.mime not in SCAN_TYPES:
        raise ValidationError(_("Please upload the scan as a PDF, JPEG or PNG file."))
    _current_unsigned(form)
    try:
        stored = upload_store(
            upload, families=["pdf", "image"], folder=f"forms/{application.pk}/scans", max_bytes=SCAN_MAX_BYTES
        )
    except UploadRefused as refusal:
        raise ValidationError(refusal.message) from refusal
    try:
        return _scan_record(form, actor, stored)
    except BaseException:
        default_storage.delete(stored.name)
        raise


def _scan_record(form: ApplicationForm, actor: User, stored: StoredUpload) -> FormRendition:
    application = form.application
    with transaction.atomic():
        unsigned = _current_unsigned(form)
        locked = ApplicationForm.objects.select_for_update().get(pk=form.pk)
        scan = FormRendition.objects.create(
            form=locked,
            version=_next_version(locked),
            kind=Kind.SCAN,
            status=RenderStatus.READY,
            source=unsigned,
            data_fingerprint=unsigned.data_fingerprint,
            file=stored.name,
            original_name=stored.original_name[:255],
            sha256=stored.sha256,
            size=stored.size,
            requested_by=actor,
            finished_at=timezone.now(),
            scan_review=ScanReview.WAITING,
        )
        ApplicationEvent.objects.create(
            application=application,
            kind=EventKind.SCAN_UPLOADED,
            actor=actor,
            data={"form": form.form_type, "version": scan.version},
        )
    return scan


def form_scan_review(*, scan: FormRendition, actor: User, matches: bool, comment: str = "") -> None:
    """The consultant compares the scan with the generated version: it matches, or it does not."""
    application = scan.form.application
    enforce(form_scan_review_problem(application, actor), permitted=_is_consultant(actor, application))
    comment = comment.strip()
    if not matches and not comment:
        raise ValidationError(_("Please say what does not match, so the enterprise can correct it."))
    now = timezone.now()
    with transaction.atomic():
        updated = FormRendition.objects.filter(pk=scan.pk, kind=Kind.SCAN, scan_review=ScanReview.WAITING).update(
            scan_review=ScanReview.CONFIRMED if matches else ScanReview.REJECTED,
            reviewed_by=actor,
            reviewed_at=now,
            review_comment=comment,
            updated_at=now,
        )
        if not updated:
            raise ValidationError(_("This scan has already been checked."))
        ApplicationEvent.objects.create(
            application=application,
            kind=EventKind.SCAN_CONFIRMED if matches else EventKind.SCAN_REJECTED,
            actor=actor,
            comment=comment,
            data={"form": scan.form.form_type, "version": scan.version},
        )


def enterprise_seal_save(*, enterprise: Enterprise, actor: User, content: bytes) -> Enterprise:
    """Upload or replace the company seal: white background made transparent, trimmed, scaled.
    Forms signed before keep the seal they were signed with."""
    if not actor.has_perm("applications.change_enterprise", enterprise):
        raise PermissionDenied(_("Only the enterprise's own users can change its information."))
    png = images.seal_png(content)
    previous = enterprise.seal.name if enterprise.seal else ""
    with transaction.atomic():
        enterprise.seal = default_storage.save(generated_name(f"seals/{enterprise.pk}", "seal.png"), ContentFile(png))
        enterprise.seal_updated_at = timezone.now()
        enterprise.save(update_fields=["seal", "seal_updated_at", "updated_at"])
        if previous:
            transaction.on_commit(lambda: default_storage.delete(previous))
    return enterprise


# --- Paper copies -----------------------------------------------------------------------------


def paper_shipment_record_problem(application: Application, actor: User) -> str | None:
    """Why this actor cannot record paper copies sent for the application now; None when they can."""
    if not _is_consultant(actor, application):
        return _("Only the application's consultant records the paper copies.")
    if application.submitted_at is None or application.is_closed:
        return _("Paper copies are recorded once the application has been submitted.")
    return None


def paper_shipment_record(
    *, application: Application, actor: User, courier: str, tracking_number: str, sent_on: date
) -> PaperShipment:
    """The consultant mailed the signed paper copies to the certification body."""
    enforce(paper_shipment_record_problem(application, actor), permitted=_is_consultant(actor, application))
    with transaction.atomic():
        shipment = PaperShipment.objects.create(
            application=application,
            courier=courier.strip(),
            tracking_number=tracking_number.strip(),
            sent_on=sent_on,
            recorded_by=actor,
        )
        ApplicationEvent.objects.create(
            application=application,
            kind=EventKind.PAPER_SENT,
            actor=actor,
            data={"courier": shipment.courier, "tracking_number": shipment.tracking_number, "sent_on": str(sent_on)},
        )
    return shipment


def paper_shipment_receive_problem(application: Application, actor: User) -> str | None:
    """Why this actor cannot record that the certification body received paper copies."""
    if not (_is_consultant(actor, application) or actor.is_auditor):
        return _("Only the consultant or the certification body's auditors record the receipt.")
    return None


def paper_shipment_receive(*, shipment: PaperShipment, actor: User, received_on: date) -> None:
    """The certification body received the paper copies (recorded by the consultant or an auditor)."""
    problem = paper_shipment_receive_problem(shipment.application, actor)
    if problem:
        raise PermissionDenied(problem)
    application = shipment.application
    if received_on < shipment.sent_on:
        raise ValidationError(_("The paper copies cannot arrive before they were sent."))
    if received_on > timezone.localdate():
        raise ValidationError(_("The date of receipt cannot be in the future."))
    with transaction.atomic():
        updated = PaperShipment.objects.filter(pk=shipment.pk, received_on__isnull=True).update(
            received_on=received_on, updated_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("The receipt of these paper copies has already been recorded."))
        ApplicationEvent.objects.create(
            application=application,
            kind=EventKind.PAPER_RECEIVED,
            actor=actor,
            data={"tracking_number": shipment.tracking_number, "received_on": str(received_on)},
        )


# --- Rendering (called by the Celery task, and by seed_demo outside any request) -----------------


def _read(name: str | None) -> bytes:
    assert name, "a stored file always has a name"
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def rendition_html_context(rendition: FormRendition) -> dict[str, Any]:
    """The template context of one generated version: its stored data, plus the signature."""
    from certportal.lib.pdf import data_uri

    context: dict[str, Any] = {"form": rendition.context, "version": rendition.version, "signature": None}
    if rendition.kind == Kind.SIGNED:
        signature = rendition.signature
        with translation.override(FORM_LANGUAGE):
            signed_at = timezone.localtime(signature.signed_at)
            context["signature"] = {
                "seal": data_uri(_read(signature.seal.name), "image/png"),
                "image": data_uri(_read(signature.signature_image.name), "image/png"),
                "signer_name": signature.signer_name,
                "signer_title": signature.signer_title,
                "signed_at": formats.date_format(signed_at, "Y-m-d H:i"),
                "date": formats.date_format(signed_at.date(), "DATE_FORMAT"),
                "unsigned_sha256": signature.unsigned_sha256,
                "unsigned_version": rendition.source.version if rendition.source else "",
            }
    return context


def rendition_pdf(rendition: FormRendition) -> bytes:
    # Imported here: loading WeasyPrint takes over a second, and only the worker renders.
    from certportal.lib.pdf import render_template_pdf

    template = f"pdf/forms/{rendition.form.form_type}.html"
    return render_template_pdf(template, rendition_html_context(rendition), language=FORM_LANGUAGE)


def abandoned_after() -> timedelta:
    """A version still 'rendering' after the hard time limit has lost its worker."""
    return RENDITION_JOB.abandoned_after()


def rendition_process(*, rendition_id: int, claim: str) -> bool:
    """Render one version if it is still to be rendered; True when this call rendered it.

    The job is claimed through its status (pending → rendering), so two deliveries of the same job
    render it once. `claim` names the claimant (the Celery task id): the same task delivered again
    after its worker was killed takes the job over; so does anyone once the job has been
    'rendering' for longer than the hard time limit.
    """
    outcome = jobs.job_run(RENDITION_JOB, rendition_id, claim=claim, work=lambda: _rendition_store(rendition_id))
    return outcome == jobs.READY


def _rendition_store(rendition_id: int) -> jobs.Outcome:
    from certportal.lib import pdf

    rendition = FormRendition.objects.select_related("form__application", "signature", "source").get(pk=rendition_id)
    content = rendition_pdf(rendition)
    stored = pdf.store_pdf(content, f"forms/{rendition.form.application_id}/{uuid.uuid4().hex}.pdf")
    return jobs.Outcome(
        fields={"file": stored.name, "sha256": stored.sha256, "size": stored.size}, stored=[stored.name]
    )


def renditions_sweep() -> int:
    """Send again the versions stuck in the queue: pending for a while (the broker may have been
    down when they were asked for), or 'rendering' long after their worker must have died."""
    return jobs.job_sweep(RENDITION_JOB)


# --- Workflow preconditions (listed in applications.workflow) --------------------------------------


def forms_are_generated(application: Application, actor: User) -> str | Promise | None:
    """Before the forms go out for signature, each of the six is generated with the current data."""
    missing = [state.label for state in forms_overview(application) if not state.generated]
    if missing:
        return _("Generate these forms with the current data first: %(forms)s.") % {"forms": join_list(missing)}
    return None


def forms_are_signed(application: Application, actor: User) -> str | Promise | None:
    """Before submission, each form is signed (or its scan confirmed) and nothing changed since."""
    states = forms_overview(application)
    outdated = [state for state in states if state.signature_outdated]
    waiting = [state for state in states if state.signature_current and state.scan_waiting]
    not_ready = [
        state
        for state in states
        if state.signature_current
        and state.signature is not None
        and state.signature.kind == FormRendition.Kind.SIGNED
        and not state.signed
    ]
    unsigned = [state for state in states if not state.signed and state not in outdated + waiting + not_ready]
    problems = []
    if unsigned:
        problems.append(_("not signed yet: %(forms)s") % {"forms": _labels(unsigned)})
    if outdated:
        problems.append(
            _("changed after signing, to be generated and signed again: %(forms)s") % {"forms": _labels(outdated)}
        )
    if waiting:
        problems.append(_("scans waiting for the consultant's check: %(forms)s") % {"forms": _labels(waiting)})
    if not_ready:
        problems.append(
            _("signed, but the signed version is not ready (being generated, or failed): %(forms)s")
            % {"forms": _labels(not_ready)}
        )
    if problems:
        return _("The forms are not all signed. %(problems)s.") % {"problems": join_clauses(problems)}
    return None


def _labels(states: list[FormState]) -> str:
    return join_list(state.label for state in states)
