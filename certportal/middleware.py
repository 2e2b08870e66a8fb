"""Request ids: every request gets one, every log line written for it carries it, the response shows it."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from certportal.lib.logs import request_id_var

logger = logging.getLogger("certportal.request")

REQUEST_ID_HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits; load balancers use UUIDs. Anything else (too long, spaces,
# quotes, newlines) could forge log lines, so it is replaced by our own id.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def incoming_request_id(request: HttpRequest) -> str | None:
    value = request.headers.get(REQUEST_ID_HEADER, "")
    return value if SANE_REQUEST_ID.fullmatch(value) else None


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID when it is sane, otherwise makes one; logs one line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = incoming_request_id(request) or uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if settings.LOG_REQUESTS and not _is_passing_health_check(request, response):
                _log_request(request, response, started)
        finally:
            request_id_var.reset(token)
        return response


def _is_passing_health_check(request: HttpRequest, response: HttpResponse) -> bool:
    # A load balancer asks every few seconds; only the failures are worth a line.
    return request.path == reverse("health") and response.status_code == 200


def _log_request(request: HttpRequest, response: HttpResponse, started: float) -> None:
    user = getattr(request, "user", None)
    # The path only: query strings may hold search terms such as names or phone numbers.
    logger.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
        },
    )
