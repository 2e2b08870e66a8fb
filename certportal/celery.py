"""The Celery application: configured from Django settings (CELERY_*), tasks found in every app."""

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certportal.settings")

app = Celery("certportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_portal_logging(**kwargs: Any) -> None:
    """Workers log like the web processes (JSON, task ids, personal data masked), not in Celery's format."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
