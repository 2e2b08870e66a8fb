"""The Celery application: configured from Django settings (CELERY_*), tasks found in every app."""

import os
from typing import Any

from celery import Celery, Task
from celery.signals import before_task_publish, setup_logging, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certportal.settings")


class PortalTask(Task):
    """Every task of the portal: it runs only in a worker of the installation that sent it."""

    def before_start(self, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        from django.conf import settings

        from certportal.lib.instances import task_refuse_if_foreign

        task_refuse_if_foreign(self, instance=settings.CERTPORTAL_INSTANCE)


app = Celery("certportal", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@before_task_publish.connect
def name_the_sending_installation(headers: dict[str, Any], **kwargs: Any) -> None:
    from django.conf import settings

    from certportal.lib.instances import task_message_stamp

    task_message_stamp(settings.CERTPORTAL_INSTANCE, headers)


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
