"""Every API error has the same body, `{"detail": "...", "code": "..."}` (validation errors add
`errors` by field), in the caller's language. The access helpers' 404 and 403 keep their messages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from applications.services import ConcurrentChange, TransitionError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def as_api_exception(exc: Exception) -> Exception:
    """The portal's own refusals as DRF exceptions, keeping their messages."""
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, ConcurrentChange):
        return Conflict(" ".join(exc.messages))
    if isinstance(exc, TransitionError):
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = error_body(exc)
    return response


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc.detail, dict | list):
        details = exc.get_full_details()
        errors = details if isinstance(details, dict) else {"non_field_errors": details}
        first = next(iter(errors.values()))
        first = first[0] if isinstance(first, list) and first else first
        return {
            "detail": str(first.get("message", "")) if isinstance(first, dict) else str(first),
            "code": "invalid",
            "errors": {field: [str(item["message"]) for item in items] for field, items in errors.items()},
        }
    return {"detail": str(exc.detail), "code": exc.detail.code or exc.default_code}
