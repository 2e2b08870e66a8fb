"""Limits on the forms that send e-mail to an address (sign-up, password reset): per client address
and per e-mail address, counted in the database cache that every web process shares."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def client_throttled(request: HttpRequest, *, group: str) -> bool:
    """Counts every POST of the form per client address (in the database cache, shared by every web
    process); True once over ACCOUNT_EMAIL_RATE_PER_CLIENT."""
    return is_ratelimited(request, group=group, key="ip", rate=settings.ACCOUNT_EMAIL_RATE_PER_CLIENT, increment=True)


def address_throttled(request: HttpRequest, *, group: str, address: str) -> bool:
    """Counts the submissions that would send an e-mail to `address`; True once over
    ACCOUNT_EMAIL_RATE_PER_ADDRESS, so that nobody can have the portal mail an address over and over
    (and a typing mistake on the form does not use up the address's count)."""
    return is_ratelimited(
        request,
        group=f"{group}-address",
        key=lambda _group, _request: address.strip().casefold(),
        rate=settings.ACCOUNT_EMAIL_RATE_PER_ADDRESS,
        increment=True,
    )


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/too_many.html", status=429)
