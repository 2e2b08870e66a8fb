"""Enterprises that apply for certification."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from certportal.models import TimeStampedModel


class Enterprise(TimeStampedModel):
    """An applying company (申请企业); its users fill in its basic information."""

    name = models.CharField(_("enterprise name"), max_length=200)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
