"""Reporting certificates to the national certification information platform (全国认证认可信息公共服务平台):
the columns of the platform's template, held as data so that they follow it, and a record of each export."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.models.certificates import Certificate


class ReportColumn(models.Model):
    """One column of the platform's template: which value, under which heading, in which place."""

    class Field(models.TextChoices):
        NUMBER = "number", _("Certificate number")
        HOLDER = "holder", _("Holder")
        USCC = "uscc", _("Unified social credit code")
        ADDRESS = "address", _("Address")
        PROJECT = "project", _("Certification project")
        STANDARD = "standard", _("Standard")
        SCOPE = "scope", _("Scope of certification")
        STAR_LEVEL = "star_level", _("Star level")
        ISSUED_ON = "issued_on", _("Issue date")
        EXPIRES_ON = "expires_on", _("Expiry date")
        CHANGE = "change", _("Change reported")
        STATUS = "status", _("Status")
        STATUS_DATE = "status_date", _("Status date")
        REASON = "reason", _("Reason")

    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    field = models.CharField(_("value"), max_length=20, choices=Field.choices)
    heading = models.CharField(_("heading"), max_length=100)

    class Meta:
        verbose_name = _("national platform column")
        verbose_name_plural = _("national platform columns")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.heading}"


class PlatformExport(models.Model):
    """One export for the national platform: who made it, when, for which period, which certificates."""

    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("exported by"), on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField(_("exported"), default=timezone.now)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    file_format = models.CharField(_("format"), max_length=10)
    row_count = models.PositiveIntegerField(_("rows"))
    certificates = models.ManyToManyField(Certificate, verbose_name=_("certificates"), related_name="+", blank=True)

    class Meta:
        verbose_name = _("national platform export")
        verbose_name_plural = _("national platform exports")
        ordering = ["-exported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.date_from}–{self.date_to} {self.exported_at:%Y-%m-%d %H:%M}"
