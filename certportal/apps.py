from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertportalConfig(AppConfig):
    name = "certportal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from certportal import checks  # noqa: F401  (registers the system checks)


class LockoutsConfig(AxesConfig):
    """django-axes (the login lockouts) under a name the admin can show in both languages."""

    verbose_name = _("Login lockouts")
