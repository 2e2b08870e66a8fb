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
    if not isinstance(exc.detail, dict | list):
        return {"detail": str(exc.detail), "code": exc.detail.code or exc.default_code}
    detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    errors = {str(field): texts(value) for field, value in detail.items()}
    first = next((messages[0] for messages in errors.values() if messages), str(exc.default_detail))
    return {"detail": first, "code": "invalid", "errors": errors}


def texts(value: Any) -> list[str]:
    """The messages of one field's errors, however deep a nested serializer put them."""
    if isinstance(value, dict):
        return [text for inner in value.values() for text in texts(inner)]
    if isinstance(value, list):
        return [text for inner in value for text in texts(inner)]
    return [str(value)]
