"""People who use the portal and the role each one plays."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A portal user. Enterprise users belong to exactly one enterprise; staff roles to none."""

    class Role(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise user")
        CONSULTANT = "consultant", _("Consultant")
        AUDITOR = "auditor", _("Auditor")
        CERTIFIER = "certifier", _("Certifier")
        BODY_MANAGER = "body_manager", _("Body manager")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    enterprise = models.ForeignKey(
        "applications.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="enterprise", enterprise__isnull=False)
                | (~Q(role="enterprise") & Q(enterprise__isnull=True)),
                name="enterprise_users_belong_to_an_enterprise",
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="unique_email_ignoring_case",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == self.Role.ENTERPRISE

    @property
    def is_consultant(self) -> bool:
        return self.role == self.Role.CONSULTANT

    @property
    def is_auditor(self) -> bool:
        return self.role == self.Role.AUDITOR

    @property
    def is_certifier(self) -> bool:
        return self.role == self.Role.CERTIFIER

    @property
    def is_body_manager(self) -> bool:
        return self.role == self.Role.BODY_MANAGER

    @property
    def is_body_staff(self) -> bool:
        """Certification-body staff: auditors, certifiers and the body manager."""
        return self.role in {self.Role.AUDITOR, self.Role.CERTIFIER, self.Role.BODY_MANAGER}
