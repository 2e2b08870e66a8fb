from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Enterprises and applications")

    def ready(self) -> None:
        # Features hook into application creation and the workflow table here, once per process.
        from applications.services import evidence

        evidence.register()
        from applications import documents_workflow  # noqa: F401 - registers the forms' workflow rules
