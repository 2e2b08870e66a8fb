from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Enterprises and applications")

    def ready(self) -> None:
        from applications import documents_workflow  # noqa: F401 - registers the forms' workflow rules
