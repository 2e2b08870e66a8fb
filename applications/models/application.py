"""The certification application (认证申请), its timeline of events, and consultant invitations."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models.enterprise import Enterprise, Product
from certportal.models import TimeStampedModel

if TYPE_CHECKING:
    from certportal.accounts.models import User

# The seed: a typical application takes 20 to 40 days from application to certificate.
TARGET_DAYS_MIN = 20
TARGET_DAYS_MAX = 40


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user: User) -> ApplicationQuerySet:
        """Enterprise users: their enterprise's. Consultants: those assigned to them. Auditors and
        certifiers: those that have reached the certification body."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.is_enterprise_user:
            return self.filter(enterprise_id=user.enterprise_id)
        if user.is_consultant:
            return self.filter(consultant=user)
        if user.is_body_staff:
            return self.filter(submitted_at__isnull=False)
        return self.none()

    def open(self) -> ApplicationQuerySet:
        return self.exclude(status__in=Application.CLOSED_STATUSES)


class Application(TimeStampedModel):
    """One enterprise's application for the after-sales service certification."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        INFO_SUBMITTED = "info_submitted", _("Basic information submitted")
        FORMS_PREPARATION = "forms_preparation", _("Forms being prepared")
        AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting the enterprise's signature")
        SUBMITTED = "submitted", _("Submitted to the certification body")
        UNDER_REVIEW = "under_review", _("Under review by the certification body")
        RETURNED = "returned", _("Returned for changes")
        AUDIT_PREPARATION = "audit_preparation", _("Audit preparation")
        REMOTE_AUDIT = "remote_audit", _("Remote audits")
        EVALUATION = "evaluation", _("Evaluation")
        DECISION = "decision", _("Awaiting the certification decision")
        CERTIFIED = "certified", _("Certified")
        NOT_CERTIFIED = "not_certified", _("Not certified")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial certification")
        RECERTIFICATION = "recertification", _("Recertification")
        # A yearly surveillance audit (监督审核) of a certificate, opened by the certification body.
        SURVEILLANCE = "surveillance", _("Surveillance audit")

    CLOSED_STATUSES = (Status.CERTIFIED, Status.NOT_CERTIFIED, Status.WITHDRAWN)
    # While being prepared the product scope may change; once with the certification body it may not.
    SCOPE_EDITABLE_STATUSES = (Status.DRAFT, Status.INFO_SUBMITTED, Status.FORMS_PREPARATION, Status.RETURNED)

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="applications"
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    kind = models.CharField(_("application type"), max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.DRAFT)
    scope = models.ManyToManyField(Product, verbose_name=_("product scope"), related_name="applications")
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consulted_applications",
        limit_choices_to={"role": "consultant"},
    )
    desired_star_level = models.PositiveSmallIntegerField(
        _("desired star level"), null=True, blank=True, choices=[(n, n) for n in (5, 4, 3, 2)]
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    submitted_at = models.DateTimeField(_("first submitted to the certification body"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Kept by the services that change what they count (applications/counters.py), for the dashboards.
    evidence_required = models.PositiveIntegerField(_("evidence items required"), default=0, editable=False)
    evidence_accepted = models.PositiveIntegerField(_("evidence items accepted"), default=0, editable=False)
    files_awaiting_review = models.PositiveIntegerField(_("files awaiting review"), default=0, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=~Q(status__in=["certified", "not_certified", "withdrawn"]),
                name="one_open_application_per_enterprise",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["consultant", "status"]),
            # The consultant's dashboard, sorted by days elapsed; the body's lists, oldest first.
            models.Index(fields=["consultant", "created_at"]),
            models.Index(fields=["status", "status_changed_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    def days_elapsed(self, today: datetime.date | None = None) -> int:
        """Calendar days since the application started, up to today or until it closed."""
        end = timezone.localdate(self.closed_at) if self.closed_at else (today or timezone.localdate())
        return (end - timezone.localdate(self.created_at)).days

    def pace(self, today: datetime.date | None = None) -> str:
        """'on_track' up to 20 days, 'at_risk' up to 40, 'late' beyond (the seed's 20–40-day target);
        'closed' once closed: a finished application is never at risk or late."""
        if self.is_closed:
            return "closed"
        days = self.days_elapsed(today)
        if days <= TARGET_DAYS_MIN:
            return "on_track"
        if days <= TARGET_DAYS_MAX:
            return "at_risk"
        return "late"


class ApplicationEvent(models.Model):
    """One line of the application's timeline. Append-only: never edited, never deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Application started")
        TRANSITION = "transition", _("Status changed")
        SCOPE_CHANGED = "scope_changed", _("Product scope changed")
        CONSULTANT_INVITED = "consultant_invited", _("Consultant invited")
        CONSULTANT_ASSIGNED = "consultant_assigned", _("Consultant assigned")
        EVIDENCE_UPLOADED = "evidence_uploaded", _("Evidence uploaded")
        EVIDENCE_REPLACED = "evidence_replaced", _("Evidence replaced")
        EVIDENCE_WITHDRAWN = "evidence_withdrawn", _("Evidence withdrawn")
        EVIDENCE_ACCEPTED = "evidence_accepted", _("Evidence accepted")
        EVIDENCE_REJECTED = "evidence_rejected", _("Evidence sent back")
        EVIDENCE_ANSWERED = "evidence_answered", _("Checklist question answered")
        # Audits and certificates (the audits app).
        ROUND_SCHEDULED = "round_scheduled", _("Video audit scheduled")
        ROUND_CONFIRMED = "round_confirmed", _("Video audit time confirmed")
        ROUND_CHANGE_REQUESTED = "round_change_requested", _("Another time asked for a video audit")
        ROUND_DONE = "round_done", _("Video audit done")
        FINDING_RAISED = "finding_raised", _("Finding raised")
        FINDING_ANSWERED = "finding_answered", _("Corrective action submitted")
        FINDING_VERIFIED = "finding_verified", _("Corrective action verified")
        CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
        CERTIFICATE_STATUS = "certificate_status", _("Certificate status changed")
        APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
        FORMS_GENERATED = "forms_generated", _("Application forms generated")
        FORM_SIGNED = "form_signed", _("Form signed")
        SCAN_UPLOADED = "scan_uploaded", _("Scan of a signed form uploaded")
        SCAN_CONFIRMED = "scan_confirmed", _("Scan of a signed form confirmed")
        SCAN_REJECTED = "scan_rejected", _("Scan of a signed form rejected")
        PAPER_SENT = "paper_sent", _("Paper copies sent")
        PAPER_RECEIVED = "paper_received", _("Paper copies received")
        SURVEILLANCE_OPENED = "surveillance_opened", _("Surveillance audit opened")
        INFORMATION_CONFIRMED = "information_confirmed", _("Basic information confirmed")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True
    )
    from_status = models.CharField(_("from"), max_length=30, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=Application.Status.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["created_at", "pk"]
        # The latest activity of each application (dashboard) and its timeline.
        indexes = [models.Index(fields=["application", "created_at"])]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


class ConsultantInvitation(TimeStampedModel):
    """An enterprise asks a consultant, by e-mail address, to take on its application."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("consultant's e-mail"))
    token = models.CharField(_("invitation key"), max_length=64, unique=True, default=invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultant invitation")
        verbose_name_plural = _("consultant invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email
