"""The certification decision, certificates (售后服务认证证书) and their status history."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certportal.lib.text import join_list
from certportal.models import TimeStampedModel

if TYPE_CHECKING:
    from certportal.accounts.models import User

STANDARD = "GB/T 27922-2011"
VALIDITY_YEARS = 3
SURVEILLANCE_MONTHS = 12
# Two surveillance audits in a three-year cycle (after 12 and 24 months); then recertification.
SURVEILLANCES_PER_CYCLE = 2
MAX_SUSPENSION_MONTHS = 6

STAR_NAMES = {
    5: _("Five stars"),
    4: _("Four stars"),
    3: _("Three stars"),
    2: _("Two stars"),
    0: _("Not certified"),
}


class CertificationDecision(TimeStampedModel):
    """The certifier's decision on an application, with the score it was based on."""

    class Outcome(models.TextChoices):
        CERTIFIED = "certified", _("Certified")
        REFUSED = "refused", _("Certification refused")

    application = models.OneToOneField(
        "applications.Application", verbose_name=_("application"), on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    certifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("certifier"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    computed_star_level = models.PositiveSmallIntegerField(_("star level from the score"))
    star_level = models.PositiveSmallIntegerField(_("star level granted"))
    reason = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("certification decision")
        verbose_name_plural = _("certification decisions")

    def __str__(self) -> str:
        return f"{self.application} {self.outcome}"


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def visible_to(self, user: User) -> CertificateQuerySet:
        """Holders see theirs, consultants those of their applications, body staff all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.is_body_staff:
            return self.all()
        if user.is_enterprise_user:
            return self.filter(enterprise_id=user.enterprise_id)
        if user.is_consultant:
            return self.filter(application__consultant=user)
        return self.none()

    def surveillance_overdue(self, today: datetime.date | None = None) -> CertificateQuerySet:
        return self.filter(status=Certificate.Status.VALID, surveillance_due_on__lt=today or timezone.localdate())


class Certificate(TimeStampedModel):
    """A certificate, with a snapshot of what it states at issue; its status changes over its life."""

    class Status(models.TextChoices):
        # A context: a withdrawn certificate (撤销) is not a withdrawn application (撤回).
        VALID = "valid", pgettext_lazy("certificate status", "Valid")
        SUSPENDED = "suspended", pgettext_lazy("certificate status", "Suspended")
        WITHDRAWN = "withdrawn", pgettext_lazy("certificate status", "Withdrawn")
        CANCELLED = "cancelled", pgettext_lazy("certificate status", "Cancelled")
        EXPIRED = "expired", pgettext_lazy("certificate status", "Expired")

    class PdfStatus(models.TextChoices):
        PENDING = "pending", _("Waiting to be prepared")
        RENDERING = "rendering", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    number = models.CharField(_("certificate number"), max_length=60, unique=True)
    # A change (变更) reissues the certificate under the same number as the next version.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    enterprise = models.ForeignKey(
        "applications.Enterprise", verbose_name=_("holder"), on_delete=models.PROTECT, related_name="certificates"
    )
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_address = models.CharField(_("address"), max_length=300)
    holder_uscc = models.CharField(_("unified social credit code"), max_length=18)
    scope = models.JSONField(_("scope (products)"), default=list)
    standard = models.CharField(_("standard"), max_length=40, default=STANDARD)
    star_level = models.PositiveSmallIntegerField(_("star level"))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    issued_on = models.DateField(_("issue date"))
    expires_on = models.DateField(_("expiry date"))
    body_name = models.CharField(_("issued by"), max_length=200)
    body_address = models.CharField(_("address of the certification body"), max_length=300, blank=True)
    body_approval_number = models.CharField(_("approval number of the certification body"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.VALID)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    surveillance_due_on = models.DateField(_("next surveillance audit due"), null=True, blank=True)
    surveillances_done = models.PositiveSmallIntegerField(_("surveillance audits done"), default=0)
    # Set once per due date by a certifier (the reason is in the history); cleared when the surveillance is recorded.
    surveillance_extended_to = models.DateField(_("surveillance audit extended to"), null=True, blank=True)
    # The last day the certifiers were told of a decision to make on it: at most one reminder a day.
    decision_reminded_on = models.DateField(_("certifiers last reminded"), null=True, blank=True)
    recertification_invited_on = models.DateField(_("invited to recertify"), null=True, blank=True)
    pdf_status = models.CharField(_("PDF"), max_length=20, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    pdf_file = models.FileField(_("PDF file"), max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF size in bytes"), null=True, blank=True)
    pdf_error = models.TextField(_("PDF error"), blank=True)
    pdf_updated_at = models.DateTimeField(_("PDF updated"), default=timezone.now)
    pdf_queued_at = models.DateTimeField(_("PDF queued"), default=timezone.now)  # when the PDF was last asked for
    # The Celery task that claimed the rendering: the same task delivered again after its worker was
    # killed takes the job over instead of waiting for the sweeper.
    pdf_task_id = models.CharField(_("worker task"), max_length=255, blank=True)
    pdf_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.CheckConstraint(condition=Q(star_level__gte=2, star_level__lte=5), name="certificate_star_level"),
            models.CheckConstraint(condition=Q(expires_on__gt=models.F("issued_on")), name="certificate_expires"),
        ]
        indexes = [
            models.Index(fields=["status", "surveillance_due_on"]),
            models.Index(fields=["pdf_status", "pdf_updated_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def star_name(self) -> str:
        return str(STAR_NAMES[self.star_level])

    @property
    def service_scope(self) -> str:
        """The scope as the service certified: "<products> 的售后服务"."""
        return translation.gettext("After-sales service of %(products)s") % {"products": join_list(self.scope)}

    def effective_status(self, today: datetime.date | None = None) -> str:
        """The status as of today: a certificate past its expiry date is expired even before the
        nightly task has recorded it."""
        if self.status in (self.Status.VALID, self.Status.SUSPENDED) and self.expires_on < (
            today or timezone.localdate()
        ):
            return self.Status.EXPIRED
        return self.status

    def is_valid(self, today: datetime.date | None = None) -> bool:
        return self.effective_status(today) == self.Status.VALID

    def effective_status_display(self, today: datetime.date | None = None) -> str:
        return str(self.Status(self.effective_status(today)).label)

    def surveillance_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            self.status == self.Status.VALID
            and self.surveillance_due_on is not None
            and self.surveillance_due_on < (today or timezone.localdate())
        )

    def surveillance_extension_running(self, today: datetime.date | None = None) -> bool:
        """Overdue, but the body extended the surveillance to a date not passed yet."""
        return (
            self.surveillance_overdue(today)
            and self.surveillance_extended_to is not None
            and self.surveillance_extended_to >= (today or timezone.localdate())
        )

    def next_surveillance_due(self, today: datetime.date | None = None) -> datetime.date | None:
        """The date the next surveillance audit is due by; none for a withdrawn, cancelled or expired
        certificate, whatever the row still holds."""
        if self.effective_status(today) not in (self.Status.VALID, self.Status.SUSPENDED):
            return None
        return self.surveillance_due_on

    def suspension_lapsed(self, today: datetime.date | None = None) -> bool:
        """Suspended, and the end date of the suspension has passed without a decision."""
        return (
            self.effective_status(today) == self.Status.SUSPENDED
            and self.suspended_until is not None
            and self.suspended_until < (today or timezone.localdate())
        )


class CertificateEvent(models.Model):
    """One line of a certificate's history. Append-only."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Certificate issued")
        STATUS_CHANGED = "status_changed", _("Status changed")
        SURVEILLANCE = "surveillance", _("Surveillance audit recorded")
        SURVEILLANCE_OPENED = "surveillance_opened", _("Surveillance audit opened")
        EXTENSION = "extension", _("Surveillance audit extended")
        CHANGED = "changed", _("Certificate changed and reissued")
        CHANGE_REFUSED = "change_refused", _("Change refused")
        SPECIAL_SURVEILLANCE = "special_surveillance", _("Special surveillance requested")
        APPEAL_DECIDED = "appeal_decided", _("Appeal decided")

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Certificate.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Certificate.Status.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.kind} {self.created_at:%Y-%m-%d}"
