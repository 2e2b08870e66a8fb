"""The Celery application: configured from Django settings (CELERY_*), tasks found in every app."""

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, worker_ready

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


@worker_ready.connect
def report_alive_at_start(**kwargs: Any) -> None:
    """A heartbeat at once: the health check sees a new worker now, not at beat's first beat a minute on."""
    from certportal.lib.broker import enqueue
    from certportal.tasks import heartbeat

    enqueue(heartbeat)
