"""Request ids (every request gets one, every log line written for it carries it, the response shows
it), the cleaning of form text shared by every form, and no caching of what a signed-in user sees."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.cache import patch_cache_control

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
        request.request_id = request_id  # type: ignore[attr-defined]  # our own attribute on the request
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


# Invisible characters nobody types into a form on purpose: C0 controls other than tab, line feed
# and carriage return (an escape sequence can forge a terminal's or a log's output), DEL, and the
# bidirectional overrides and isolates (U+202E can make "gpj.exe" read "exe.jpg"). NUL is left to
# Django's form fields, which refuse it next to the field with a message ("Null characters are not
# allowed"): silently dropping it could turn a probe into an accepted value.
INVISIBLE_CONTROLS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Passwords are compared, never shown: they are hashed exactly as typed.
UNTOUCHED_FIELDS = re.compile(r"password")
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def without_invisible_controls(value: str) -> str:
    return INVISIBLE_CONTROLS.sub("", value)


class FormTextMiddleware:
    """Strips invisible control characters from the text fields of every POSTed form, once, for all
    forms, before any view sees them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            # The stubs type POST as read-only; Django lets middleware replace it before any view reads it.
            request.POST = cleaned_form_data(request.POST)  # type: ignore[assignment]
        return self.get_response(request)


def cleaned_form_data(data: QueryDict) -> QueryDict:
    """`data` itself when there is nothing to strip, else a cleaned (immutable) copy."""
    dirty = [
        key
        for key, values in data.lists()
        if not UNTOUCHED_FIELDS.search(key) and any(INVISIBLE_CONTROLS.search(value) for value in values)
    ]
    if not dirty:
        return data
    cleaned = data.copy()
    for key in dirty:
        cleaned.setlist(key, [without_invisible_controls(value) for value in data.getlist(key)])
    cleaned._mutable = False
    return cleaned


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user: pages and downloads
    (exports, calendars, evidence) hold personal and tenant data that neither a shared proxy nor the
    browser's disk may keep. Anonymous responses (the landing page, public certificate verification)
    stay as cacheable as their views make them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request: HttpRequest) -> bool:
    try:
        return bool(request.user.is_authenticated)
    except DatabaseError:  # the session cannot be read: assume the worst
        return True
