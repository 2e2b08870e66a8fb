"""The request type of views that only signed-in users reach."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from certportal.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An `HttpRequest` whose user is signed in, for every view not marked `@login_not_required`.

    Only a type: Django still passes a plain `HttpRequest`. `LoginRequiredMiddleware` is what makes
    the annotation true (it sends anonymous visitors to the login page before any such view runs), so
    the type checker may treat `request.user` as a `User` rather than possibly anonymous.
    (healthchecks annotates its views the same way.) `HtmxMiddleware` adds `htmx` to every request.
    """

    user: User
    htmx: HtmxDetails
