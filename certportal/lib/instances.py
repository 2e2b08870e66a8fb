"""Which installation a process belongs to, so that installations sharing one Redis never take each
other's tasks.

Each installation (a checkout and its database) has a name, CERTPORTAL_INSTANCE. Its tasks go to a
queue of its own, every key Celery keeps in Redis (queues, unacknowledged tasks, worker heartbeats
and control messages) carries the name as a prefix, and every task message names the installation
that sent it: a worker refuses a task that another installation sent, instead of looking for its
rows in the wrong database and dropping it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from celery import Task
from celery.exceptions import Reject
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

INSTANCE_HEADER = "certportal_instance"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")


def instance_name(configured: str, *, checkout: Path, database: str) -> str:
    """The configured name, or one derived from the checkout's folder and the database's name."""
    if configured:
        if not NAME_PATTERN.fullmatch(configured):
            raise ImproperlyConfigured(
                f"CERTPORTAL_INSTANCE must be 1-63 letters, digits, '.', '_' or '-'; got {configured!r}"
            )
        return configured
    digest = hashlib.sha256(f"{checkout.resolve()}\n{database}".encode()).hexdigest()[:10]
    folder = re.sub(r"[^A-Za-z0-9_.-]+", "-", checkout.resolve().name).strip("-.")[:40]
    return f"{folder}-{digest}" if folder else digest


def instance_queue(instance: str) -> str:
    return f"certportal.{instance}"


def instance_key_prefix(instance: str) -> str:
    return f"certportal.{instance}:"


def task_message_stamp(instance: str, headers: dict[str, Any]) -> None:
    """Name the sending installation in a task message's headers (before_task_publish)."""
    headers[INSTANCE_HEADER] = instance


def task_refuse_if_foreign(task: Task, *, instance: str) -> None:
    """Refuse, before it runs, a task that another installation (or an unknown sender) queued.

    The task is rejected without being requeued: put back, it would come straight back to this
    worker. Its job stays pending in the sending installation's database, whose sweepers send it again.
    """
    request = task.request
    if request.called_directly or request.is_eager:
        return
    sender = getattr(request, INSTANCE_HEADER, None)
    if sender == instance:
        return
    logger.error(
        "REFUSED task %s[%s]: it was sent by installation %r, this worker belongs to %r. "
        "Two installations share this Redis with the same queue; give each its own CERTPORTAL_INSTANCE.",
        task.name,
        request.id,
        sender,
        instance,
    )
    raise Reject(f"task of installation {sender!r} refused by {instance!r}", requeue=False)
