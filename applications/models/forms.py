"""The application forms (申请文件): six pre-filled forms per application, their rendered PDFs
(unsigned, signed in the portal, or scanned after signing on paper), the signatures, and the paper
copies mailed to the certification body."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models.application import Application
from applications.models.enterprise import Product
from certportal.models import TimeStampedModel


class FormType(models.TextChoices):
    """The six forms of step 2, in the order the certification body files them."""

    BASIC_INFO = "basic_info", _("Enterprise basic information form")
    APPLICATION = "application", _("Service certification application form")
    CONTRACT = "contract", _("Service certification contract")
    LAWS = "laws", _("List of laws, regulations and product quality standards")
    MANAGERS = "managers", _("After-sales service manager roster")
    REMOTE_AUDIT = "remote_audit", _("Remote audit application form")


# Form codes printed on each form, after the certification body's code. The seed names CIEC-JL-21
# for the contract and its list of laws and standards; the others are the body's own numbering and
# can be changed here without touching the templates.
FORM_CODE_SUFFIXES = {
    FormType.BASIC_INFO: "JL-19",
    FormType.APPLICATION: "JL-20",
    FormType.CONTRACT: "JL-21",
    FormType.LAWS: "JL-21-01",
    FormType.MANAGERS: "JL-22",
    FormType.REMOTE_AUDIT: "JL-23",
}


def form_code(form_type: str) -> str:
    return f"{settings.CERTIFICATION_BODY_CODE}-{FORM_CODE_SUFFIXES[FormType(form_type)]}"


class ApplicationForm(TimeStampedModel):
    """One of the six forms of an application, with the fields the consultant fills in (`data`).

    Everything else on the form comes from the enterprise's basic information and the application
    at the moment a version is generated.
    """

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="forms"
    )
    form_type = models.CharField(_("form"), max_length=20, choices=FormType.choices)
    # The consultant's fields of this form type (fees, service description, remote-audit details…),
    # validated by the form type's Django form before they are saved.
    data = models.JSONField(_("consultant's fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "form_type"], name="one_form_of_each_type"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_form_type_display()}"

    @property
    def code(self) -> str:
        return form_code(self.form_type)

    @property
    def position(self) -> int:
        return FormType.values.index(self.form_type)


class LawStandardRow(TimeStampedModel):
    """A row of the list of laws, regulations and product quality standards (the consultant's)."""

    form = models.ForeignKey(
        ApplicationForm, verbose_name=_("application form"), on_delete=models.CASCADE, related_name="law_rows"
    )
    name = models.CharField(_("law, regulation or standard"), max_length=300)
    number = models.CharField(_("number or version"), max_length=100, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=200, blank=True)
    # No products chosen: the row applies to every product in the scope.
    products = models.ManyToManyField(Product, verbose_name=_("applies to"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("law or standard")
        verbose_name_plural = _("laws and standards")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class FormRenditionQuerySet(models.QuerySet["FormRendition"]):
    def ready(self) -> FormRenditionQuerySet:
        return self.filter(status=FormRendition.Status.READY)


class FormRendition(models.Model):
    """One version of a form as a PDF: generated unsigned, generated signed, or a scan of the paper
    copy signed and stamped by hand. Generated versions are rendered by a Celery task."""

    class Kind(models.TextChoices):
        UNSIGNED = "unsigned", _("Unsigned")
        SIGNED = "signed", _("Signed in the portal")
        SCAN = "scan", _("Scan of the signed paper copy")

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        RENDERING = "rendering", _("Being generated")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class ScanReview(models.TextChoices):
        WAITING = "waiting", _("Waiting for the consultant's check")
        CONFIRMED = "confirmed", _("Confirmed by the consultant")
        REJECTED = "rejected", _("Does not match")

    form = models.ForeignKey(
        ApplicationForm, verbose_name=_("application form"), on_delete=models.CASCADE, related_name="renditions"
    )
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNSIGNED)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("error"), blank=True)
    # The unsigned version a signed version or a scan was made from.
    source = models.ForeignKey(
        "self", verbose_name=_("made from"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What went into the form, as plain JSON, captured when the version was asked for; the task
    # renders exactly this. Its SHA-256 tells whether the form still matches the current data.
    context = models.JSONField(_("form data"), default=dict)
    data_fingerprint = models.CharField(_("data fingerprint"), max_length=64)
    file = models.FileField(_("file"), max_length=300, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked for by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("asked for at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    started_at = models.DateTimeField(_("generation started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("generation finished"), null=True, blank=True)
    # When the version was last queued (asked for, or tried again): how long its page has waited.
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    # The Celery task that claimed the job: the same task delivered again after its worker died
    # may take the job over at once.
    task_id = models.CharField(_("worker task"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    scan_review = models.CharField(_("check of the scan"), max_length=20, choices=ScanReview.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    review_comment = models.TextField(_("comment on the scan"), blank=True)

    objects = FormRenditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["form", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["form", "version"], name="unique_form_version"),
            models.CheckConstraint(
                condition=Q(kind="unsigned") | Q(source__isnull=False), name="signed_versions_have_a_source"
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.form} v{self.version} ({self.kind})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RENDERING)

    def download_name(self) -> str:
        suffix = {self.Kind.UNSIGNED: "", self.Kind.SIGNED: "-已签署", self.Kind.SCAN: "-扫描件"}[self.Kind(self.kind)]
        extension = (self.original_name.rsplit(".", 1)[-1].lower() if "." in self.original_name else "pdf") or "pdf"
        application = self.form.application
        return f"{application.reference}-{self.form.get_form_type_display()}-v{self.version}{suffix}.{extension}"


class FormSignature(models.Model):
    """The enterprise's electronic signature of one unsigned version: signer, seal, handwritten
    signature and explicit confirmation, kept as they were at the moment of signing."""

    rendition = models.OneToOneField(FormRendition, on_delete=models.CASCADE, related_name="signature")
    signer_name = models.CharField(_("signer's name"), max_length=100)
    signer_title = models.CharField(_("signer's title"), max_length=100)
    seal = models.FileField(_("company seal"), max_length=300)
    signature_image = models.FileField(_("handwritten signature"), max_length=300)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    unsigned_sha256 = models.CharField(_("SHA-256 of the unsigned version"), max_length=64)

    class Meta:
        verbose_name = _("form signature")
        verbose_name_plural = _("form signatures")
        constraints = [models.CheckConstraint(condition=Q(confirmed=True), name="signature_is_confirmed")]

    def __str__(self) -> str:
        return f"{self.signer_name} {self.signed_at:%Y-%m-%d}"


class PaperShipment(TimeStampedModel):
    """The paper copies mailed to the certification body (the seed: documents are also mailed)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="shipments"
    )
    courier = models.CharField(_("courier"), max_length=100)
    tracking_number = models.CharField(_("tracking number"), max_length=100)
    sent_on = models.DateField(_("sent on"))
    received_on = models.DateField(_("received by the certification body on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("paper copies shipment")
        verbose_name_plural = _("paper copies shipments")
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.courier} {self.tracking_number}"
