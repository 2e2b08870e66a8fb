"""Small helpers shared by the audit views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest

from applications.services import TransitionError


def add_errors(form: BaseForm, error: ValidationError | TransitionError) -> None:
    """Put a service's refusal next to the fields it names, or above the form."""
    if isinstance(error, TransitionError):
        for message in error.messages:
            form.add_error(None, message)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(None, error)


def error_messages(request: HttpRequest, error: ValidationError | TransitionError) -> None:
    """A service's refusal as messages (for small forms that redirect)."""
    if isinstance(error, TransitionError):
        texts = error.messages
    elif hasattr(error, "error_dict"):
        texts = [text for errors in error.message_dict.values() for text in errors]
    else:
        texts = error.messages
    for text in texts:
        messages.error(request, text)
