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
    # The number this user proved to receive (an SMS code); verified while it equals `mobile`.
    mobile_verified = models.CharField(_("verified mobile"), max_length=20, blank=True)
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
    def has_verified_mobile(self) -> bool:
        return bool(self.mobile) and self.mobile == self.mobile_verified

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


class ApiToken(models.Model):
    """A personal key for the JSON API. Only the SHA-256 of the key is kept: the key itself is shown
    once, when it is made."""

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("access"), max_length=10, choices=Scope.choices, default=Scope.READ)
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True)
    prefix = models.CharField(_("key begins with"), max_length=12)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    use_count = models.PositiveIntegerField(_("uses"), default=0)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class MobileCode(models.Model):
    """A six-digit code sent by SMS, kept only as a keyed hash, valid for a short time and a few tries."""

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("verify the mobile number")
        RESET = "reset", _("reset the password")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="mobile_codes")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    mobile = models.CharField(_("mobile"), max_length=20)
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.purpose}"
