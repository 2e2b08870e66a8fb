"""Complaints (投诉) and appeals (申诉), as ISO/IEC 17065 asks a certification body to handle them.

A complaint is filed by anyone from a certificate's public page (about the holder's service or about
the body) or by a signed-in enterprise user; an appeal by the enterprise against a decision (not
certified, the star level, a suspension or a withdrawal). The body manager gives each one to someone
who had no part in the matter; that person answers the complaint or decides the appeal before its
deadline."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audits.models.certificates import Certificate, CertificateEvent, CertificationDecision
from certportal.models import TimeStampedModel

if TYPE_CHECKING:
    from certportal.accounts.models import User


class CaseStatus(models.TextChoices):
    """Where a complaint or an appeal is: waiting for the body manager, with the person handling it, closed."""

    RECEIVED = "received", _("Received, to be assigned")
    ASSIGNED = "assigned", _("Being handled")
    CLOSED = "closed", pgettext_lazy("complaint or appeal", "Closed")


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def visible_to(self, user: User) -> ComplaintQuerySet:
        """The body manager sees every complaint; the person handling one and a signed-in filer theirs."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.is_body_manager:
            return self.all()
        return self.filter(models.Q(assigned_to=user) | models.Q(filed_by=user))


class Complaint(TimeStampedModel):
    """One complaint, from whoever filed it, and the body's handling of it."""

    class About(models.TextChoices):
        HOLDER = "holder", _("The certificate holder's service")
        BODY = "body", _("The certification body")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="complaints"
    )
    about = models.CharField(_("about"), max_length=20, choices=About.choices)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    # A signed-in enterprise user; empty for a member of the public.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The answer is written to the complainant in the language they filed in.
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    text = models.TextField(_("complaint"))
    due_on = models.DateField(_("answer due by"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    special_surveillance = models.BooleanField(_("special surveillance requested"), default=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reminded_on = models.DateField(_("overdue reminder sent"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} {self.certificate_id}"

    @property
    def reference(self) -> str:
        return f"TS-{self.pk:05d}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status != CaseStatus.CLOSED and self.due_on < (today or timezone.localdate())


class ComplaintFile(models.Model):
    """A file the complainant sent with the complaint (checked like evidence)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint file")
        verbose_name_plural = _("complaint files")
        ordering = ["complaint", "pk"]

    def __str__(self) -> str:
        return self.original_name


class AppealQuerySet(models.QuerySet["Appeal"]):
    def visible_to(self, user: User) -> AppealQuerySet:
        """The body manager sees every appeal; the person deciding one and the enterprise theirs."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.is_body_manager:
            return self.all()
        if user.is_enterprise_user:
            return self.filter(application__enterprise_id=user.enterprise_id)
        return self.filter(assigned_to=user)


class Appeal(TimeStampedModel):
    """An enterprise's appeal against one decision of the body, and its outcome."""

    class Against(models.TextChoices):
        NOT_CERTIFIED = "not_certified", _("Certification refused")
        STAR_LEVEL = "star_level", _("The star level granted")
        SUSPENSION = "suspension", _("Suspension of the certificate")
        WITHDRAWAL = "withdrawal", _("Withdrawal of the certificate")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Appeal upheld: the decision is to be reconsidered")
        REJECTED = "rejected", _("Appeal rejected: the decision stands")

    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.PROTECT, related_name="appeals"
    )
    against = models.CharField(_("against"), max_length=20, choices=Against.choices)
    # The decision appealed: the certification decision, or the certificate's status change.
    decision = models.ForeignKey(
        CertificationDecision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="appeals"
    )
    certificate_event = models.ForeignKey(
        CertificateEvent,
        verbose_name=_("status change"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    decided_on = models.DateField(_("decision appealed, of"))
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    grounds = models.TextField(_("grounds"))
    due_on = models.DateField(_("decision due by"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reminded_on = models.DateField(_("overdue reminder sent"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} {self.application_id}"

    @property
    def reference(self) -> str:
        return f"SS-{self.pk:05d}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status != CaseStatus.CLOSED and self.due_on < (today or timezone.localdate())
