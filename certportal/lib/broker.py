"""Talking to the Celery broker without ever letting an outage break a page."""

from __future__ import annotations

import logging
from typing import Any

import redis
from celery import Task
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def broker_reachable(timeout: float = 2.0) -> bool:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def enqueue(task: Task, *args: Any) -> bool:
    """Send a task now; False (and a log line) when the broker cannot take it.

    Callers keep the job's state in their own rows, so a periodic sweeper can send it again later.
    """
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # kombu raises a variety of connection errors; none must reach the user
        logger.warning("broker unavailable; %s%r stays queued for the sweeper", task.name, args)
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Send a task once the current transaction has committed, so the worker sees its rows."""
    transaction.on_commit(lambda: enqueue(task, *args))
