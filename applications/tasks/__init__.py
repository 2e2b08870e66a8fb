"""Celery tasks of the applications app, one module per topic; Celery finds them through this package."""

from applications.tasks import (
    evidence,  # noqa: F401
    forms,  # noqa: F401
    reminders,  # noqa: F401
)
