"""Findings of the audits (nonconformities and observations) and the enterprise's corrective actions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certportal.models import TimeStampedModel

if TYPE_CHECKING:
    from certportal.accounts.models import User


class FindingQuerySet(models.QuerySet["Finding"]):
    def visible_to(self, user: User) -> FindingQuerySet:
        from applications.models import Application

        return self.filter(application__in=Application.objects.visible_to(user))

    def open(self) -> FindingQuerySet:
        return self.exclude(status=Finding.Status.CLOSED)


class Finding(TimeStampedModel):
    """A finding tied to one indicator of the score sheet. Nonconformities need the enterprise's root
    cause, correction and corrective action, verified by an auditor; open serious ones block
    certification."""

    class Grade(models.TextChoices):
        SERIOUS = "serious", _("Serious nonconformity")
        GENERAL = "general", _("General nonconformity")
        OBSERVATION = "observation", _("Observation")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the enterprise's corrective action")
        ANSWERED = "answered", _("Waiting for the auditor's verification")
        CLOSED = "closed", _("Closed: corrective action accepted")

    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="findings"
    )
    audit_round = models.ForeignKey(
        "audits.AuditRound", verbose_name=_("round"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="findings",
    )  # fmt: skip
    number = models.PositiveSmallIntegerField(_("number"))
    indicator = models.ForeignKey(
        "audits.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="findings"
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    description = models.TextField(_("description"))
    deadline = models.DateField(_("deadline for the corrective action"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    correction = models.TextField(_("correction"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    verification_note = models.TextField(_("auditor's verification"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="unique_finding_number")]

    def __str__(self) -> str:
        return f"{self.code} {self.get_grade_display()}"

    @property
    def code(self) -> str:
        """NC-01 for nonconformities, OB-01 for observations (numbered together per application)."""
        prefix = "OB" if self.grade == self.Grade.OBSERVATION else "NC"
        return f"{prefix}-{self.number:02d}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def needs_corrective_action(self) -> bool:
        return self.grade != self.Grade.OBSERVATION

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.deadline < (today or timezone.localdate())


class FindingEvidence(models.Model):
    """A file the enterprise gives as evidence of its corrective action."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence_files")
    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("corrective-action evidence")
        verbose_name_plural = _("corrective-action evidence")
        ordering = ["finding", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
