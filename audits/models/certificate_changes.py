"""Changes of a certificate (变更): the holder asks for a new name, address or scope; a certifier
approves (the certificate is reissued under the same number, as a new version) or refuses. Every
version a change replaced is kept as it was, with its PDF."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.models.certificates import STAR_NAMES, Certificate
from certportal.models import TimeStampedModel


class CertificateChange(TimeStampedModel):
    """One request for a change, and the body's answer to it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the certification body")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE, related_name="changes"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    # Blank: unchanged.
    new_holder_name = models.CharField(_("new holder name"), max_length=200, blank=True)
    new_holder_address = models.CharField(_("new address"), max_length=300, blank=True)
    products_added = models.JSONField(_("products added"), default=list, blank=True)
    products_removed = models.JSONField(_("products removed"), default=list, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    # The body asks for a remote round before deciding: the change stays open with this note.
    remote_round_note = models.TextField(_("remote round asked for"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    version_issued = models.PositiveSmallIntegerField(_("version issued"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate change")
        verbose_name_plural = _("certificate changes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open change per certificate: two at once would reissue from a stale snapshot.
            models.UniqueConstraint(
                fields=["certificate"], condition=Q(status="open"), name="one_open_change_per_certificate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.status} {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CertificateChangeFile(models.Model):
    """Evidence covering a product the change adds to the scope."""

    change = models.ForeignKey(
        CertificateChange, verbose_name=_("certificate change"), on_delete=models.CASCADE, related_name="files"
    )
    product = models.ForeignKey(
        "applications.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate change file")
        verbose_name_plural = _("certificate change files")
        ordering = ["change", "product", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CertificateVersion(models.Model):
    """A version of a certificate that a change superseded: what it stated, and its PDF."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_address = models.CharField(_("address"), max_length=300)
    scope = models.JSONField(_("scope (products)"), default=list)
    star_level = models.PositiveSmallIntegerField(_("star level"))
    pdf_file = models.FileField(_("PDF file"), max_length=200, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), default=timezone.now)
    superseded_by = models.OneToOneField(
        CertificateChange,
        verbose_name=_("superseded by"),
        on_delete=models.PROTECT,
        related_name="superseded_version",
    )

    class Meta:
        verbose_name = _("certificate version")
        verbose_name_plural = _("certificate versions")
        ordering = ["certificate", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "version"], name="unique_certificate_version"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} v{self.version}"

    @property
    def star_name(self) -> str:
        return str(STAR_NAMES[self.star_level])
