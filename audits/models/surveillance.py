"""Surveillance audits (监督审核): the yearly audit of a certificate, run as an application of the
kind SURVEILLANCE (one video audit, findings, a score sheet, a certifier's decision)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.models.certificates import SURVEILLANCES_PER_CYCLE, Certificate
from certportal.models import TimeStampedModel

# The body may open a surveillance audit this many months before it falls due (data would be
# nicer, but the rule is the body's scheduling practice, not the scheme's).
OPENING_WINDOW_MONTHS = 3


class SurveillanceAudit(TimeStampedModel):
    """One surveillance audit of a certificate (the first or the second of its cycle)."""

    class Outcome(models.TextChoices):
        MAINTAINED = "maintained", _("Certificate maintained")
        STAR_CHANGED = "star_changed", _("Star level changed")
        SUSPENDED = "suspended", _("Certificate suspended")
        WITHDRAWN = "withdrawn", _("Certificate withdrawn")

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="surveillances"
    )
    sequence = models.PositiveSmallIntegerField(_("surveillance audit number"))
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="surveillance",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    # The enterprise confirms (or first updates) its basic information, products, outlets and managers.
    information_confirmed_at = models.DateTimeField(_("basic information confirmed"), null=True, blank=True)
    information_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reasons"), blank=True)
    star_level_before = models.PositiveSmallIntegerField(_("star level before"), null=True, blank=True)
    star_level_after = models.PositiveSmallIntegerField(_("star level after"), null=True, blank=True)

    class Meta:
        verbose_name = _("surveillance audit")
        verbose_name_plural = _("surveillance audits")
        ordering = ["certificate", "sequence"]
        constraints = [
            # One under way per certificate; a suspended one may be followed by another of the same number.
            models.UniqueConstraint(fields=["certificate"], condition=Q(outcome=""), name="one_open_surveillance"),
            models.UniqueConstraint(
                fields=["certificate", "sequence"],
                condition=Q(outcome__in=["maintained", "star_changed"]),
                name="one_completed_surveillance_per_number",
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1, sequence__lte=SURVEILLANCES_PER_CYCLE), name="surveillance_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} #{self.sequence}"

    @property
    def is_decided(self) -> bool:
        return bool(self.outcome)
