"""Health of what a web process depends on, for a load balancer and for monitoring.

Each check answers with a status and a few numbers, never hostnames, URLs or error messages (those
go to the log). Anyone may ask, but only staff and the monitoring addresses in
HEALTH_DETAIL_ALLOWED_IPS see the checks; everyone else learns up or down from the status code.
"""

from __future__ import annotations

import ipaddress
import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from certportal.lib.broker import broker_reachable
from certportal.lib.client_ip import client_ip
from certportal.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Probe objects are written here and deleted at once; backups skip the folder.
PROBE_FOLDER = "health-probe"
PROBE_BYTES = b"certportal health probe\n"

Check = Callable[[], dict[str, Any]]


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def check_redis() -> dict[str, Any]:
    return {"status": "ok" if broker_reachable(timeout=1.0) else "error"}


def check_storage() -> dict[str, Any]:
    """Write, read back and delete a tiny object: proves credentials, permissions and free space."""
    name = default_storage.save(f"{PROBE_FOLDER}/{uuid.uuid4().hex}.txt", ContentFile(PROBE_BYTES))
    try:
        with default_storage.open(name, "rb") as probe:
            read_back = probe.read()
    finally:
        default_storage.delete(name)
    return {"status": "ok" if read_back == PROBE_BYTES else "error"}


def check_workers() -> dict[str, Any]:
    """The newest worker heartbeat must be younger than HEALTH_WORKER_MAX_AGE seconds."""
    now = timezone.now()
    max_age = timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE)
    latest = WorkerHeartbeat.objects.aggregate(latest=Max("beat_at"))["latest"]
    if latest is None:
        return {"status": "error", "heartbeat_age_seconds": None, "live_workers": 0}
    age = now - latest
    live = WorkerHeartbeat.objects.filter(beat_at__gte=now - max_age).count()
    return {
        "status": "ok" if age <= max_age else "error",
        "heartbeat_age_seconds": int(age.total_seconds()),
        "live_workers": live,
    }


CHECKS: dict[str, Check] = {
    "database": check_database,
    "redis": check_redis,
    "storage": check_storage,
    "workers": check_workers,
}


def health_report() -> tuple[bool, dict[str, Any]]:
    """Run every check; healthy when each essential one (HEALTH_ESSENTIAL_CHECKS) passed.

    The overall status is "ok" (all passed), "degraded" (only non-essential ones failed: the web
    process still serves pages) or "failing".
    """
    checks = {name: _run(name, check) for name, check in CHECKS.items()}
    essential = set(settings.HEALTH_ESSENTIAL_CHECKS)
    for name, result in checks.items():
        result["essential"] = name in essential
    healthy = all(result["status"] == "ok" for result in checks.values() if result["essential"])
    if not healthy:
        overall = "failing"
    elif all(result["status"] == "ok" for result in checks.values()):
        overall = "ok"
    else:
        overall = "degraded"
    return healthy, {"status": overall, "checks": checks}


def _run(name: str, check: Check) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = check()
    except Exception:  # any failure of a dependency is a failed check, never a 500
        logger.warning("health check %s failed", name, exc_info=True)
        result = {"status": "error"}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def public_report(*, healthy: bool) -> dict[str, str]:
    """What anyone may know: up or down, not which components or workers exist."""
    return {"status": "up" if healthy else "down"}


def detail_allowed(request: HttpRequest) -> bool:
    """Superusers and the certification body's staff, and clients at HEALTH_DETAIL_ALLOWED_IPS."""
    if _address_allowed(client_ip(request)):
        return True
    try:
        user = request.user
        return bool(user.is_authenticated and (user.is_superuser or user.is_body_staff))
    except DatabaseError:  # a session cannot be read while the database is down: answer up or down
        return False


def _address_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(allowed, strict=False) for allowed in settings.HEALTH_DETAIL_ALLOWED_IPS)
