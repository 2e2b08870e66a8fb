"""Talking to the Celery broker without ever letting an outage break a page."""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from celery import Task
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# Reaching a Redis that is down takes seconds (kombu's connection retries). After one failure this
# process does not try again for a while, so a page that queues several jobs answers after one wait,
# not one wait per job; the sweepers send the jobs once Redis is back.
RETRY_BROKER_AFTER = 10.0
_last_failure: float | None = None


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
    global _last_failure
    if _last_failure is not None and time.monotonic() - _last_failure < RETRY_BROKER_AFTER:
        logger.warning("broker down a moment ago; %s%r stays queued for the sweeper", task.name, args)
        return False
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # kombu raises a variety of connection errors; none must reach the user
        _last_failure = time.monotonic()
        logger.warning("broker unavailable; %s%r stays queued for the sweeper", task.name, args)
        return False
    _last_failure = None
    return True


def broker_forget_failure() -> None:
    """Try the broker at the next task (after a configuration change, and between tests)."""
    global _last_failure
    _last_failure = None


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Send a task once the current transaction has committed, so the worker sees its rows."""
    transaction.on_commit(lambda: enqueue(task, *args))
