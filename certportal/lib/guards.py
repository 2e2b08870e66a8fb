"""One guard per action, shared by the service and the page.

A guard is a function `<noun>_<verb>_problem(obj, actor, ...) -> str | None`, always the object first
and the actor second: it says why the actor cannot take the action now, or None when they can. The
service calls `enforce()` on it before writing anything; the view passes the same answer to the
template, which shows the button only when there is no problem (or shows the reason). So a button
is never offered for an action that its service would refuse, and the reason given is the same.
When a service refuses all the same (the state changed meanwhile, a field is wrong), `add_errors` and
`error_messages` show its reasons on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.functional import Promise

Problem = str | Promise | None


def enforce(problem: Problem, *, permitted: bool) -> None:
    """Refuse the action when its guard found a problem: 403 when the actor has no right to it at
    all (`permitted` False), a validation error (shown on the page) when it is only not possible now."""
    if problem is None:
        return
    if not permitted:
        raise PermissionDenied(problem)
    raise ValidationError(str(problem))


def refusal_texts(error: Exception) -> list[str]:
    """The messages of a service's refusal: a ValidationError (by field or not), or any error that
    carries `messages` (the workflow's TransitionError) or just its text (an image the portal cannot read)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [text for errors in error.message_dict.values() for text in errors]
    return [str(text) for text in getattr(error, "messages", [str(error)])]


def error_messages(request: HttpRequest, error: Exception) -> None:
    """A service's refusal as messages (for small forms that redirect)."""
    for text in refusal_texts(error):
        messages.error(request, text)


def add_errors(form: BaseForm, error: Exception) -> None:
    """Put a service's refusal next to the fields it names, or above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    if isinstance(error, ValidationError):
        form.add_error(None, error)
        return
    for text in refusal_texts(error):
        form.add_error(None, text)
