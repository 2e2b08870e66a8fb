"""One guard per action, shared by the service and the page.

A guard is a function `<noun>_<verb>_problem(obj, actor, ...) -> str | None`, always the object first
and the actor second: it says why the actor cannot take the action now, or None when they can. The
service calls `enforce()` on it before writing anything; the view passes the same answer to the
template, which shows the button only when there is no problem (or shows the reason). So a button
is never offered for an action that its service would refuse, and the reason given is the same.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise

Problem = str | Promise | None


def enforce(problem: Problem, *, permitted: bool) -> None:
    """Refuse the action when its guard found a problem: 403 when the actor has no right to it at
    all (`permitted` False), a validation error (shown on the page) when it is only not possible now."""
    if problem is None:
        return
    if not permitted:
        raise PermissionDenied(problem)
    raise ValidationError(problem)
